/**
 * The registry service's own names for the schema contract's types (src/registry/schemas/ owns the
 * parsing and the rules; these unions are the same strings) and the service's enums.
 */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';
export type CompatibilityLevel = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';
export type Mode = 'READWRITE' | 'READONLY' | 'IMPORT';

export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];
export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE',
];
export const MODES: readonly Mode[] = ['READWRITE', 'READONLY', 'IMPORT'];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';
export const DEFAULT_MODE: Mode = 'READWRITE';

/** A reference as it is resolved for the schema library: the referenced schema, recursively. */
export interface ResolvedReference {
  name: string;
  subject: string;
  version: number;
  schemaType: SchemaType;
  schema: string;
  references: ResolvedReference[];
}

export interface ParsedSchema {
  readonly type: SchemaType;
  readonly canonical: string;
  normalized(): string;
}

/** What the service needs of src/registry/schemas/ (injected, so the service can be tested alone). */
export interface SchemaRules {
  parseSchema(type: SchemaType, text: string, references: ResolvedReference[]): ParsedSchema;
  checkCompatibility(level: CompatibilityLevel, candidate: ParsedSchema, existing: ParsedSchema[]): { compatible: boolean; messages: string[] };
  /** The contract's SchemaError class: a throw of it is an invalid schema (42201). */
  SchemaError: new (...args: never[]) => Error;
}
