/**
 * Request bodies and query parameters of the registry's REST API, checked as the Confluent
 * registry checks them: an unknown field is 422 "Unrecognized field", a value of the wrong type
 * 422, a version that is not 1..2^31-1, -1 or "latest" 42202, a malformed JSON body 400 (the HTTP
 * layer). Nothing here trusts a size or a depth the client chose: the body is bounded by the
 * listener, schema text by the schema library.
 */
import type { HttpRequest } from '../http/router.js';
import { ErrorCode, RegistryError, unprocessable } from './errors.js';
import type { SchemaReference } from './records.js';
import { SCHEMA_TYPES, type SchemaType } from './types.js';

/** POST /subjects/{s}/versions, POST /subjects/{s}, POST /compatibility/...: a schema and its references. */
export interface SchemaRequest {
  schema: string;
  schemaType: SchemaType;
  references: SchemaReference[];
  /** IMPORT mode only. */
  id?: number;
  version?: number;
}

const SCHEMA_FIELDS = new Set(['schema', 'schemaType', 'references', 'id', 'version', 'metadata', 'ruleSet', 'subject']);
const MAX_REFERENCES = 1000;

export async function readObject(req: HttpRequest): Promise<Record<string, unknown>> {
  const body = await req.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

export async function readSchemaRequest(req: HttpRequest): Promise<SchemaRequest> {
  const body = await readObject(req);
  for (const field of Object.keys(body)) if (!SCHEMA_FIELDS.has(field)) throw unprocessable(`Unrecognized field: ${field}`);
  // Data contracts (metadata, rule sets) are not supported: refused when set, not dropped silently.
  for (const field of ['metadata', 'ruleSet']) {
    const value = body[field];
    if (value !== undefined && value !== null && !(typeof value === 'object' && Object.keys(value).length === 0)) {
      throw unprocessable(`${field} (data contracts) is not supported by this registry`);
    }
  }
  if (typeof body.schema !== 'string' || body.schema.length === 0) {
    throw new RegistryError(ErrorCode.INVALID_SCHEMA, 'Invalid schema: the field "schema" must be a non-empty string');
  }
  let schemaType: SchemaType = 'AVRO';
  if (body.schemaType !== undefined && body.schemaType !== null) {
    if (typeof body.schemaType !== 'string' || !(SCHEMA_TYPES as readonly string[]).includes(body.schemaType.toUpperCase())) {
      throw unprocessable(`Invalid schema type ${JSON.stringify(body.schemaType)}; the types are ${SCHEMA_TYPES.join(', ')}`);
    }
    schemaType = body.schemaType.toUpperCase() as SchemaType;
  }
  const refs = body.references ?? [];
  if (!Array.isArray(refs)) throw unprocessable('The field "references" must be an array');
  if (refs.length > MAX_REFERENCES) throw unprocessable(`At most ${MAX_REFERENCES} references`);
  const references = refs.map((r: unknown, i: number): SchemaReference => {
    if (typeof r !== 'object' || r === null) throw unprocessable(`references[${i}] must be an object`);
    const ref = r as Record<string, unknown>;
    for (const field of Object.keys(ref)) if (!['name', 'subject', 'version'].includes(field)) throw unprocessable(`Unrecognized field: ${field}`);
    if (typeof ref.name !== 'string' || ref.name === '') throw unprocessable(`references[${i}].name must be a non-empty string`);
    if (typeof ref.subject !== 'string' || ref.subject === '') throw unprocessable(`references[${i}].subject must be a non-empty string`);
    return { name: ref.name, subject: ref.subject, version: versionNumber(ref.version, true) };
  });
  const request: SchemaRequest = { schema: body.schema, schemaType, references };
  if (body.id !== undefined && body.id !== null && body.id !== -1 && body.id !== 0) request.id = positiveInt(body.id, 'id');
  if (body.version !== undefined && body.version !== null && body.version !== -1 && body.version !== 0) request.version = versionNumber(body.version, false);
  return request;
}

/** A {version} path parameter: 'latest', -1 or 1..2^31-1; anything else 42202. */
export function parseVersion(text: string): number | 'latest' {
  if (text === 'latest' || text === '-1') return 'latest';
  if (/^\d{1,10}$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 2 ** 31 - 1) return n;
  }
  throw invalidVersion(text);
}

/** An {id} path parameter: 1..2^31-1; anything else is a schema that cannot exist (40403). */
export function parseId(text: string): number {
  if (/^\d{1,10}$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 2 ** 31 - 1) return n;
  }
  throw new RegistryError(ErrorCode.SCHEMA_NOT_FOUND, `Schema ${text.slice(0, 100)} not found`);
}

export function flag(req: HttpRequest, name: string): boolean {
  const value = req.query.get(name);
  return value !== null && value.toLowerCase() === 'true';
}

function versionNumber(value: unknown, allowLatest: boolean): number {
  if (allowLatest && value === -1) return -1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 2 ** 31 - 1) return value;
  throw invalidVersion(String(value).slice(0, 100));
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 2 ** 31 - 1) return value;
  throw unprocessable(`The field "${what}" must be an integer from 1 to 2147483647`);
}

function invalidVersion(text: string): RegistryError {
  return new RegistryError(ErrorCode.INVALID_VERSION,
    `The specified version '${text.slice(0, 100)}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
}
