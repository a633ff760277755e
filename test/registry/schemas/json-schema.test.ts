// JSON Schema parsing, drafts, canonical form and references (src/registry/schemas/json-schema.ts).
import { describe, expect, it } from 'vitest';
import { parseSchema, SchemaError, type ResolvedReference } from '../../../src/registry/schemas/index.js';

const json = (text: string, refs: ResolvedReference[] = []) => parseSchema('JSON', text, refs);
const ref = (name: string, schema: object): ResolvedReference => ({ name, subject: name, version: 1, schemaType: 'JSON', schema: JSON.stringify(schema), references: [] });

describe('JSON Schema parsing', () => {
  it.each([
    ['an object schema (draft-07 by default)', '{"type":"object","properties":{"a":{"type":"string","format":"email"}},"required":["a"]}'],
    ['draft-07 named', '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}'],
    ['draft-06 named', '{"$schema":"http://json-schema.org/draft-06/schema#","type":"string","examples":["x"]}'],
    ['2019-09 named', '{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object","dependentRequired":{"a":["b"]}}'],
    ['2020-12 named', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}]}'],
    ['the boolean schema true', 'true'],
    ['unknown keywords (as Confluent allows them)', '{"type":"object","connect.type":"struct","javaType":"x.Y"}'],
    ['local definitions and $ref', '{"definitions":{"a":{"type":"string"}},"properties":{"x":{"$ref":"#/definitions/a"}}}'],
  ])('accepts %s', (_name, text) => {
    expect(json(text).type).toBe('JSON');
  });

  it.each([
    ['text that is not JSON', '{"type":', 'not JSON'],
    ['a JSON array', '[1,2]', 'object or a boolean'],
    ['an unknown type name', '{"type":"strang"}', 'schema/type must be equal to one of the allowed values'],
    ['a keyword of the wrong shape', '{"type":"object","required":"a"}', 'schema/required must be array'],
    ['a $ref to nothing', '{"properties":{"x":{"$ref":"#/definitions/none"}}}', 'resolves to nothing'],
    ['draft-04, which ajv 8 does not carry', '{"$schema":"http://json-schema.org/draft-04/schema#","type":"string"}', 'draft-04'],
    ['an unknown meta-schema', '{"$schema":"https://example.com/mine","type":"string"}', 'unsupported'],
  ])('refuses %s with SchemaError', (_name, text, words) => {
    expect(() => json(text)).toThrow(SchemaError);
    expect(() => json(text)).toThrow(words);
  });

  it('canonical sorts keys at every level and drops whitespace, keeping array order', () => {
    const a = json('{"type":"object","required":["b","a"],"properties":{"b":{"type":"string"},"a":{"maxLength":3,"type":"string"}}}');
    const b = json(' { "properties" : { "a" : { "type":"string", "maxLength":3 }, "b":{"type":"string"} }, "type":"object", "required":["b","a"] } ');
    expect(a.canonical).toBe(b.canonical);
    expect(a.canonical).toBe('{"properties":{"a":{"maxLength":3,"type":"string"},"b":{"type":"string"}},"required":["b","a"],"type":"object"}');
    expect(a.normalized()).toBe(a.canonical);
    expect(json('{"type":"object","required":["a","b"]}').canonical).not.toBe(json('{"type":"object","required":["b","a"]}').canonical);
  });
});

describe('JSON Schema references', () => {
  const address = { type: 'object', properties: { city: { type: 'string' } } };
  it('resolves "$ref" to a reference by its name', () => {
    expect(json('{"properties":{"home":{"$ref":"address.json"}}}', [ref('address.json', address)]).type).toBe('JSON');
  });
  it('resolves "$ref" with a pointer into a reference', () => {
    const defs = { definitions: { City: { type: 'string' } } };
    expect(json('{"properties":{"c":{"$ref":"defs.json#/definitions/City"}}}', [ref('defs.json', defs)]).type).toBe('JSON');
  });
  it('refuses a "$ref" to a reference that was not given', () => {
    expect(() => json('{"properties":{"home":{"$ref":"address.json"}}}')).toThrow(SchemaError);
  });
  it('refuses a reference that is not JSON Schema', () => {
    const avro: ResolvedReference = { name: 'address.json', subject: 'a', version: 1, schemaType: 'AVRO', schema: '"int"', references: [] };
    expect(() => json('{"properties":{"home":{"$ref":"address.json"}}}', [avro])).toThrow('not JSON');
  });
});
