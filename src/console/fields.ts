/**
 * How the console hands a key, value or header value to the page: the bytes (base64, cut at
 * MAX_FIELD_BYTES) and their full size; the page shows them as text, JSON or hex. A value in the
 * Schema Registry wire format (magic byte 0, 4-byte schema id, payload) also carries the schema
 * id, and, when Brooklet's own registry is running and knows the id, the payload decoded to JSON:
 * Avro through avsc, JSON Schema payloads as they are, Protobuf through the registry's protobufjs
 * parse of the schema and its references (protobuf-values.ts; the message's name is shown too).
 * A value that does not decode keeps its bytes (shown as hex) and says why in one line.
 * The page renders every field as text (preact escapes it); nothing here is ever HTML.
 *
 * Bounded per page: a schema is compiled once per id and kept (ids never change their schema;
 * the text is compared in case the registry started over), failures included, and one page
 * compiles at most MAX_NEW_SCHEMAS_PER_PAGE schemas it has not seen before; a payload larger than
 * MAX_DECODED_PAYLOAD is not decoded, and decoded JSON is cut at MAX_DECODED_CHARS.
 */
import type avro from 'avsc';
import type { ParsedSchema } from '../registry/schemas/types.js';

/** Bytes of one field sent to the page; the rest is counted but not sent. */
export const MAX_FIELD_BYTES = 16 * 1024;
export const MAX_DECODED_PAYLOAD = 1024 * 1024;
export const MAX_DECODED_CHARS = 64 * 1024;
export const MAX_NEW_SCHEMAS_PER_PAGE = 8;

export interface Field {
  base64: string;
  size: number;
  truncated: boolean;
  /** message: a Protobuf value's message name; note: how it was read, when that needs saying. */
  schema?: { id: number; type?: string; message?: string; json?: string; note?: string; error?: string };
}

/** A schema the registry holds; parse() gives its parsed form, references resolved (after ready()). */
export interface RegisteredSchema {
  schemaType: string;
  schema: string;
  parse?: () => ParsedSchema;
}

/**
 * The registry's in-process lookup, narrowed to what decoding needs (src/registry's state).
 * ready() loads the registry's schema library; a browse awaits it before decoding.
 */
export type SchemaLookup = ((id: number) => RegisteredSchema | undefined) & { ready?: () => Promise<unknown> };

/** One page's decoding: its lookup and how many schemas it may still compile. */
export interface PageDecoding {
  lookup: SchemaLookup | null;
  newSchemas: number;
}

export function pageDecoding(lookup: SchemaLookup | null): PageDecoding {
  return { lookup, newSchemas: MAX_NEW_SCHEMAS_PER_PAGE };
}

type ProtobufValues = typeof import('./protobuf-values.js');
let protobufValues: ProtobufValues | undefined;
/** avsc, loaded with the other decoders: an idle broker (or one whose console is never browsed) does not hold it. */
let avsc: typeof avro | undefined;

/**
 * Loads what decoding needs, once: the registry's schema library, avsc and the Protobuf decoder.
 * A library that fails to load rejects here, so the browse request fails with its error.
 */
export async function loadDecoders(lookup: SchemaLookup | null): Promise<void> {
  if (lookup === null) return;
  await lookup.ready?.();
  avsc ??= (await import('avsc')).default;
  protobufValues ??= await import('./protobuf-values.js');
}

interface Compiled { text: string; type: string; value: avro.Type | ParsedSchema | Error }
/** Compiled schemas by id, oldest evicted first. */
const compiled = new Map<number, Compiled>();
const MAX_CACHED_SCHEMAS = 256;

export function toField(bytes: Buffer | null, decoding: PageDecoding | null, isValue: boolean): Field | null {
  if (bytes === null) return null;
  const truncated = bytes.length > MAX_FIELD_BYTES;
  const field: Field = { base64: bytes.subarray(0, MAX_FIELD_BYTES).toString('base64'), size: bytes.length, truncated };
  if (isValue && decoding && bytes.length >= 5 && bytes[0] === 0) field.schema = decodeWithSchema(bytes, decoding);
  return field;
}

function decodeWithSchema(bytes: Buffer, decoding: PageDecoding): NonNullable<Field['schema']> {
  const id = bytes.readUInt32BE(1);
  const { lookup } = decoding;
  if (lookup === null) return { id, error: 'no schema registry in this broker: shown as bytes' };
  let found;
  try {
    found = lookup(id);
  } catch (err) {
    return { id, error: `registry lookup failed: ${oneLine(err)}` };
  }
  if (!found) return { id, error: `schema id ${id} is not in this broker's registry` };
  const type = found.schemaType;
  if (bytes.length - 5 > MAX_DECODED_PAYLOAD) return { id, type, error: `payload larger than ${MAX_DECODED_PAYLOAD} bytes: not decoded here` };
  const payload = bytes.subarray(5);
  try {
    if (type === 'JSON') return { id, type, ...capped(JSON.parse(payload.toString('utf8'))) };
    const schema = compile(id, found, decoding);
    if (schema instanceof Error) return { id, type, error: schema.message };
    if (type === 'AVRO') return { id, type, ...capped((schema as avro.Type).fromBuffer(payload)) };
    if (type === 'PROTOBUF' && protobufValues?.isProtobufSchema(schema)) {
      const decoded = protobufValues.decodeProtobufValue(schema, payload);
      return { id, type, message: decoded.message, ...capped(decoded.value), ...(decoded.note ? { note: decoded.note } : {}) };
    }
    return { id, type, error: `${type} payloads are shown as bytes` };
  } catch (err) {
    return { id, type, error: `does not decode with schema ${id}: ${oneLine(err)}` };
  }
}

function loadedAvsc(): typeof avro {
  if (avsc === undefined) throw new Error('the Avro library (avsc) is not loaded: loadDecoders was not awaited');
  return avsc;
}

/** The schema of `id`, compiled once (a failure is kept as an Error, so it costs once too). */
function compile(id: number, found: RegisteredSchema, decoding: PageDecoding): avro.Type | ParsedSchema | Error {
  const hit = compiled.get(id);
  if (hit && hit.text === found.schema && hit.type === found.schemaType) return hit.value;
  if (decoding.newSchemas <= 0) return new Error(`not decoded: this page already compiled ${MAX_NEW_SCHEMAS_PER_PAGE} schemas; browse again`);
  decoding.newSchemas--;
  let value: Compiled['value'];
  try {
    if (found.schemaType === 'AVRO') value = loadedAvsc().Type.forSchema(JSON.parse(found.schema) as avro.Schema, { wrapUnions: false });
    else if (found.parse) value = found.parse();
    else value = new Error(`${found.schemaType} payloads are shown as bytes (the registry's schema library is not loaded)`);
  } catch (err) {
    value = new Error(`schema ${id} does not compile: ${oneLine(err)}`);
  }
  if (compiled.size >= MAX_CACHED_SCHEMAS) compiled.delete(compiled.keys().next().value!);
  compiled.set(id, { text: found.schema, type: found.schemaType, value });
  return value;
}

/** Decoded values as pretty JSON, cut at MAX_DECODED_CHARS (the cut is said). */
function capped(value: unknown): { json: string; note?: string } {
  const json = JSON.stringify(value, jsonSafe, 2);
  if (json.length <= MAX_DECODED_CHARS) return { json };
  return { json: json.slice(0, MAX_DECODED_CHARS), note: `decoded JSON cut at ${MAX_DECODED_CHARS} of ${json.length} characters` };
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

/** Avro longs may come back as bigint and bytes as Buffers: both become JSON-friendly text. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
