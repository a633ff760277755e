// Bounds (src/registry/schemas/bounds.ts): a huge, deeply nested or pathologically shaped schema
// is refused with SchemaError before a parser library spends the event loop on it.
import { describe, expect, it } from 'vitest';
import {
  checkCompatibility, MAX_NESTING_DEPTH, MAX_SCHEMA_BYTES, parseSchema, SchemaError, type ResolvedReference, type SchemaType,
} from '../../../src/registry/schemas/index.js';

/** An Avro record nesting `depth` records inside each other. */
function nestedAvro(depth: number): string {
  let type: unknown = 'string';
  for (let i = depth; i > 0; i--) type = { type: 'record', name: `R${i}`, fields: [{ name: 'inner', type }] };
  return JSON.stringify(type);
}
function nestedJson(depth: number): string {
  let schema: unknown = { type: 'string' };
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { inner: schema } };
  return JSON.stringify(schema);
}
function nestedProto(depth: number): string {
  let body = 'string leaf = 1;';
  for (let i = depth; i > 0; i--) body = `message M${i} { ${body} }`;
  return `syntax = "proto3"; ${body}`;
}
const refuse = (type: SchemaType, text: string, words: string, refs: ResolvedReference[] = []) => {
  expect(() => parseSchema(type, text, refs)).toThrow(SchemaError);
  expect(() => parseSchema(type, text, refs)).toThrow(words);
};

describe('nesting depth', () => {
  it('refuses an Avro record nested 50 deep and accepts one nested 20 deep', () => {
    refuse('AVRO', nestedAvro(50), `nests deeper than ${MAX_NESTING_DEPTH} levels`);
    expect(parseSchema('AVRO', nestedAvro(20), []).type).toBe('AVRO');
  });
  it('refuses a JSON Schema object nested 50 deep and accepts one nested 30 deep', () => {
    refuse('JSON', nestedJson(50), 'nests deeper');
    expect(parseSchema('JSON', nestedJson(30), []).type).toBe('JSON');
  });
  it('refuses .proto messages nested past the limit and accepts 30', () => {
    refuse('PROTOBUF', nestedProto(MAX_NESTING_DEPTH + 1), 'nests deeper');
    refuse('PROTOBUF', nestedProto(50), 'max depth exceeded'); // protobufjs' own limit is lower than ours
    expect(parseSchema('PROTOBUF', nestedProto(30), []).type).toBe('PROTOBUF');
  });
  it('counts brackets only outside strings and comments', () => {
    const deepDoc = JSON.stringify({ type: 'record', name: 'R', doc: '['.repeat(500), fields: [] });
    expect(parseSchema('AVRO', deepDoc, []).type).toBe('AVRO');
    const deepComment = `syntax = "proto3"; // ${'{'.repeat(500)}\n/* ${'{'.repeat(500)} */ message M { string s = 1 [json_name = "${'{'.repeat(500)}"]; }`;
    expect(parseSchema('PROTOBUF', deepComment, []).type).toBe('PROTOBUF');
  });
  it('refuses 100,000 opening brackets at once (all the size allows), without a stack overflow', () => {
    refuse('JSON', '['.repeat(100_000), 'nests deeper');
    refuse('AVRO', '{"type":'.repeat(10_000), 'nests deeper');
    refuse('PROTOBUF', `syntax = "proto3"; ${'message M {'.repeat(10_000)}`, 'nests deeper');
  });
});

describe('size', () => {
  const megabytes = (n: number) => 'x'.repeat(n * 1024 * 1024);
  it.each(['AVRO', 'JSON', 'PROTOBUF'] as const)('refuses a multi-megabyte %s schema', (type) => {
    const text = type === 'PROTOBUF' ? `syntax = "proto3"; // ${megabytes(3)}\nmessage M { string s = 1; }` : JSON.stringify({ type: 'string', doc: megabytes(3), description: megabytes(0) });
    refuse(type, text, `larger than ${MAX_SCHEMA_BYTES} bytes`);
  });
  it('counts UTF-8 bytes, not characters', () => {
    const chars = Math.floor(MAX_SCHEMA_BYTES / 3) + 100; // under the limit in characters, over it in bytes
    refuse('JSON', JSON.stringify({ type: 'string', description: '€'.repeat(chars) }), 'larger than');
  });
  it('accepts a schema just under the limit', () => {
    const text = JSON.stringify({ type: 'string', description: 'x'.repeat(MAX_SCHEMA_BYTES - 100) });
    expect(parseSchema('JSON', text, []).type).toBe('JSON');
  });
  it('refuses references that together pass the limit', () => {
    const half = (name: string): ResolvedReference => ({ name, subject: name, version: 1, schemaType: 'JSON', schema: JSON.stringify({ description: 'x'.repeat(MAX_SCHEMA_BYTES / 2) }), references: [] });
    refuse('JSON', '{"type":"object"}', 'references together', [half('a.json'), half('b.json'), half('c.json')]);
  });
  it('refuses a reference tree of more than 1,000 references', () => {
    const refs: ResolvedReference[] = Array.from({ length: 1001 }, (_, i) => ({ name: `r${i}.json`, subject: `r${i}`, version: 1, schemaType: 'JSON', schema: '{}', references: [] }));
    refuse('JSON', '{"type":"object"}', 'more than 1000 references', refs);
  });
});

describe('shapes the libraries handle slowly', () => {
  it('refuses an Avro schema with more than 500 named types', () => {
    const fields = Array.from({ length: 501 }, (_, i) => ({ name: `f${i}`, type: { type: 'enum', name: `E${i}`, symbols: ['A'] } }));
    refuse('AVRO', JSON.stringify({ type: 'record', name: 'Top', fields }), 'more than 500 named types');
  });
  it('refuses a .proto message of more than 1,000 fields (protobufjs adds fields in quadratic time)', () => {
    const fields = Array.from({ length: 1001 }, (_, i) => `string f${i} = ${i + 1};`).join(' ');
    refuse('PROTOBUF', `syntax = "proto3"; message M { ${fields} }`, 'more than 1000 fields');
  });
  it('refuses many messages whose field counts squared add up past the budget', () => {
    const message = (m: number) => `message M${m} { ${Array.from({ length: 400 }, (_, i) => `int32 f${i} = ${i + 1};`).join(' ')} }`;
    refuse('PROTOBUF', `syntax = "proto3"; ${[0, 1, 2, 3, 4, 5, 6].map(message).join('\n')}`, 'too many fields');
  });
  it('counts a oneof toward its message', () => {
    const half = (from: number) => Array.from({ length: 501 }, (_, i) => `string f${from + i} = ${from + i + 1};`).join(' ');
    refuse('PROTOBUF', `syntax = "proto3"; message M { ${half(0)} oneof o { ${half(1000)} } }`, 'fields');
  });
  it('a JSON compatibility check over combinators that multiply stops at its step budget', () => {
    const branches = (d: number): unknown => (d === 0 ? { type: 'string' } : { anyOf: Array.from({ length: 7 }, (_, i) => ({ ...(branches(d - 1) as object), $comment: `${i}` })) });
    const schema = parseSchema('JSON', JSON.stringify(branches(4)), []);
    const result = checkCompatibility('FULL_TRANSITIVE', schema, [schema, schema]);
    // Either it finds the schemas compatible within the budget or it says they were too complex.
    if (!result.compatible) expect(result.messages.join('\n')).toContain('too complex to compare');
  });
  it('a chain of thousands of Protobuf messages compares without overflowing the stack', () => {
    const n = 2000;
    const chain = `syntax = "proto3"; ${Array.from({ length: n }, (_, m) => `message M${m} { M${(m + 1) % n} next = 1; }`).join('\n')}`;
    const schema = parseSchema('PROTOBUF', chain, []);
    expect(checkCompatibility('FULL', schema, [schema])).toEqual({ compatible: true, messages: [] });
  });
});
