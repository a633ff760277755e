/** The types of the schema-types contract (re-exported by index.ts, which documents them). */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';
export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

export interface ResolvedReference {
  name: string;
  subject: string;
  version: number;
  schemaType: SchemaType;
  schema: string;
  references: ResolvedReference[];
}

/**
 * An invalid schema; the service answers 42201 with its message (after "Invalid schema: "), so
 * a message names what is wrong, and which reference when it is one.
 */
export class SchemaError extends Error {
  override name = 'SchemaError';
}

/** A SchemaError about `what` ('schema' for the schema itself, or 'reference "x"'). */
export function schemaError(what: string, detail: string): SchemaError {
  return new SchemaError(what === 'schema' ? detail : `${what}: ${detail}`);
}

export interface ParsedSchema {
  readonly type: SchemaType;
  /** The form compared when looking a schema up (whitespace and key order do not matter). */
  readonly canonical: string;
  /** The form registered and compared under `normalize=true`. */
  normalized(): string;
}

