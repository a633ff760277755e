/**
 * JSON schemas, validated with ajv against their draft's meta-schema, every "$ref" resolved.
 *
 * Why not ajv.compile: compiling generates a validator function whose cost grows faster than the
 * schema (measured: 0.6 s for an object of 1,000 properties, a stack overflow at 3,000), so a
 * large but legal schema would hold the event loop or fail for no fault of its own. Validating
 * against the meta-schema is linear (one compiled meta-schema validator per draft, shared), and
 * Brooklet checks that each "$ref" resolves (json-nodes.ts: pointers, anchors, references by
 * name, "$id"s), which is what compiling adds for a registry that does not validate data.
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
import { DATA_KEYWORDS, resolveIn, type RefScope } from './json-nodes.js';
import { SchemaError, schemaError, type ParsedSchema, type ResolvedReference } from './types.js';

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
  const referenced = new Map<string, unknown>();
  const add = (refs: ResolvedReference[]): void => {
    for (const ref of refs) {
      if (ref.schemaType !== 'JSON') throw new SchemaError(`reference ${JSON.stringify(ref.name)} is ${ref.schemaType}, not JSON`);
      if (referenced.has(ref.name)) continue;
      const what = `reference ${JSON.stringify(ref.name)}`;
      const refJson = parseJson(ref.schema, what);
      validateAgainstDraft(refJson, draftOf(refJson, what), what);
      referenced.set(ref.name, refJson);
      add(ref.references ?? []);
    }
  };
  add(references);
  validateAgainstDraft(json, draft, 'schema');
  const scope = { json, referenced };
  checkRefs(scope, json, 'schema');
  for (const [name, doc] of referenced) checkRefs(scope, doc, `reference ${JSON.stringify(name)}`);
  return new JsonSchema(JSON.stringify(sortKeys(json)), json, referenced, draft);
}

function parseJson(text: string, what: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw schemaError(what, `not JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'boolean' && (json === null || typeof json !== 'object' || Array.isArray(json))) {
    throw schemaError(what, 'a JSON schema is an object or a boolean');
  }
  return json;
}

function draftOf(json: unknown, what: string): Draft {
  if (typeof json !== 'object' || json === null) return 'draft-07';
  const declared = (json as Record<string, unknown>).$schema;
  if (declared === undefined) return 'draft-07';
  if (typeof declared !== 'string') throw schemaError(what, '"$schema" must be a string');
  const draft = DRAFTS[declared.replace(/#$/, '').replace(/^https:\/\/json-schema\.org\/draft-0/, 'http://json-schema.org/draft-0')];
  if (!draft) {
    throw schemaError(what, `unsupported "$schema" ${JSON.stringify(declared)} (accepted: draft-06, draft-07, 2019-09, 2020-12)`);
  }
  return draft;
}

const validators = new Map<Draft, Ajv>();

/** One ajv per draft, holding only its meta-schema: validating a schema adds nothing to it. */
function metaValidator(draft: Draft): Ajv {
  let ajv = validators.get(draft);
  if (!ajv) {
    const options = { strict: false, logger: false as const, validateFormats: true };
    ajv = (draft === '2019-09' ? new Ajv2019(options) : draft === '2020-12' ? new Ajv2020(options) : new Ajv(options)) as Ajv;
    if (draft === 'draft-06') ajv.addMetaSchema(draft06);
    addFormats(ajv); // "regex" among them: every pattern must compile
    validators.set(draft, ajv);
  }
  return ajv;
}

function validateAgainstDraft(json: unknown, draft: Draft, what: string): void {
  const ajv = metaValidator(draft);
  let valid: boolean;
  try {
    valid = ajv.validateSchema(json as AnySchema) as boolean;
  } catch (err) {
    throw schemaError(what, (err as Error).message);
  }
  if (!valid) throw schemaError(what, ajv.errorsText(ajv.errors, { dataVar: 'schema' }));
}

/** Every "$ref" in `doc` (outside data keywords such as enum and default) must resolve. */
function checkRefs(scope: RefScope, doc: unknown, what: string): void {
  const stack = [doc];
  while (stack.length > 0) {
    const at = stack.pop();
    if (at === null || typeof at !== 'object') continue;
    const ref = (at as Record<string, unknown>).$ref;
    if (typeof ref === 'string' && !resolveIn(scope, doc, ref)) {
      throw schemaError(what, `"$ref" ${JSON.stringify(ref)} resolves to nothing (not in the schema, nor a reference's name or $id)`);
    }
    for (const [k, v] of Object.entries(at)) if (!DATA_KEYWORDS.has(k)) stack.push(v);
  }
}

/** Object keys sorted at every level; arrays keep their order. */
export function sortKeys(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(sortKeys);
  if (json === null || typeof json !== 'object') return json;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(json).sort()) out[k] = sortKeys((json as Record<string, unknown>)[k]);
  return out;
}
