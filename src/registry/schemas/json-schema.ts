/**
 * JSON schemas, validated by compiling them with ajv.
 *
 * Drafts: draft-07 when "$schema" is absent (the Confluent registry's default); draft-06,
 * draft-07, 2019-09 and 2020-12 when "$schema" names one of them. Draft-04 and unknown
 * meta-schemas are refused with SchemaError (ajv 8 has no draft-04 meta-schema of its own).
 * Unknown keywords and formats are allowed (strict mode off), as the Confluent registry allows
 * them; the schema must still validate against its draft's meta-schema.
 *
 * References: each reference is added to the compiler under its name, so "$ref": "<name>" (with
 * an optional "#/json/pointer") reaches it, as in the Confluent registry.
 *
 * canonical: the JSON with object keys sorted at every level and no whitespace (arrays keep their
 * order, since "enum", "required" and "allOf" order is the author's). normalized(): the same, as
 * sorting keys is all the normalization a JSON schema's meaning allows without a full rewrite.
 */
import { Ajv, type AnySchema } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { checkBounds, checkReferenceBounds } from './bounds.js';
import { SchemaError, type ParsedSchema, type ResolvedReference } from './types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Draft = 'draft-06' | 'draft-07' | '2019-09' | '2020-12';
const DRAFTS: Record<string, Draft> = {
  'http://json-schema.org/draft-06/schema': 'draft-06',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
};

export class JsonSchema implements ParsedSchema {
  readonly type = 'JSON' as const;
  constructor(
    readonly canonical: string,
    /** The schema itself (a JSON object or boolean): what the compatibility rules walk. */
    readonly json: unknown,
    /** The referenced schemas by reference name, for "$ref" across schemas. */
    readonly referenced: ReadonlyMap<string, unknown>,
    readonly draft: Draft,
  ) {}
  normalized(): string {
    return this.canonical;
  }
}

export function parseJsonSchema(text: string, references: ResolvedReference[]): JsonSchema {
  checkBounds(text, 'json');
  checkReferenceBounds(references, 'json');
  const json = parseJson(text, 'schema');
  const draft = draftOf(json, 'schema');
  const ajv = compiler(draft);
  const referenced = new Map<string, unknown>();
  const add = (refs: ResolvedReference[]): void => {
    for (const ref of refs) {
      if (ref.schemaType !== 'JSON') throw new SchemaError(`reference ${JSON.stringify(ref.name)} is ${ref.schemaType}, not JSON`);
      if (referenced.has(ref.name)) continue;
      const refJson = parseJson(ref.schema, `reference ${JSON.stringify(ref.name)}`);
      referenced.set(ref.name, refJson);
      add(ref.references ?? []);
      try {
        ajv.addSchema(refJson as AnySchema, ref.name);
      } catch (err) {
        throw new SchemaError(`Invalid reference ${JSON.stringify(ref.name)}: ${(err as Error).message}`);
      }
    }
  };
  add(references);
  try {
    ajv.compile(json as AnySchema);
  } catch (err) {
    throw new SchemaError(`Invalid schema: ${(err as Error).message}`);
  }
  return new JsonSchema(JSON.stringify(sortKeys(json)), json, referenced, draft);
}

function parseJson(text: string, what: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SchemaError(`Invalid ${what}: not JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'boolean' && (json === null || typeof json !== 'object' || Array.isArray(json))) {
    throw new SchemaError(`Invalid ${what}: a JSON schema is an object or a boolean`);
  }
  return json;
}

function draftOf(json: unknown, what: string): Draft {
  if (typeof json !== 'object' || json === null) return 'draft-07';
  const declared = (json as Record<string, unknown>).$schema;
  if (declared === undefined) return 'draft-07';
  if (typeof declared !== 'string') throw new SchemaError(`Invalid ${what}: "$schema" must be a string`);
  const draft = DRAFTS[declared.replace(/#$/, '').replace(/^https:\/\/json-schema\.org\/draft-0/, 'http://json-schema.org/draft-0')];
  if (!draft) {
    throw new SchemaError(`Invalid ${what}: unsupported "$schema" ${JSON.stringify(declared)} (accepted: draft-06, draft-07, 2019-09, 2020-12)`);
  }
  return draft;
}

/** A fresh compiler per schema: no state (ids, references) carries from one schema to the next. */
function compiler(draft: Draft): Ajv {
  const options = { strict: false, allErrors: false, logger: false as const, validateSchema: true, validateFormats: true };
  const ajv = draft === '2019-09' ? new Ajv2019(options) : draft === '2020-12' ? new Ajv2020(options) : new Ajv(options);
  if (draft === 'draft-06') ajv.addMetaSchema(draft06);
  addFormats(ajv);
  return ajv as Ajv;
}

/** Object keys sorted at every level; arrays keep their order. */
export function sortKeys(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(sortKeys);
  if (json === null || typeof json !== 'object') return json;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(json).sort()) out[k] = sortKeys((json as Record<string, unknown>)[k]);
  return out;
}
