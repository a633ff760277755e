// Avro parsing, canonical forms and references (src/registry/schemas/avro.ts).
import { describe, expect, it } from 'vitest';
import { parseSchema, SchemaError, type ResolvedReference } from '../../../src/registry/schemas/index.js';

const avro = (text: string, refs: ResolvedReference[] = []) => parseSchema('AVRO', text, refs);
const ref = (name: string, schema: object, references: ResolvedReference[] = [], version = 1): ResolvedReference => ({
  name, subject: name, version, schemaType: 'AVRO', schema: JSON.stringify(schema), references,
});

describe('Avro parsing', () => {
  it.each([
    ['a primitive as a JSON string', '"string"'],
    ['a primitive as an object', '{"type":"long"}'],
    ['a record with defaults, doc and aliases', '{"type":"record","name":"U","doc":"a user","fields":[{"name":"a","type":"int","default":1,"aliases":["b"]}]}'],
    ['a union', '["null","string"]'],
    ['an enum with a default', '{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}'],
    ['a logical type', '{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}'],
    ['a recursive record', '{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}'],
  ])('accepts %s', (_name, text) => {
    expect(avro(text).type).toBe('AVRO');
  });

  it.each([
    ['text that is not JSON', '{"type":', 'not JSON'],
    ['an unknown type name', '{"type":"record","name":"U","fields":[{"name":"a","type":"Nope"}]}', 'Nope'],
    ['a default of the wrong type', '{"type":"record","name":"U","fields":[{"name":"a","type":"int","default":"x"}]}', 'default'],
    ['a record without fields', '{"type":"record","name":"U"}', 'fields'],
    ['an enum with a repeated symbol', '{"type":"enum","name":"E","symbols":["A","A"]}', 'duplicate'],
    ['a name defined twice', '{"type":"record","name":"U","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":{"type":"fixed","name":"F","size":2}}]}', 'duplicate type name'],
    ['an invalid name', '{"type":"record","name":"1U","fields":[]}', 'invalid name'],
  ])('refuses %s with SchemaError', (_name, text, words) => {
    expect(() => avro(text)).toThrow(SchemaError);
    expect(() => avro(text)).toThrow(words);
  });

  it('canonical ignores whitespace and key order but keeps defaults, doc and custom attributes', () => {
    const a = avro('{"type":"record","name":"U","fields":[{"name":"a","type":"int","default":1}],"doc":"d","x-owner":"team"}');
    const b = avro(' { "doc" : "d", "x-owner":"team", "fields" : [ { "default":1, "type" : "int", "name" : "a" } ], "name" : "U", "type" : "record" } ');
    expect(a.canonical).toBe(b.canonical);
    expect(a.canonical).toBe('{"type":"record","name":"U","doc":"d","fields":[{"name":"a","type":"int","default":1}],"x-owner":"team"}');
    const otherDefault = avro('{"type":"record","name":"U","fields":[{"name":"a","type":"int","default":2}],"doc":"d","x-owner":"team"}');
    expect(otherDefault.canonical).not.toBe(a.canonical);
  });

  it('canonical writes a primitive in its short form, as Avro reads {"type":"int"}', () => {
    expect(avro('{"type":"string"}').canonical).toBe('"string"');
    expect(avro('{"type":"record","name":"U","fields":[{"name":"a","type":{"type":"int"}}]}').canonical).toBe(avro('{"type":"record","name":"U","fields":[{"name":"a","type":"int"}]}').canonical);
    expect(avro('{"type":"string","logicalType":"uuid"}').canonical).toBe('{"type":"string","logicalType":"uuid"}');
  });

  it('normalized qualifies names and folds namespaces in', () => {
    const a = avro('{"type":"record","name":"U","namespace":"shop","fields":[{"name":"a","type":{"type":"int"}},{"name":"b","type":{"type":"enum","name":"E","symbols":["X"]}},{"name":"c","type":"E"}]}');
    const b = avro('{"type":"record","name":"shop.U","fields":[{"name":"a","type":"int"},{"name":"b","type":{"type":"enum","name":"shop.E","symbols":["X"]}},{"name":"c","type":"shop.E"}]}');
    expect(a.canonical).not.toBe(b.canonical);
    expect(a.normalized()).toBe(b.normalized());
    expect(a.normalized()).toBe('{"type":"record","name":"shop.U","fields":[{"name":"a","type":"int"},{"name":"b","type":{"type":"enum","name":"shop.E","symbols":["X"]}},{"name":"c","type":"shop.E"}]}');
  });
});

it('canonical and normalized texts parse back to themselves', () => {
  const text = '{"namespace":"shop","type":"record","name":"U","fields":[{"name":"a","type":["null",{"type":"enum","name":"E","symbols":["X"]}],"default":null},{"name":"b","type":{"type":"array","items":"E"}},{"name":"c","type":{"type":"map","values":{"type":"fixed","name":"F","size":2}}},{"name":"d","type":{"type":"long","logicalType":"timestamp-millis"}}]}';
  const first = avro(text);
  expect(avro(first.canonical).canonical).toBe(first.canonical);
  expect(avro(first.normalized()).normalized()).toBe(first.normalized());
});

describe('Avro references', () => {
  const address = { type: 'record', name: 'Address', namespace: 'shop', fields: [{ name: 'city', type: 'string' }] };
  const user = '{"type":"record","name":"User","namespace":"shop","fields":[{"name":"home","type":"shop.Address"}]}';

  it('resolves a named type defined in a referenced schema', () => {
    const parsed = avro(user, [ref('shop.Address', address)]);
    expect(parsed.canonical).toContain('"type":"shop.Address"');
  });

  it('resolves references of references', () => {
    const country = { type: 'enum', name: 'Country', namespace: 'shop', symbols: ['NL', 'FR'] };
    const addr = { ...address, fields: [...address.fields, { name: 'country', type: 'shop.Country' }] };
    const parsed = avro(user, [ref('shop.Address', addr, [ref('shop.Country', country)])]);
    expect(parsed.type).toBe('AVRO');
  });

  it('refuses a schema whose named type is in no reference', () => {
    expect(() => avro(user)).toThrow(SchemaError);
    expect(() => avro(user)).toThrow('shop.Address');
  });

  it('refuses a reference that is not Avro', () => {
    const json: ResolvedReference = { name: 'x', subject: 'x', version: 1, schemaType: 'JSON', schema: '{}', references: [] };
    expect(() => avro(user, [json])).toThrow('not AVRO');
  });

  it('compatibility follows a changed referenced type', async () => {
    const { checkCompatibility } = await import('../../../src/registry/schemas/index.js');
    const v1 = avro(user, [ref('shop.Address', address)]);
    const narrowed = { ...address, fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: 'string' }] };
    const v2 = avro(user, [ref('shop.Address', narrowed, [], 2)]);
    const result = checkCompatibility('BACKWARD', v2, [v1]);
    expect(result.compatible).toBe(false);
    expect(result.messages.join()).toContain('zip');
  });
});
