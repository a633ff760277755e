// JSON Schema compatibility, case by case from the Confluent documentation's rules for JSON
// Schema (open, closed and partially open content models; required; type widening; bounds; enum;
// combiners). BACKWARD: data valid under the old schema must be valid under the new; FORWARD the
// other way round; FULL both; *_TRANSITIVE against every version.
import { describe, expect, it } from 'vitest';
import { checkCompatibility, parseSchema, type ResolvedReference } from '../../../src/registry/schemas/index.js';
import { runCompatTable, type CompatCase } from './compat-table.js';

type Json = Record<string, unknown> | boolean;
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => obj(properties, { additionalProperties: false, ...extra });
const str = { type: 'string' };
const int = { type: 'integer' };

type Case = CompatCase<Json>;

const cases: Case[] = [
  { rule: 'a property added to an open content model may clash with old data under that name', level: 'BACKWARD', existing: [obj({ a: str })], candidate: obj({ a: str, b: int }), compatible: false, mentions: '/properties/b' },
  { rule: 'a property added to a closed content model is safe (old data never had it)', level: 'BACKWARD', existing: [closed({ a: str })], candidate: closed({ a: str, b: int }), compatible: true },
  { rule: 'a property with an empty schema may be added to an open content model', level: 'BACKWARD', existing: [obj({ a: str })], candidate: obj({ a: str, b: {} }), compatible: true },
  { rule: 'a property removed from an open content model is still accepted as an extra', level: 'BACKWARD', existing: [obj({ a: str, b: int })], candidate: obj({ a: str }), compatible: true },
  { rule: 'a property removed from a closed content model rejects old data holding it', level: 'BACKWARD', existing: [closed({ a: str, b: int })], candidate: closed({ a: str }), compatible: false, mentions: 'closed' },
  { rule: 'a property declared false may be removed from a closed content model', level: 'BACKWARD', existing: [closed({ a: str, b: false })], candidate: closed({ a: str }), compatible: true },
  { rule: 'adding a property to an open model, seen from the old reader, is a removal from its open model', level: 'FORWARD', existing: [obj({ a: str })], candidate: obj({ a: str, b: int }), compatible: true },
  { rule: 'adding a property to a closed model: the old closed reader rejects it', level: 'FORWARD', existing: [closed({ a: str })], candidate: closed({ a: str, b: int }), compatible: false },
  { rule: 'FULL refuses a property added to an open model', level: 'FULL', existing: [obj({ a: str })], candidate: obj({ a: str, b: int }), compatible: false },
  { rule: 'a partially open model whose additionalProperties schema covers the added property', level: 'FULL', existing: [obj({ a: str }, { additionalProperties: str })], candidate: obj({ a: str, b: str }, { additionalProperties: str }), compatible: true },
  { rule: 'a partially open model whose additionalProperties schema does not cover the added property', level: 'BACKWARD', existing: [obj({ a: str }, { additionalProperties: str })], candidate: obj({ a: str, b: int }, { additionalProperties: str }), compatible: false },
  { rule: 'patternProperties covering an added property make the addition safe', level: 'BACKWARD', existing: [obj({ a: str }, { patternProperties: { '^s_': str } })], candidate: obj({ a: str, s_name: str }, { patternProperties: { '^s_': str } }), compatible: true },
  { rule: 'a property no pattern matches may be added to a model closed by additionalProperties false', level: 'BACKWARD', existing: [obj({ a: str }, { patternProperties: { '^s_': str }, additionalProperties: false })], candidate: obj({ a: str, n: int }, { patternProperties: { '^s_': str }, additionalProperties: false }), compatible: true },
  { rule: 'a required property added without a default: old data lacks it', level: 'BACKWARD', existing: [closed({ a: str })], candidate: closed({ a: str, b: int }, { required: ['b'] }), compatible: false, mentions: 'required' },
  { rule: 'a required property added with a default is safe', level: 'BACKWARD', existing: [closed({ a: str })], candidate: closed({ a: str, b: { type: 'integer', default: 0 } }, { required: ['b'] }), compatible: true },
  { rule: 'an existing property made required without a default breaks', level: 'BACKWARD', existing: [obj({ a: str })], candidate: obj({ a: str }, { required: ['a'] }), compatible: false },
  { rule: 'an existing property made required with a default is safe', level: 'BACKWARD', existing: [obj({ a: str })], candidate: obj({ a: { type: 'string', default: '' } }, { required: ['a'] }), compatible: true },
  { rule: 'a requirement removed is safe for the new reader', level: 'BACKWARD', existing: [obj({ a: str }, { required: ['a'] })], candidate: obj({ a: str }), compatible: true },
  { rule: 'a requirement removed breaks the old reader, which still requires it', level: 'FORWARD', existing: [obj({ a: str }, { required: ['a'] })], candidate: obj({ a: str }), compatible: false },
  { rule: 'integer widened to number is safe', level: 'BACKWARD', existing: [int], candidate: { type: 'number' }, compatible: true },
  { rule: 'number narrowed to integer breaks', level: 'BACKWARD', existing: [{ type: 'number' }], candidate: int, compatible: false, mentions: 'integer' },
  { rule: 'FULL refuses integer widened to number (the old reader takes only integers)', level: 'FULL', existing: [int], candidate: { type: 'number' }, compatible: false },
  { rule: 'a type changed to another kind breaks', level: 'BACKWARD', existing: [obj({ a: str })], candidate: obj({ a: { type: 'boolean' } }), compatible: false, mentions: 'type changed' },
  { rule: 'a type joining a union (string to string or null) is safe', level: 'BACKWARD', existing: [str], candidate: { type: ['string', 'null'] }, compatible: true },
  { rule: 'a type joining a union breaks the old reader', level: 'FORWARD', existing: [str], candidate: { type: ['string', 'null'] }, compatible: false },
  { rule: 'a type leaving a union breaks', level: 'BACKWARD', existing: [{ type: ['string', 'null'] }], candidate: str, compatible: false },
  { rule: 'enum values added are safe for the new reader', level: 'BACKWARD', existing: [{ enum: ['a', 'b'] }], candidate: { enum: ['a', 'b', 'c'] }, compatible: true },
  { rule: 'enum values removed break', level: 'BACKWARD', existing: [{ enum: ['a', 'b'] }], candidate: { enum: ['a'] }, compatible: false, mentions: '"b"' },
  { rule: 'enum values added break the old reader', level: 'FORWARD', existing: [{ enum: ['a', 'b'] }], candidate: { enum: ['a', 'b', 'c'] }, compatible: false },
  { rule: 'const changed breaks', level: 'BACKWARD', existing: [{ const: 1 }], candidate: { const: 2 }, compatible: false },
  { rule: 'maxLength increased is safe', level: 'BACKWARD', existing: [{ type: 'string', maxLength: 5 }], candidate: { type: 'string', maxLength: 10 }, compatible: true },
  { rule: 'maxLength decreased breaks', level: 'BACKWARD', existing: [{ type: 'string', maxLength: 10 }], candidate: { type: 'string', maxLength: 5 }, compatible: false, mentions: 'maxLength' },
  { rule: 'maxLength added breaks', level: 'BACKWARD', existing: [str], candidate: { type: 'string', maxLength: 5 }, compatible: false },
  { rule: 'minLength removed is safe', level: 'BACKWARD', existing: [{ type: 'string', minLength: 2 }], candidate: str, compatible: true },
  { rule: 'a pattern added breaks', level: 'BACKWARD', existing: [str], candidate: { type: 'string', pattern: '^[a-z]+$' }, compatible: false, mentions: 'pattern' },
  { rule: 'a pattern removed is safe', level: 'BACKWARD', existing: [{ type: 'string', pattern: '^[a-z]+$' }], candidate: str, compatible: true },
  { rule: 'maximum increased is safe', level: 'BACKWARD', existing: [{ type: 'number', maximum: 10 }], candidate: { type: 'number', maximum: 20 }, compatible: true },
  { rule: 'minimum increased breaks', level: 'BACKWARD', existing: [{ type: 'number', minimum: 0 }], candidate: { type: 'number', minimum: 1 }, compatible: false },
  { rule: 'exclusiveMinimum decreased is safe', level: 'BACKWARD', existing: [{ type: 'number', exclusiveMinimum: 5 }], candidate: { type: 'number', exclusiveMinimum: 1 }, compatible: true },
  { rule: 'multipleOf reduced to a divisor is safe', level: 'BACKWARD', existing: [{ type: 'integer', multipleOf: 10 }], candidate: { type: 'integer', multipleOf: 5 }, compatible: true },
  { rule: 'multipleOf expanded to a multiple breaks', level: 'BACKWARD', existing: [{ type: 'integer', multipleOf: 5 }], candidate: { type: 'integer', multipleOf: 10 }, compatible: false },
  { rule: 'additionalProperties false lifted is safe', level: 'BACKWARD', existing: [closed({ a: str })], candidate: obj({ a: str }), compatible: true },
  { rule: 'additionalProperties set to false breaks', level: 'BACKWARD', existing: [obj({ a: str })], candidate: closed({ a: str }), compatible: false, mentions: 'additionalProperties' },
  { rule: 'additionalProperties narrowed from anything to a schema breaks', level: 'BACKWARD', existing: [obj({ a: str })], candidate: obj({ a: str }, { additionalProperties: str }), compatible: false },
  { rule: 'array items widened (integer to number) are safe', level: 'BACKWARD', existing: [{ type: 'array', items: int }], candidate: { type: 'array', items: { type: 'number' } }, compatible: true },
  { rule: 'array items changed to another type break', level: 'BACKWARD', existing: [{ type: 'array', items: int }], candidate: { type: 'array', items: str }, compatible: false, mentions: '/items' },
  { rule: 'maxItems decreased breaks', level: 'BACKWARD', existing: [{ type: 'array', maxItems: 5 }], candidate: { type: 'array', maxItems: 3 }, compatible: false },
  { rule: 'minItems decreased is safe', level: 'BACKWARD', existing: [{ type: 'array', minItems: 2 }], candidate: { type: 'array', minItems: 1 }, compatible: true },
  { rule: 'uniqueItems added breaks', level: 'BACKWARD', existing: [{ type: 'array' }], candidate: { type: 'array', uniqueItems: true }, compatible: false },
  { rule: 'a tuple item added to a closed tuple is safe', level: 'BACKWARD', existing: [{ type: 'array', items: [str], additionalItems: false }], candidate: { type: 'array', items: [str, int], additionalItems: false }, compatible: true },
  { rule: 'an anyOf branch added is safe', level: 'BACKWARD', existing: [{ anyOf: [str, int] }], candidate: { anyOf: [str, int, { type: 'boolean' }] }, compatible: true },
  { rule: 'an anyOf branch removed breaks', level: 'BACKWARD', existing: [{ anyOf: [str, int] }], candidate: { anyOf: [str] }, compatible: false },
  { rule: 'oneOf changed to anyOf is safe', level: 'BACKWARD', existing: [{ oneOf: [str, int] }], candidate: { anyOf: [str, int] }, compatible: true },
  { rule: 'anyOf changed to oneOf breaks', level: 'BACKWARD', existing: [{ anyOf: [str, int] }], candidate: { oneOf: [str, int] }, compatible: false },
  { rule: 'an allOf branch removed is safe (one condition fewer)', level: 'BACKWARD', existing: [{ allOf: [obj({ a: str }), { required: ['a'] }] }], candidate: { allOf: [obj({ a: str })] }, compatible: true },
  { rule: 'an allOf branch added breaks (a new condition on old data)', level: 'BACKWARD', existing: [{ allOf: [obj({ a: str })] }], candidate: { allOf: [obj({ a: str }), { required: ['a'] }] }, compatible: false },
  { rule: 'a change behind a local $ref is found', level: 'BACKWARD', existing: [{ definitions: { A: closed({ x: str }) }, $ref: '#/definitions/A' }], candidate: { definitions: { A: closed({ x: str, y: int }, { required: ['y'] }) }, $ref: '#/definitions/A' }, compatible: false, mentions: 'y' },
  { rule: 'a recursive schema is compared once and a safe change passes', level: 'FULL', existing: [closed({ v: int, kids: { type: 'array', items: { $ref: '#' } } })], candidate: closed({ v: int, kids: { type: 'array', items: { $ref: '#' } } }, { title: 'Tree' }), compatible: true },
  { rule: 'a reader that accepts anything reads everything', level: 'BACKWARD', existing: [obj({ a: str })], candidate: true, compatible: true },
  { rule: 'title and description changes are safe both ways', level: 'FULL', existing: [obj({ a: str }, { title: 'A' })], candidate: obj({ a: { type: 'string', description: 'the a' } }, { title: 'B' }), compatible: true },
  { rule: 'BACKWARD checks only the latest version', level: 'BACKWARD', existing: [closed({ a: str, b: int }), closed({ a: str, b: str })], candidate: closed({ a: str, b: int }), compatible: true },
  { rule: 'BACKWARD_TRANSITIVE finds the older version whose b was a string', level: 'BACKWARD_TRANSITIVE', existing: [closed({ a: str, b: int }), closed({ a: str, b: str })], candidate: closed({ a: str, b: int }), compatible: false, mentions: 'version 1 before' },
  { rule: 'BACKWARD_TRANSITIVE passes with a change safe for every version', level: 'BACKWARD_TRANSITIVE', existing: [closed({ a: str }), closed({ a: str })], candidate: closed({ a: str, c: int }), compatible: true },
  { rule: 'FORWARD checks only the latest version', level: 'FORWARD', existing: [closed({ a: str }, { required: [] }), closed({ a: str }, { required: ['a'] })], candidate: closed({ a: str }), compatible: true },
  { rule: 'FORWARD_TRANSITIVE finds the older version that required a', level: 'FORWARD_TRANSITIVE', existing: [closed({ a: str }), closed({ a: str }, { required: ['a'] })], candidate: closed({ a: str }), compatible: false },
  { rule: 'FORWARD_TRANSITIVE passes when every old version reads the new data', level: 'FORWARD_TRANSITIVE', existing: [obj({ a: str }), obj({ a: str })], candidate: obj({ a: str, b: int }), compatible: true },
  { rule: 'FULL refuses a property removed from an open model (to the old reader it is a property added to an open model)', level: 'FULL', existing: [obj({ a: str, b: int })], candidate: obj({ a: str }), compatible: false },
  { rule: 'FULL_TRANSITIVE refuses what the oldest version cannot read', level: 'FULL_TRANSITIVE', existing: [{ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }], candidate: { type: 'string', maxLength: 10 }, compatible: false },
  { rule: 'FULL_TRANSITIVE passes for description-only changes', level: 'FULL_TRANSITIVE', existing: [{ type: 'string', description: 'x' }, str], candidate: { type: 'string', description: 'y' }, compatible: true },
  { rule: 'NONE accepts any change', level: 'NONE', existing: [obj({ a: str })], candidate: { type: 'array' }, compatible: true },
];

describe('JSON Schema compatibility', () => {
  const parse = (s: Json) => parseSchema('JSON', JSON.stringify(s), []);
  runCompatTable(cases, parse);

  it('follows "$ref" into a referenced schema: a narrowed reference breaks', () => {
    const ref = (schema: object, version: number): ResolvedReference => ({ name: 'address.json', subject: 'address', version, schemaType: 'JSON', schema: JSON.stringify(schema), references: [] });
    const text = JSON.stringify(closed({ home: { $ref: 'address.json' } }));
    const v1 = parseSchema('JSON', text, [ref(closed({ city: str }), 1)]);
    const v2 = parseSchema('JSON', text, [ref(closed({ city: { type: 'string', maxLength: 3 } }), 2)]);
    const result = checkCompatibility('BACKWARD', v2, [v1]);
    expect(result.compatible).toBe(false);
    expect(result.messages.join()).toContain('/properties/home/properties/city');
    expect(checkCompatibility('FORWARD', v2, [v1]).compatible).toBe(true);
  });
});
