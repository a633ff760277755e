/*
 * The shape of the generated field tables (protocol/generated/*.ts).
 *
 * A table states facts from Kafka's message specifications and nothing else: field names
 * (camelCase), wire types, the versions a field exists in, the versions it may be null in,
 * its tag when it travels in the tagged-field block, and its default. The interpreter in
 * schema.ts reads and writes any version of any message from these tables.
 */

/** Upper bound used for open version ranges such as "3+". */
export const OPEN_VERSION = 0x7fff;

/** Inclusive [min, max]; an empty range ("none") is [0, -1]. */
export type VersionRange = readonly [number, number];

export type PrimitiveType =
  | 'int8' | 'int16' | 'int32' | 'uint16' | 'uint32' | 'int64' | 'float64'
  | 'bool' | 'uuid' | 'string' | 'bytes' | 'records';

export type FieldDefault = number | boolean | string | null;

export interface FieldSpec {
  readonly name: string;
  /** 'struct' fields carry their own `fields`. */
  readonly type: PrimitiveType | 'struct';
  /** True for arrays: of `type` when primitive, of structs when 'struct'. */
  readonly array?: true;
  readonly versions: VersionRange;
  readonly nullable?: VersionRange;
  /** Present for tagged fields, with the versions in which the field travels tagged. */
  readonly tag?: number;
  readonly tagged?: VersionRange;
  /** The spec's default, parsed ("null" -> null, hex and decimal -> number). */
  readonly default?: FieldDefault;
  readonly ignorable?: true;
  readonly fields?: readonly FieldSpec[];
}

export interface MessageSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly kind: 'request' | 'response';
  readonly validVersions: VersionRange;
  /** null when no version is flexible. */
  readonly flexibleVersions: VersionRange | null;
  readonly fields: readonly FieldSpec[];
}

export function inRange(range: VersionRange | null | undefined, version: number): boolean {
  return range != null && version >= range[0] && version <= range[1];
}
