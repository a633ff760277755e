/**
 * Protobuf values in the Schema Registry wire format, decoded for the console: the message-index
 * list read (protobuf-framing.ts), the message it names found in the schema the registry parsed
 * (src/registry/schemas/protobuf.ts: protobufjs, references loaded as imports), the payload
 * decoded by protobufjs and turned into JSON-ready values: 64-bit integers as decimal strings
 * (JavaScript numbers would round them), bytes as base64, enums by name, every field shown (proto3
 * leaves zeros and empty strings off the wire; the page shows them as the values they mean).
 *
 * Loaded on the first browse that has a registry (fields.ts imports it lazily), with the registry's
 * schema library: a broker whose console never shows a message pays nothing for protobufjs.
 */
import protobuf from 'protobufjs';
import { ProtobufSchema } from '../registry/schemas/protobuf.js';
import { protobufFramings, type Framing } from './protobuf-framing.js';

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true, json: true,
};

export interface DecodedProtobuf {
  /** The message's full name (package included). */
  message: string;
  value: Record<string, unknown>;
  /** Set when the payload had no message-index list and was read as the file's first message. */
  note?: string;
}

/** Message types by index path, per parsed schema (a page of one topic asks for the same few). */
const typesByPath = new WeakMap<ProtobufSchema, Map<string, protobuf.Type | null>>();
const MAX_PATHS_PER_SCHEMA = 64;

export function isProtobufSchema(parsed: unknown): parsed is ProtobufSchema {
  return parsed instanceof ProtobufSchema;
}

/** Decodes `payload` (the bytes after the schema id) with `schema`; throws with a one-line reason. */
export function decodeProtobufValue(schema: ProtobufSchema, payload: Buffer): DecodedProtobuf {
  let reason = '';
  for (const framing of protobufFramings(payload)) {
    const type = messageAt(schema, framing.indexes);
    if (!type) {
      reason ||= `message index [${framing.indexes.join(', ')}] names no message of the schema`;
      continue;
    }
    try {
      const value = inFieldOrder(type, type.toObject(type.decode(payload.subarray(framing.offset)), TO_OBJECT));
      return { message: type.fullName.replace(/^\./, ''), value, ...unlistedNote(framing) };
    } catch (err) {
      reason = `does not decode as ${type.fullName.replace(/^\./, '')}: ${(err as Error).message}`;
    }
  }
  throw new Error(reason.split('\n')[0]);
}

/**
 * toObject puts repeated and map fields first; a person reads a message in the order its fields
 * are declared, so keys are put back in that order, nested messages too (keys toObject adds
 * beyond the declared fields, if any, follow).
 */
function inFieldOrder(type: protobuf.Type, object: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > MAX_ORDERED_DEPTH) return object;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!(field.name in object)) continue;
    const value = object[field.name];
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    const order = (v: unknown) => (nested && v && typeof v === 'object' ? inFieldOrder(nested, v as Record<string, unknown>, depth + 1) : v);
    if (nested && field.map) out[field.name] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, order(v)]));
    else out[field.name] = Array.isArray(value) ? value.map(order) : order(value);
  }
  for (const key of Object.keys(object)) if (!(key in out)) out[key] = object[key];
  return out;
}

/** Past this depth nested messages keep toObject's order (a deep recursive message costs no more). */
const MAX_ORDERED_DEPTH = 32;

function unlistedNote(framing: Framing): { note?: string } {
  if (framing.listed) return {};
  return { note: 'no message-index list (as @kafkajs/confluent-schema-registry writes): read as the first message' };
}

/**
 * The message a path of indexes names: top-level messages in declaration order, then nested ones.
 * Only declared messages count (proto2 groups too), as Confluent's Java serde counts them on the
 * schema's own element tree; a serializer counting on a protoc descriptor, where each map field
 * adds a nested entry type, can number a message declared after a map field differently.
 */
export function messageAt(schema: ProtobufSchema, indexes: readonly number[]): protobuf.Type | null {
  let cache = typesByPath.get(schema);
  if (!cache) typesByPath.set(schema, (cache = new Map()));
  const key = indexes.join('.');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let candidates: readonly protobuf.ReflectionObject[] = schema.declarations;
  let type: protobuf.Type | null = null;
  for (const index of indexes) {
    type = candidates.filter((d): d is protobuf.Type => d instanceof protobuf.Type)[index] ?? null;
    if (!type) break;
    candidates = type.nestedArray;
  }
  if (cache.size >= MAX_PATHS_PER_SCHEMA) cache.delete(cache.keys().next().value!);
  cache.set(key, type);
  return type;
}
