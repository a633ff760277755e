// Mutated schema texts: parseSchema either parses or throws SchemaError (never another error, so
// the service can always answer 42201), and checkCompatibility over whatever parsed never throws.
// Deterministic: a seeded generator, so a failure names a reproducible case.
import { describe, expect, it } from 'vitest';
import { checkCompatibility, parseSchema, SchemaError, type ParsedSchema, type ResolvedReference, type SchemaType } from '../../../src/registry/schemas/index.js';

const SEEDS: Record<SchemaType, string[]> = {
  AVRO: [
    '{"type":"record","name":"U","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"m","type":["null",{"type":"map","values":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}}],"default":null},{"name":"f","type":{"type":"fixed","name":"F","size":4}}]}',
    '{"type":"record","name":"Node","fields":[{"name":"v","type":"int","default":0},{"name":"next","type":["null","Node"],"default":null}]}',
  ],
  JSON: [
    '{"type":"object","properties":{"a":{"type":"string","maxLength":5,"pattern":"^x"},"b":{"type":["integer","null"],"minimum":0},"c":{"type":"array","items":{"$ref":"#/definitions/c"}}},"required":["a"],"additionalProperties":false,"definitions":{"c":{"enum":[1,2,3]}}}',
    '{"anyOf":[{"type":"string"},{"type":"object","patternProperties":{"^s_":{"type":"string"}},"additionalProperties":{"type":"number"}}],"not":{"const":"x"}}',
  ],
  PROTOBUF: [
    'syntax = "proto3"; package shop; import "google/protobuf/timestamp.proto"; message Order { string id = 1; google.protobuf.Timestamp at = 2; map<string, Line> lines = 3; oneof pay { string card = 4; int64 points = 5; } optional int32 p = 6; message Line { int64 qty = 1; } enum S { A = 0; B = 1; } }',
    'syntax = "proto2"; message M { required int32 a = 1; optional string b = 2 [default = "x"]; repeated int64 c = 3 [packed = true]; extensions 100 to max; } extend M { optional int32 e = 100; }',
  ],
};

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['{', '}', '[', ']', '"', ':', ',', ';', '=', 'null', 'true', '-1', '1e400', '"type"', '"record"', '"$ref"', '"#"', 'message', 'oneof', 'map<', '>', '\\', '\u0000', '\u00e9', '"default"', '"items"', '"enum"'];

function mutate(text: string, rnd: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const len = Math.floor(rnd() * 12);
    switch (Math.floor(rnd() * 4)) {
      case 0: out = out.slice(0, at) + out.slice(at + len); break; // delete
      case 1: out = out.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + out.slice(at); break; // insert
      case 2: out = out.slice(0, at) + out.slice(at, at + len).repeat(2) + out.slice(at + len); break; // duplicate
      default: out = out.slice(0, at); // truncate
    }
  }
  return out;
}

describe.each(Object.keys(SEEDS) as SchemaType[])('%s under mutation', (type) => {
  it('parses or refuses with SchemaError, and compatibility never throws', () => {
    const rnd = generator(0x5eed + type.length);
    const parsed: ParsedSchema[] = SEEDS[type].map((s) => parseSchema(type, s, []));
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const text = mutate(SEEDS[type][i % SEEDS[type].length], rnd);
      let schema: ParsedSchema | undefined;
      try {
        schema = parseSchema(type, text, []);
      } catch (err) {
        if (!(err instanceof SchemaError)) throw new Error(`case ${i}: ${(err as Error).stack}\n${text}`);
        expect((err as Error).message.length).toBeGreaterThan(0);
        refused++;
        continue;
      }
      expect(typeof schema.canonical).toBe('string');
      expect(typeof schema.normalized()).toBe('string');
      for (const level of ['BACKWARD', 'FORWARD', 'FULL_TRANSITIVE'] as const) {
        const result = checkCompatibility(level, schema, parsed);
        expect(typeof result.compatible).toBe('boolean');
      }
      parsed.push(schema);
      if (parsed.length > 8) parsed.splice(2, 1);
    }
    expect(refused).toBeGreaterThan(0); // the mutations do reach the error paths
  });
});

describe('hostile inputs are refused with SchemaError', () => {
  const bad = (over: Partial<ResolvedReference>): ResolvedReference[] => [{ name: 'r', subject: 'r', version: 1, schemaType: 'JSON', schema: '{}', references: [], ...over } as ResolvedReference];
  it.each([
    ['an unknown schema type', 'XML' as SchemaType, '<a/>', []],
    ['a schema that is not a string', 'AVRO' as SchemaType, 42 as unknown as string, []],
    ['a $ref with a malformed %-escape', 'JSON' as SchemaType, '{"properties":{"a":{"$ref":"#/definitions/%ZZ"}}}', []],
    ['a $ref against an $id that is no URL', 'JSON' as SchemaType, '{"$id":"::bad","properties":{"a":{"$ref":"x.json"}}}', []],
    ['a reference whose text is not a string', 'JSON' as SchemaType, '{}', bad({ schema: undefined as unknown as string })],
    ['references that are not an array', 'JSON' as SchemaType, '{}', 'nope' as unknown as ResolvedReference[]],
    ['a reference of another type', 'PROTOBUF' as SchemaType, 'syntax = "proto3"; import "r"; message M { int32 a = 1; }', bad({})],
    ['an import cycle through references', 'PROTOBUF' as SchemaType, 'syntax = "proto3"; import "a.proto"; message M { A a = 1; }', [{ name: 'a.proto', subject: 'a', version: 1, schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; import "a.proto"; message A { B b = 1; }', references: [] }]],
    ['a name the well-known files already define', 'PROTOBUF' as SchemaType, 'syntax = "proto3"; package google.protobuf; import "google/protobuf/any.proto"; message Any { int32 x = 1; } message M { Missing m = 1; }', []],
  ])('%s', (_name, type, text, refs) => {
    expect(() => parseSchema(type, text, refs as ResolvedReference[])).toThrow(SchemaError);
  });
});
