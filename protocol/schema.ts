/*
 * One interpreter for every version of every message, driven by the generated field tables.
 *
 * Non-flexible versions: INT16-length strings, INT32-length bytes and arrays (-1 = null).
 * Flexible versions: compact forms (UVARINT N+1, 0 = null) and, at the end of every struct,
 * a tagged-field block:  UVARINT count, then per field  UVARINT tag, UVARINT size, data.
 * A field is tagged in the versions listed in its `tagged` range; it is written only when it
 * differs from its default, and an absent tagged field decodes to its default.
 * Non-array struct fields that are nullable carry an INT8 marker (-1 = null, 1 = present).
 *
 * Decoding: fields absent in the version get their default; unknown tags are skipped after
 * their size is checked; null where the version does not allow it is a ProtocolDecodeError.
 * Encoding: fields absent in the version are skipped; undefined means "the default"; null
 * where not allowed is a plain Error (a bug in the caller, not a malformed peer).
 */

import { ProtocolDecodeError, Reader, Writer } from './primitives.js';
import { inRange, type FieldSpec } from './schema-types.js';

export type Struct = Record<string, unknown>;

/** Shared all-zero uuid used as the default; never mutate it. */
export const ZERO_UUID: Buffer = Buffer.alloc(16);
const EMPTY_BYTES: Buffer = Buffer.alloc(0);

export function defaultValue(f: FieldSpec): unknown {
  if (f.array) return f.default === null ? null : [];
  switch (f.type) {
    case 'struct':
      return f.default === null ? null : defaultStruct(f.fields ?? []);
    case 'bool':
      return f.default ?? false;
    case 'string':
      return f.default === undefined ? '' : f.default;
    case 'bytes':
      return f.default === null ? null : EMPTY_BYTES;
    case 'uuid':
      return ZERO_UUID;
    case 'records':
      return null;
    default:
      return f.default ?? 0;
  }
}

function defaultStruct(fields: readonly FieldSpec[]): Struct {
  const out: Struct = {};
  for (const f of fields) out[f.name] = defaultValue(f);
  return out;
}

function isTaggedIn(f: FieldSpec, version: number, flexible: boolean): boolean {
  return flexible && f.tag !== undefined && inRange(f.tagged, version);
}

// ---------------------------------------------------------------------------------- decode

export function decodeStruct(
  fields: readonly FieldSpec[], version: number, flexible: boolean, r: Reader,
): Struct {
  const out: Struct = {};
  let hasTagged = false;
  for (const f of fields) {
    if (!inRange(f.versions, version)) {
      out[f.name] = defaultValue(f);
    } else if (isTaggedIn(f, version, flexible)) {
      out[f.name] = defaultValue(f);
      hasTagged = true;
    } else {
      out[f.name] = decodeField(f, version, flexible, r);
    }
  }
  if (flexible) decodeTaggedBlock(hasTagged ? fields : null, version, r, out);
  return out;
}

function decodeTaggedBlock(
  fields: readonly FieldSpec[] | null, version: number, r: Reader, out: Struct,
): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    if (size > r.remaining()) {
      throw new ProtocolDecodeError(`tagged field ${tag}: size ${size} but only ${r.remaining()} bytes left`);
    }
    const known = fields?.find((f) => f.tag === tag && inRange(f.tagged, version));
    if (known) {
      const sub = new Reader(r.buf.subarray(0, r.offset + size), r.offset);
      out[known.name] = decodeField(known, version, true, sub);
    }
    r.skip(size);
  }
}

function decodeField(f: FieldSpec, version: number, flexible: boolean, r: Reader): unknown {
  const nullable = inRange(f.nullable, version);
  if (f.array) {
    const n = flexible ? r.compactArrayLength() : r.arrayLength();
    if (n === null) {
      if (!nullable) throw new ProtocolDecodeError(`null array in non-nullable field ${f.name}`);
      return null;
    }
    const items: unknown[] = new Array(n);
    if (f.type === 'struct') {
      const sub = f.fields ?? [];
      for (let i = 0; i < n; i++) items[i] = decodeStruct(sub, version, flexible, r);
    } else {
      for (let i = 0; i < n; i++) items[i] = decodePrimitive(f, false, flexible, r);
    }
    return items;
  }
  if (f.type === 'struct') {
    if (nullable && r.int8() < 0) return null;
    return decodeStruct(f.fields ?? [], version, flexible, r);
  }
  return decodePrimitive(f, nullable, flexible, r);
}

function decodePrimitive(f: FieldSpec, nullable: boolean, flexible: boolean, r: Reader): unknown {
  switch (f.type) {
    case 'int8': return r.int8();
    case 'int16': return r.int16();
    case 'int32': return r.int32();
    case 'uint16': return r.uint16();
    case 'uint32': return r.uint32();
    case 'int64': return r.int64();
    case 'float64': return r.float64();
    case 'bool': return r.bool();
    case 'uuid': return r.uuid();
    case 'records':
      return flexible ? r.compactNullableBytes() : r.nullableBytes();
    case 'string': {
      const s = flexible ? r.compactNullableString() : r.nullableString();
      if (s === null && !nullable) throw new ProtocolDecodeError(`null in non-nullable string ${f.name}`);
      return s;
    }
    case 'bytes': {
      const b = flexible ? r.compactNullableBytes() : r.nullableBytes();
      if (b === null && !nullable) throw new ProtocolDecodeError(`null in non-nullable bytes ${f.name}`);
      return b;
    }
    default:
      throw new ProtocolDecodeError(`cannot decode field ${f.name} of type ${f.type}`);
  }
}

// ---------------------------------------------------------------------------------- encode

export function encodeStruct(
  fields: readonly FieldSpec[], version: number, flexible: boolean, value: Struct, w: Writer,
): void {
  let tagged: FieldSpec[] | null = null;
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const v = value[f.name];
    if (isTaggedIn(f, version, flexible)) {
      if (v !== undefined && !isDefault(f, v)) (tagged ??= []).push(f);
      continue;
    }
    encodeField(f, version, flexible, v === undefined ? defaultValue(f) : v, w);
  }
  if (!flexible) return;
  if (tagged === null) {
    w.uvarint(0);
    return;
  }
  tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
  w.uvarint(tagged.length);
  for (const f of tagged) {
    const sub = new Writer();
    encodeField(f, version, true, value[f.name], sub);
    w.uvarint(f.tag ?? 0).uvarint(sub.length).append(sub);
  }
}

function encodeField(f: FieldSpec, version: number, flexible: boolean, v: unknown, w: Writer): void {
  const nullable = inRange(f.nullable, version);
  if (v === null && !nullable && f.type !== 'records') {
    throw new Error(`field ${f.name} is null but not nullable in version ${version}`);
  }
  if (f.array) {
    if (v === null) {
      if (flexible) w.compactArrayLength(null);
      else w.arrayLength(null);
      return;
    }
    if (!Array.isArray(v)) throw new Error(`field ${f.name} must be an array`);
    if (flexible) w.compactArrayLength(v.length);
    else w.arrayLength(v.length);
    if (f.type === 'struct') {
      const sub = f.fields ?? [];
      for (const item of v) encodeStruct(sub, version, flexible, item as Struct, w);
    } else {
      for (const item of v) encodePrimitive(f, item, flexible, w);
    }
    return;
  }
  if (f.type === 'struct') {
    if (nullable) {
      w.int8(v === null ? -1 : 1);
      if (v === null) return;
    }
    encodeStruct(f.fields ?? [], version, flexible, v as Struct, w);
    return;
  }
  encodePrimitive(f, v, flexible, w);
}

function encodePrimitive(f: FieldSpec, v: unknown, flexible: boolean, w: Writer): void {
  switch (f.type) {
    case 'int8': w.int8(v as number); return;
    case 'int16': w.int16(v as number); return;
    case 'int32': w.int32(v as number); return;
    case 'uint16': w.uint16(v as number); return;
    case 'uint32': w.uint32(v as number); return;
    case 'int64': w.int64(v as number); return;
    case 'float64': w.float64(v as number); return;
    case 'bool': w.bool(v as boolean); return;
    case 'uuid': w.uuid(v as Buffer); return;
    case 'records': w.records(v as Buffer | readonly Buffer[] | null, flexible); return;
    case 'string': {
      const s = v as string | null;
      if (flexible) w.compactNullableString(s);
      else w.nullableString(s);
      return;
    }
    case 'bytes': {
      const b = v as Buffer | null;
      if (flexible) w.compactNullableBytes(b);
      else w.nullableBytes(b);
      return;
    }
    default:
      throw new Error(`cannot encode field ${f.name} of type ${f.type}`);
  }
}

/** Whether a value equals the field's default (tagged fields are only written when not). */
function isDefault(f: FieldSpec, v: unknown): boolean {
  const d = defaultValue(f);
  if (v === null || d === null) return v === d;
  if (f.array) return Array.isArray(v) && v.length === 0;
  if (f.type === 'struct') {
    const s = v as Struct;
    return (f.fields ?? []).every((sub) => s[sub.name] === undefined || isDefault(sub, s[sub.name]));
  }
  if (Buffer.isBuffer(v)) return Buffer.isBuffer(d) && v.equals(d);
  return v === d;
}
