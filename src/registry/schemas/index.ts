/**
 * Schema types of the Schema Registry: parsing, canonical forms and compatibility rules.
 *
 * The REST service (src/registry/) codes against this file only: parseSchema turns the text a
 * client registers into a ParsedSchema (or throws SchemaError, answered as 42201), and
 * checkCompatibility applies a subject's level over its existing versions.
 *
 * Which library parses each type, and why:
 * - AVRO: avsc. The most used Avro implementation for Node (kafkajs' registry client encodes with
 *   it), so a schema Brooklet accepts is one that client can encode with. Named types defined in
 *   references are fed to it through its type registry. The compatibility rules (avro-compat.ts)
 *   walk avsc's resolved types by Avro's reader/writer resolution rules so each break is named.
 * - JSON: ajv. The reference JSON Schema validator for JavaScript; compiling a schema with it is
 *   the proof that it is a valid schema. Draft-07 is the default (as in the Confluent registry);
 *   drafts 2019-09 and 2020-12 are accepted when the schema's "$schema" names them; draft-04 and
 *   draft-06 are refused with a clear error (see json-schema.ts).
 * - PROTOBUF: protobufjs. The well-kept pure-JS .proto parser (no protoc binary, no native code);
 *   it parses proto2 and proto3 text into a reflection tree that the canonical form and the
 *   compatibility rules walk. Imports are satisfied from references by their name.
 *
 * Bounds (bounds.ts): the text is refused past MAX_SCHEMA_BYTES and its nesting past
 * MAX_NESTING_DEPTH before any library sees it, so a hostile schema cannot hold the event loop.
 */
import { parseAvro } from './avro.js';
import { parseJsonSchema } from './json-schema.js';
import { parseProtobuf } from './protobuf.js';
import { checkLevel } from './levels.js';
import { SchemaError, type CompatibilityLevel, type ParsedSchema, type ResolvedReference, type SchemaType } from './types.js';

export type { SchemaType, CompatibilityLevel, ResolvedReference, ParsedSchema } from './types.js';
export { SchemaError } from './types.js';
export { MAX_SCHEMA_BYTES, MAX_NESTING_DEPTH } from './bounds.js';

export function parseSchema(type: SchemaType, text: string, references: ResolvedReference[]): ParsedSchema {
  switch (type) {
    case 'AVRO':
      return parseAvro(text, references);
    case 'JSON':
      return parseJsonSchema(text, references);
    case 'PROTOBUF':
      return parseProtobuf(text, references);
    default:
      throw new SchemaError(`unknown schema type ${JSON.stringify(type)}; expected AVRO, JSON or PROTOBUF`);
  }
}

/**
 * existing: the subject's versions, newest first. Non-transitive levels check only existing[0];
 * transitive ones check all of them.
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  existing: ParsedSchema[],
): { compatible: boolean; messages: string[] } {
  return checkLevel(level, candidate, existing);
}
