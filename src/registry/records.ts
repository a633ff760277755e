/**
 * The records of the `_schemas` topic, in the Confluent Schema Registry's JSON formats, so that a
 * Confluent registry or Karapace pointed at the same topic reads what Brooklet wrote (and the
 * reverse). Keys are written with Confluent's field order, byte for byte, because compaction
 * keeps the last record per exact key bytes.
 *
 *   key                                                              value
 *   {"keytype":"SCHEMA","subject":S,"version":V,"magic":1}           {"subject":S,"version":V,"id":I,
 *                                                                      "schemaType":T (absent = AVRO),
 *                                                                      "references":[{"name","subject","version"}],
 *                                                                      "schema":TEXT,"deleted":B}
 *                                                                    null = version hard-deleted
 *   {"keytype":"CONFIG","subject":S|null,"magic":0}                  {"compatibilityLevel":L}, null = removed
 *   {"keytype":"MODE","subject":S|null,"magic":0}                    {"mode":M}, null = removed
 *   {"keytype":"DELETE_SUBJECT","subject":S,"magic":0}               {"subject":S,"version":V}: versions up
 *                                                                    to V soft-deleted; null = cleared
 *   {"keytype":"NOOP","magic":0}                                     (written by a registry to find its
 *                                                                    place in the log; ignored on replay)
 *
 * Unknown key types (CLEAR_SUBJECT, CONTEXT, ... from newer registries) and unknown fields are
 * ignored on replay; a record that is not one of these shapes is reported and skipped.
 */
import { COMPATIBILITY_LEVELS, MODES, SCHEMA_TYPES, type CompatibilityLevel, type Mode, type SchemaType } from './types.js';

export const SCHEMAS_TOPIC = '_schemas';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export interface SchemaRecordValue {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  references: SchemaReference[];
  schema: string;
  deleted: boolean;
}

export type RegistryRecord =
  | { kind: 'SCHEMA'; subject: string; version: number; value: SchemaRecordValue | null }
  | { kind: 'CONFIG'; subject: string | null; value: CompatibilityLevel | null }
  | { kind: 'MODE'; subject: string | null; value: Mode | null }
  | { kind: 'DELETE_SUBJECT'; subject: string; value: number | null }
  | { kind: 'NOOP' };

export function encodeKey(record: RegistryRecord): Buffer {
  switch (record.kind) {
    case 'SCHEMA':
      return json({ keytype: 'SCHEMA', subject: record.subject, version: record.version, magic: 1 });
    case 'CONFIG':
    case 'MODE':
    case 'DELETE_SUBJECT':
      return json({ keytype: record.kind, subject: record.subject, magic: 0 });
    case 'NOOP':
      return json({ keytype: 'NOOP', magic: 0 });
  }
}

export function encodeValue(record: RegistryRecord): Buffer | null {
  switch (record.kind) {
    case 'SCHEMA': {
      const v = record.value;
      if (v === null) return null;
      const out: Record<string, unknown> = { subject: v.subject, version: v.version, id: v.id };
      if (v.schemaType !== 'AVRO') out.schemaType = v.schemaType;
      if (v.references.length > 0) out.references = v.references;
      out.schema = v.schema;
      out.deleted = v.deleted;
      return json(out);
    }
    case 'CONFIG':
      return record.value === null ? null : json({ compatibilityLevel: record.value });
    case 'MODE':
      return record.value === null ? null : json({ mode: record.value });
    case 'DELETE_SUBJECT':
      return record.value === null ? null : json({ subject: record.subject, version: record.value });
    case 'NOOP':
      return null;
  }
}

export class BadRecord extends Error {}

/**
 * Decodes one record of the topic. Returns undefined for a key type this registry does not keep
 * (it is someone else's); throws BadRecord for bytes that are not a registry record at all.
 */
export function decodeRecord(key: Buffer, value: Buffer | null): RegistryRecord | undefined {
  const k = object(parse(key, 'key'), 'key');
  const keytype = k.keytype;
  if (keytype === 'NOOP') return { kind: 'NOOP' };
  if (keytype === 'SCHEMA') {
    const subject = str(k.subject, 'key.subject');
    const version = positiveInt(k.version, 'key.version');
    return { kind: 'SCHEMA', subject, version, value: value === null ? null : schemaValue(parse(value, 'value'), subject, version) };
  }
  if (keytype === 'CONFIG' || keytype === 'MODE') {
    const subject = k.subject === null || k.subject === undefined ? null : str(k.subject, 'key.subject');
    if (value === null) return { kind: keytype, subject, value: null };
    const v = object(parse(value, 'value'), 'value');
    if (keytype === 'CONFIG') {
      // Older registries wrote {"compatibility": ...}; both spellings are read.
      const level = v.compatibilityLevel ?? v.compatibility;
      return { kind: 'CONFIG', subject, value: oneOf(level, COMPATIBILITY_LEVELS, 'value.compatibilityLevel') };
    }
    return { kind: 'MODE', subject, value: oneOf(v.mode, MODES, 'value.mode') };
  }
  if (keytype === 'DELETE_SUBJECT') {
    const subject = str(k.subject, 'key.subject');
    if (value === null) return { kind: 'DELETE_SUBJECT', subject, value: null };
    const v = object(parse(value, 'value'), 'value');
    return { kind: 'DELETE_SUBJECT', subject, value: positiveInt(v.version, 'value.version') };
  }
  if (typeof keytype === 'string') return undefined;
  throw new BadRecord('key has no keytype');
}

function schemaValue(raw: unknown, subject: string, version: number): SchemaRecordValue {
  const v = object(raw, 'value');
  if (v.subject !== undefined && v.subject !== subject) throw new BadRecord('value.subject differs from the key');
  if (v.version !== undefined && v.version !== version) throw new BadRecord('value.version differs from the key');
  const refs = v.references === undefined || v.references === null ? [] : v.references;
  if (!Array.isArray(refs)) throw new BadRecord('value.references is not an array');
  return {
    subject,
    version,
    id: positiveInt(v.id, 'value.id'),
    schemaType: v.schemaType === undefined || v.schemaType === null ? 'AVRO' : oneOf(v.schemaType, SCHEMA_TYPES, 'value.schemaType'),
    references: refs.map((r, i) => {
      const ref = object(r, `value.references[${i}]`);
      return { name: str(ref.name, 'reference.name'), subject: str(ref.subject, 'reference.subject'), version: positiveInt(ref.version, 'reference.version') };
    }),
    schema: str(v.schema, 'value.schema'),
    deleted: v.deleted === true,
  };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function parse(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BadRecord(`${what} is not JSON`);
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRecord(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new BadRecord(`${what} is not a string`);
  return value;
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new BadRecord(`${what} is not a positive 32-bit integer`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new BadRecord(`${what} is not one of ${allowed.join(', ')}`);
  return value as T;
}
