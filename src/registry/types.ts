/**
 * The schema contract's types (src/registry/schemas/ owns the parsing and the rules), what the
 * service needs of it, and the service's own enums.
 */
import type { CompatibilityLevel, ParsedSchema, ResolvedReference, SchemaType } from './schemas/index.js';

export type { CompatibilityLevel, ParsedSchema, ResolvedReference, SchemaType } from './schemas/index.js';
export type Mode = 'READWRITE' | 'READONLY' | 'IMPORT';

export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];
export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE',
];
export const MODES: readonly Mode[] = ['READWRITE', 'READONLY', 'IMPORT'];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';
export const DEFAULT_MODE: Mode = 'READWRITE';

/** What the service needs of src/registry/schemas/ (injected, so the service can be tested alone). */
export interface SchemaRules {
  parseSchema(type: SchemaType, text: string, references: ResolvedReference[]): ParsedSchema;
  checkCompatibility(level: CompatibilityLevel, candidate: ParsedSchema, existing: ParsedSchema[]): { compatible: boolean; messages: string[] };
  /** The contract's SchemaError class: a throw of it is an invalid schema (42201). */
  SchemaError: new (...args: never[]) => Error;
}
