// Protobuf parsing, canonical forms and imports from references (src/registry/schemas/protobuf.ts).
import { describe, expect, it } from 'vitest';
import { parseSchema, SchemaError, type ResolvedReference } from '../../../src/registry/schemas/index.js';

const proto = (text: string, refs: ResolvedReference[] = []) => parseSchema('PROTOBUF', text, refs);
const ref = (name: string, schema: string, references: ResolvedReference[] = []): ResolvedReference => ({
  name, subject: name.replace(/\.proto$/, ''), version: 1, schemaType: 'PROTOBUF', schema, references,
});

describe('Protobuf parsing', () => {
  it.each([
    ['proto3 with a oneof, a map, an enum and a nested message', 'syntax = "proto3"; package a; message M { oneof o { string s = 1; int32 i = 2; } map<string, int64> m = 3; E e = 4; enum E { X = 0; } N n = 5; message N { bool b = 1; } }'],
    ['proto2 with required, optional, defaults and reserved', 'syntax = "proto2"; message M { required int32 a = 1; optional string b = 2 [default = "x"]; repeated int64 c = 3; reserved 7, 9 to 11; reserved "old"; }'],
    ['no syntax statement (proto2)', 'message M { optional int32 a = 1; }'],
    ['a service', 'syntax = "proto3"; message R { string id = 1; } service S { rpc Get (R) returns (stream R); }'],
    ['a well-known type import', 'syntax = "proto3"; import "google/protobuf/timestamp.proto"; message M { google.protobuf.Timestamp at = 1; }'],
    ['custom options declared over descriptor.proto', 'syntax = "proto3"; import "google/protobuf/descriptor.proto"; extend google.protobuf.FieldOptions { string tag = 50000; } message M { string s = 1 [(tag) = "x"]; }'],
    ['every well-known import at once', `syntax = "proto3"; ${['any', 'api', 'descriptor', 'duration', 'empty', 'field_mask', 'source_context', 'struct', 'timestamp', 'type', 'wrappers'].map((f) => `import "google/protobuf/${f}.proto";`).join(' ')} message M { google.protobuf.Api a = 1; google.protobuf.Struct s = 2; google.protobuf.Int64Value v = 3; }`],
    ['file options', 'syntax = "proto3"; package a.b; option java_package = "com.x"; option java_multiple_files = true; message M { string s = 1; }'],
  ])('accepts %s', (_name, text) => {
    expect(proto(text).type).toBe('PROTOBUF');
  });

  it.each([
    ['a syntax error', 'syntax = "proto3"; message M { string s = ; }', "illegal id ';' (line 1)"],
    ['an unknown field type', 'syntax = "proto3"; message M { Missing m = 1; }', 'Missing'],
    ['required in proto3', 'syntax = "proto3"; message M { required int32 a = 1; }', "illegal token 'required'"],
    ['an import that is neither a reference nor well-known', 'syntax = "proto3"; import "other.proto"; message M { string s = 1; }', 'other.proto'],
    ['editions syntax', 'edition = "2023"; message M { int32 a = 1; }', 'editions syntax is not supported'],
  ])('refuses %s with SchemaError', (_name, text, words) => {
    expect(() => proto(text)).toThrow(SchemaError);
    expect(() => proto(text)).toThrow(words);
  });

  it('canonical ignores comments, whitespace and line breaks', () => {
    const a = proto('syntax = "proto3";\npackage shop;\n// an order\nmessage Order {\n  string id = 1; /* key */\n  int32 qty = 2;\n}\n');
    const b = proto('syntax="proto3";package shop;message Order{string id=1;int32 qty=2;}');
    expect(a.canonical).toBe(b.canonical);
    expect(a.canonical).toBe('syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  int32 qty = 2;\n}\n');
  });

  it('canonical keeps declaration order; normalized sorts it', () => {
    const a = proto('syntax = "proto3"; message B { int32 y = 2; int32 x = 1; } message A { string s = 1; }');
    const b = proto('syntax = "proto3"; message A { string s = 1; } message B { int32 x = 1; int32 y = 2; }');
    expect(a.canonical).not.toBe(b.canonical);
    expect(a.normalized()).toBe(b.normalized());
  });

  it('canonical prints options, oneofs, maps, reserved ranges and proto3 optional', () => {
    const c = proto('syntax = "proto3"; option java_package = "x"; message M { optional string s = 1; oneof o { int32 i = 2; } map<string, int32> m = 3; reserved 5 to 7; }').canonical;
    for (const line of ['option java_package = "x";', 'optional string s = 1;', 'oneof o {', 'map<string, int32> m = 3;', 'reserved 5 to 7;']) {
      expect(c).toContain(line);
    }
  });
});

it('canonical of a proto2 file keeps its labels, extension ranges and extensions', () => {
  const c = proto('syntax = "proto2"; message M { optional string s = 1; required int32 r = 2; extensions 100 to max; } extend M { optional int32 e = 100; }').canonical;
  expect(c).toBe('syntax = "proto2";\nmessage M {\n  optional string s = 1;\n  required int32 r = 2;\n  extensions 100 to max;\n}\nextend M { optional int32 e = 100; }\n');
  // The canonical text parses back to itself.
  expect(proto(c).canonical).toBe(c);
});

it('canonical text parses back to itself (options, aggregates, enums, oneofs, maps, services, reserved)', () => {
  const text = `syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
option optimize_for = SPEED;
option java_package = "com.shop";
option (my.opt) = { a: 1 b: "s" };
message Order {
  option deprecated = true;
  string id = 1 [json_name = "ID", (v.rules).string = { min_len: 1 }];
  google.protobuf.Timestamp at = 2;
  map<string, Line> lines = 3;
  oneof pay { string card = 4; string iban = 5; }
  optional int32 priority = 6;
  repeated Status history = 7 [packed = true];
  reserved 10 to 12, 15;
  reserved "old";
  message Line { int64 qty = 1; }
  enum Status { option allow_alias = true; NEW = 0; OPEN = 0; PAID = 1; }
}
service Orders { rpc Watch (Order) returns (stream Order); }
`;
  const first = proto(text);
  expect(proto(first.canonical).canonical).toBe(first.canonical);
  expect(proto(first.normalized()).normalized()).toBe(first.normalized());
  expect(first.canonical).toContain('option optimize_for = SPEED;');
  expect(first.canonical).toContain('option (my.opt).a = 1;');
});

describe('Protobuf imports from references', () => {
  const money = 'syntax = "proto3"; package common; message Money { int64 cents = 1; }';
  const order = 'syntax = "proto3"; package shop; import "money.proto"; message Order { common.Money total = 1; }';

  it('satisfies an import from the reference of that name', () => {
    const parsed = proto(order, [ref('money.proto', money)]);
    expect(parsed.canonical).toContain('import "money.proto";');
    expect(parsed.canonical).not.toContain('message Money');
  });

  it('satisfies imports of imports', () => {
    const currency = 'syntax = "proto3"; package common; enum Currency { EUR = 0; }';
    const money2 = 'syntax = "proto3"; package common; import "currency.proto"; message Money { int64 cents = 1; Currency cur = 2; }';
    expect(proto(order, [ref('money.proto', money2, [ref('currency.proto', currency)])]).type).toBe('PROTOBUF');
  });

  it('refuses a schema whose import has no reference', () => {
    expect(() => proto(order)).toThrow('money.proto');
  });

  it('refuses a reference that is not Protobuf', () => {
    const json: ResolvedReference = { name: 'money.proto', subject: 'm', version: 1, schemaType: 'AVRO', schema: '"int"', references: [] };
    expect(() => proto(order, [json])).toThrow('not PROTOBUF');
  });
});
