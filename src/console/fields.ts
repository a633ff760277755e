/**
 * How the console hands a key, value or header value to the page: the bytes (base64, cut at
 * MAX_FIELD_BYTES) and their full size; the page shows them as text, JSON or hex. A value in the
 * Schema Registry wire format (magic byte 0, 4-byte schema id, payload) also carries the schema
 * id, and, when Brooklet's own registry is running and knows the id, the payload decoded to JSON
 * (Avro through avsc, JSON Schema payloads as they are; Protobuf stays hex with its id).
 * The page renders every field as text (preact escapes it); nothing here is ever HTML.
 */
import avro from 'avsc';

/** Bytes of one field sent to the page; the rest is counted but not sent. */
export const MAX_FIELD_BYTES = 16 * 1024;

export interface Field {
  base64: string;
  size: number;
  truncated: boolean;
  schema?: { id: number; type?: string; json?: string; error?: string };
}

/** The registry's in-process lookup, narrowed to what decoding needs (src/registry's state). */
export type SchemaLookup = (id: number) => { schemaType: string; schema: string } | undefined;

/** Compiled Avro types by schema id (ids are immutable in a registry, so the cache never goes stale). */
const avroTypes = new Map<string, avro.Type>();
const MAX_CACHED_TYPES = 256;

export function toField(bytes: Buffer | null, lookup: SchemaLookup | null, isValue: boolean): Field | null {
  if (bytes === null) return null;
  const truncated = bytes.length > MAX_FIELD_BYTES;
  const field: Field = { base64: bytes.subarray(0, MAX_FIELD_BYTES).toString('base64'), size: bytes.length, truncated };
  if (isValue && bytes.length >= 5 && bytes[0] === 0) field.schema = decodeWithSchema(bytes, lookup);
  return field;
}

function decodeWithSchema(bytes: Buffer, lookup: SchemaLookup | null): NonNullable<Field['schema']> {
  const id = bytes.readUInt32BE(1);
  if (lookup === null) return { id, error: 'no schema registry in this broker: shown as bytes' };
  let found;
  try {
    found = lookup(id);
  } catch (err) {
    return { id, error: `registry lookup failed: ${(err as Error).message}` };
  }
  if (!found) return { id, error: `schema id ${id} is not in this broker's registry` };
  const payload = bytes.subarray(5);
  try {
    if (found.schemaType === 'AVRO') {
      const key = `${id}\0${found.schema}`;
      let type = avroTypes.get(key);
      if (!type) {
        type = avro.Type.forSchema(JSON.parse(found.schema) as avro.Schema, { wrapUnions: false });
        if (avroTypes.size >= MAX_CACHED_TYPES) avroTypes.clear();
        avroTypes.set(key, type);
      }
      const decoded: unknown = type.fromBuffer(payload);
      return { id, type: 'AVRO', json: JSON.stringify(decoded, jsonSafe, 2) };
    }
    if (found.schemaType === 'JSON') return { id, type: 'JSON', json: JSON.stringify(JSON.parse(payload.toString('utf8')), null, 2) };
    return { id, type: found.schemaType, error: `${found.schemaType} payloads are shown as bytes` };
  } catch (err) {
    return { id, type: found.schemaType, error: `does not decode with schema ${id}: ${(err as Error).message}` };
  }
}

/** Avro longs may come back as bigint and bytes as Buffers: both become JSON-friendly text. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
