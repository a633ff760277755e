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

/** An invalid schema; the service answers 42201 with its message. */
export class SchemaError extends Error {
  override name = 'SchemaError';
}

export interface ParsedSchema {
  readonly type: SchemaType;
  /** The form compared when looking a schema up (whitespace and key order do not matter). */
  readonly canonical: string;
  /** The form registered and compared under `normalize=true`. */
  normalized(): string;
}

