// Protobuf compatibility, case by case from the Confluent documentation's rules for Protobuf
// (and Protobuf's own rules for updating a message type: field numbers are what the wire
// carries). BACKWARD: the new schema reads data written with the old; FORWARD the other way
// round; FULL both; *_TRANSITIVE against every version.
import { describe, expect, it } from 'vitest';
import { checkCompatibility, parseSchema, type ResolvedReference } from '../../../src/registry/schemas/index.js';
import { runCompatTable, type CompatCase } from './compat-table.js';

/** A proto3 file in package shop holding the given declarations. */
const p3 = (body: string, pkg = 'shop') => `syntax = "proto3";\npackage ${pkg};\n${body}\n`;
const msg = (fields: string, name = 'Order') => `message ${name} {\n${fields}\n}`;

type Case = CompatCase<string>;

const cases: Case[] = [
  { rule: 'a field added is skipped by old readers and absent (default) for new ones', level: 'BACKWARD', existing: [p3(msg('string id = 1;'))], candidate: p3(msg('string id = 1; int32 qty = 2;')), compatible: true },
  { rule: 'a field removed is skipped as an unknown field', level: 'BACKWARD', existing: [p3(msg('string id = 1; int32 qty = 2;'))], candidate: p3(msg('string id = 1;')), compatible: true },
  { rule: 'adding and removing optional fields is safe both ways', level: 'FULL', existing: [p3(msg('string id = 1; int32 qty = 2;'))], candidate: p3(msg('string id = 1; string note = 3;')), compatible: true },
  { rule: 'a field renamed keeps its number, which is all the wire knows', level: 'FULL', existing: [p3(msg('string id = 1;'))], candidate: p3(msg('string order_id = 1;')), compatible: true },
  { rule: 'int32 to int64 stays in the varint group', level: 'BACKWARD', existing: [p3(msg('int32 n = 1;'))], candidate: p3(msg('int64 n = 1;')), compatible: true },
  { rule: 'uint64, uint32, int32 and bool share the varint group', level: 'FULL', existing: [p3(msg('uint64 a = 1; int32 b = 2;'))], candidate: p3(msg('int32 a = 1; bool b = 2;')), compatible: true },
  { rule: 'int32 to sint32 changes the encoding (zigzag)', level: 'BACKWARD', existing: [p3(msg('int32 n = 1;'))], candidate: p3(msg('sint32 n = 1;')), compatible: false, mentions: 'sint32' },
  { rule: 'sint32 and sint64 share the zigzag group', level: 'FULL', existing: [p3(msg('sint32 n = 1;'))], candidate: p3(msg('sint64 n = 1;')), compatible: true },
  { rule: 'string and bytes share the length-delimited group', level: 'FULL', existing: [p3(msg('string s = 1;'))], candidate: p3(msg('bytes s = 1;')), compatible: true },
  { rule: 'fixed32 and sfixed32 share a group', level: 'BACKWARD', existing: [p3(msg('fixed32 n = 1;'))], candidate: p3(msg('sfixed32 n = 1;')), compatible: true },
  { rule: 'fixed32 to fixed64 changes the wire width', level: 'BACKWARD', existing: [p3(msg('fixed32 n = 1;'))], candidate: p3(msg('fixed64 n = 1;')), compatible: false },
  { rule: 'float to double changes the wire width', level: 'BACKWARD', existing: [p3(msg('float n = 1;'))], candidate: p3(msg('double n = 1;')), compatible: false },
  { rule: 'int32 to string changes the wire type', level: 'BACKWARD', existing: [p3(msg('int32 n = 1;'))], candidate: p3(msg('string n = 1;')), compatible: false, mentions: 'Order.n (1)' },
  { rule: 'an enum field reads as int32 and back (both varints)', level: 'FULL', existing: [p3(`${msg('Status s = 1;')}\nenum Status { NEW = 0; PAID = 1; }`)], candidate: p3(msg('int32 s = 1;')), compatible: true },
  { rule: 'a scalar field turned into a message changes its kind', level: 'BACKWARD', existing: [p3(msg('string who = 1;'))], candidate: p3(`${msg('Person who = 1;')}\n${msg('string name = 1;', 'Person')}`), compatible: false, mentions: 'type changed' },
  { rule: 'a message field pointing at a message of another name breaks', level: 'BACKWARD', existing: [p3(`${msg('A x = 1;')}\n${msg('string s = 1;', 'A')}\n${msg('string s = 1;', 'B')}`)], candidate: p3(`${msg('B x = 1;')}\n${msg('string s = 1;', 'A')}\n${msg('string s = 1;', 'B')}`), compatible: false, mentions: 'from A to B' },
  { rule: 'a message field whose message changes incompatibly breaks', level: 'BACKWARD', existing: [p3(`${msg('Item item = 1;')}\n${msg('int32 n = 1;', 'Item')}`)], candidate: p3(`${msg('Item item = 1;')}\n${msg('string n = 1;', 'Item')}`), compatible: false, mentions: 'Item' },
  { rule: 'a message removed breaks readers of its data', level: 'BACKWARD', existing: [p3(`${msg('string id = 1;')}\n${msg('string id = 1;', 'Refund')}`)], candidate: p3(msg('string id = 1;')), compatible: false, mentions: 'Refund' },
  { rule: 'a message added is safe for new readers', level: 'BACKWARD', existing: [p3(msg('string id = 1;'))], candidate: p3(`${msg('string id = 1;')}\n${msg('string id = 1;', 'Refund')}`), compatible: true },
  { rule: 'a message added is, to the old reader, a message it lacks', level: 'FORWARD', existing: [p3(msg('string id = 1;'))], candidate: p3(`${msg('string id = 1;')}\n${msg('string id = 1;', 'Refund')}`), compatible: false },
  { rule: 'messages reordered in the file are safe', level: 'FULL', existing: [p3(`${msg('string id = 1;')}\n${msg('string id = 1;', 'Refund')}`)], candidate: p3(`${msg('string id = 1;', 'Refund')}\n${msg('string id = 1;')}`), compatible: true },
  { rule: 'enums and enum values may be added, removed and renumbered', level: 'FULL', existing: [p3(`${msg('string id = 1;')}\nenum A { X = 0; Y = 1; }\nenum B { Z = 0; }`)], candidate: p3(`${msg('string id = 1;')}\nenum A { X = 0; W = 2; }`), compatible: true },
  { rule: 'a changed package renames every type', level: 'BACKWARD', existing: [p3(msg('string id = 1;'))], candidate: p3(msg('string id = 1;'), 'store'), compatible: false, mentions: 'package' },
  { rule: 'proto2 to proto3 syntax is not a break by itself', level: 'FULL', existing: [`syntax = "proto2";\npackage shop;\n${msg('optional string id = 1;')}`], candidate: p3(msg('string id = 1;')), compatible: true },
  { rule: 'repeated to singular for a numeric field breaks (packed encoding)', level: 'BACKWARD', existing: [p3(msg('repeated int32 ns = 1;'))], candidate: p3(msg('int32 ns = 1;')), compatible: false, mentions: 'repeated' },
  { rule: 'repeated to singular for a string field is safe (last value wins)', level: 'BACKWARD', existing: [p3(msg('repeated string tags = 1;'))], candidate: p3(msg('string tags = 1;')), compatible: true },
  { rule: 'a proto2 required field added: old data lacks it', level: 'BACKWARD', existing: [`syntax = "proto2";\n${msg('optional string id = 1;')}`], candidate: `syntax = "proto2";\n${msg('optional string id = 1; required int32 qty = 2;')}`, compatible: false, mentions: 'requires' },
  { rule: 'a proto2 required field removed: old readers still require it', level: 'BACKWARD', existing: [`syntax = "proto2";\n${msg('optional string id = 1; required int32 qty = 2;')}`], candidate: `syntax = "proto2";\n${msg('optional string id = 1;')}`, compatible: false },
  { rule: 'a new oneof of new fields is safe', level: 'FULL', existing: [p3(msg('string id = 1;'))], candidate: p3(msg('string id = 1; oneof pay { string card = 2; string iban = 3; }')), compatible: true },
  { rule: 'a oneof removed with its fields is safe', level: 'BACKWARD', existing: [p3(msg('string id = 1; oneof pay { string card = 2; string iban = 3; }'))], candidate: p3(msg('string id = 1;')), compatible: true },
  { rule: 'a field added to a oneof is safe', level: 'BACKWARD', existing: [p3(msg('oneof pay { string card = 2; }'))], candidate: p3(msg('oneof pay { string card = 2; string iban = 3; }')), compatible: true },
  { rule: 'a field removed from a oneof breaks', level: 'BACKWARD', existing: [p3(msg('oneof pay { string card = 2; string iban = 3; }'))], candidate: p3(msg('oneof pay { string card = 2; }')), compatible: false, mentions: 'oneof' },
  { rule: 'one existing field moved into a new oneof is safe', level: 'BACKWARD', existing: [p3(msg('string card = 2;'))], candidate: p3(msg('oneof pay { string card = 2; string iban = 3; }')), compatible: true },
  { rule: 'several existing fields moved into one oneof breaks (old data may set both)', level: 'BACKWARD', existing: [p3(msg('string card = 2; string iban = 3;'))], candidate: p3(msg('oneof pay { string card = 2; string iban = 3; }')), compatible: false, mentions: 'may set several' },
  { rule: 'an existing field moved into a oneof that already had fields breaks', level: 'BACKWARD', existing: [p3(msg('string card = 2; oneof pay { string iban = 3; }'))], candidate: p3(msg('oneof pay { string card = 2; string iban = 3; }')), compatible: false },
  { rule: 'a field type change inside a oneof is found', level: 'BACKWARD', existing: [p3(msg('oneof pay { string card = 2; }'))], candidate: p3(msg('oneof pay { int64 card = 2; }')), compatible: false },
  { rule: 'a nested message field changed incompatibly is found with its path', level: 'BACKWARD', existing: [p3(msg('Line line = 1; message Line { int32 qty = 1; }'))], candidate: p3(msg('Line line = 1; message Line { double qty = 1; }')), compatible: false, mentions: 'Order.Line.qty (1)' },
  { rule: 'a nested message removed breaks', level: 'BACKWARD', existing: [p3(msg('string id = 1; message Line { int32 qty = 1; }'))], candidate: p3(msg('string id = 1;')), compatible: false, mentions: 'Order.Line' },
  { rule: 'map values in the same group are safe', level: 'BACKWARD', existing: [p3(msg('map<string, int32> counts = 1;'))], candidate: p3(msg('map<string, int64> counts = 1;')), compatible: true },
  { rule: 'a map key of another group breaks', level: 'BACKWARD', existing: [p3(msg('map<string, int32> counts = 1;'))], candidate: p3(msg('map<int32, int32> counts = 1;')), compatible: false, mentions: 'key' },
  { rule: 'a map turned into a repeated message changes the kind', level: 'BACKWARD', existing: [p3(msg('map<string, int32> counts = 1;'))], candidate: p3(`${msg('repeated Count counts = 1;')}\n${msg('string k = 1; int32 v = 2;', 'Count')}`), compatible: false },
  { rule: 'proto3 optional is a label, not a oneof: adding it is safe', level: 'FULL', existing: [p3(msg('string id = 1;'))], candidate: p3(msg('optional string id = 1;')), compatible: true },
  { rule: 'a recursive message compares once and passes unchanged', level: 'FULL', existing: [p3(msg('string v = 1; repeated Tree kids = 2;', 'Tree'))], candidate: p3(msg('string v = 1; repeated Tree kids = 2; int32 depth = 3;', 'Tree')), compatible: true },
  { rule: 'services and their methods do not take part', level: 'FULL', existing: [p3(`${msg('string id = 1;')}\nservice S { rpc Get(Order) returns (Order); }`)], candidate: p3(msg('string id = 1;')), compatible: true },
  { rule: 'BACKWARD checks only the latest version', level: 'BACKWARD', existing: [p3(msg('string id = 1;')), p3(msg('string id = 1; int32 n = 2;'))], candidate: p3(msg('string id = 1; string n = 2;')), compatible: true },
  { rule: 'BACKWARD_TRANSITIVE: number 2 was an int32 two versions ago', level: 'BACKWARD_TRANSITIVE', existing: [p3(msg('string id = 1;')), p3(msg('string id = 1; int32 n = 2;'))], candidate: p3(msg('string id = 1; string n = 2;')), compatible: false, mentions: 'version 1 before' },
  { rule: 'BACKWARD_TRANSITIVE passes when no number is reused', level: 'BACKWARD_TRANSITIVE', existing: [p3(msg('string id = 1;')), p3(msg('string id = 1; int32 n = 2;'))], candidate: p3(msg('string id = 1; string note = 3;')), compatible: true },
  { rule: 'FORWARD checks only the latest version', level: 'FORWARD', existing: [p3(msg('string id = 1;')), p3(msg('string id = 1; int32 n = 2;'))], candidate: p3(msg('string id = 1; string n = 2;')), compatible: true },
  { rule: 'FORWARD_TRANSITIVE: an older reader sees number 2 as an int32', level: 'FORWARD_TRANSITIVE', existing: [p3(msg('string id = 1;')), p3(msg('string id = 1; int32 n = 2;'))], candidate: p3(msg('string id = 1; string n = 2;')), compatible: false },
  { rule: 'FORWARD_TRANSITIVE passes for added fields', level: 'FORWARD_TRANSITIVE', existing: [p3(msg('string id = 1;')), p3(msg('string id = 1;'))], candidate: p3(msg('string id = 1; int32 n = 2;')), compatible: true },
  { rule: 'FULL refuses a type change between groups', level: 'FULL', existing: [p3(msg('int64 n = 1;'))], candidate: p3(msg('double n = 1;')), compatible: false },
  { rule: 'FULL_TRANSITIVE: an older version had a message the candidate removes', level: 'FULL_TRANSITIVE', existing: [p3(msg('string id = 1;')), p3(`${msg('string id = 1;')}\n${msg('string id = 1;', 'Refund')}`)], candidate: p3(msg('string id = 1; int32 n = 2;')), compatible: false },
  { rule: 'FULL_TRANSITIVE passes for renames and new fields', level: 'FULL_TRANSITIVE', existing: [p3(msg('string id = 1;')), p3(msg('string key = 1;'))], candidate: p3(msg('string order_id = 1; int32 n = 2;')), compatible: true },
  { rule: 'NONE accepts any change', level: 'NONE', existing: [p3(msg('int32 n = 1;'))], candidate: p3(msg('string n = 1;'), 'other'), compatible: true },
];

describe('Protobuf compatibility', () => {
  const parse = (s: string) => parseSchema('PROTOBUF', s, []);
  runCompatTable(cases, parse);

  it('follows a message type into an imported reference: a changed referenced message breaks', () => {
    const ref = (body: string, version: number): ResolvedReference => ({ name: 'common.proto', subject: 'common', version, schemaType: 'PROTOBUF', schema: p3(body, 'common'), references: [] });
    const text = p3(`import "common.proto";\n${msg('common.Money total = 1;')}`);
    const v1 = parseSchema('PROTOBUF', text, [ref(msg('int64 cents = 1;', 'Money'), 1)]);
    const v2 = parseSchema('PROTOBUF', text, [ref(msg('double cents = 1;', 'Money'), 2)]);
    const result = checkCompatibility('BACKWARD', v2, [v1]);
    expect(result.compatible).toBe(false);
    expect(result.messages.join('\n')).toContain('Money.cents (1)');
    const v3 = parseSchema('PROTOBUF', text, [ref(msg('int64 cents = 1; string currency = 2;', 'Money'), 3)]);
    expect(checkCompatibility('FULL', v3, [v1]).compatible).toBe(true);
  });
});
