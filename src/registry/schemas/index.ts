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
 *   walk avsc's resolved types by Avro's reader/writer resolution rules so each break is named;
 *   a test checks them against avsc's own resolver.
 * - JSON: ajv. The reference JSON Schema validator for JavaScript (kafkajs' registry client
 *   validates with it). A schema must validate against its draft's meta-schema, and each "$ref"
 *   must resolve; ajv.compile is not used, because its cost grows faster than the schema (see
 *   json-schema.ts). Draft-07 is the default (as in the Confluent registry); drafts 06, 2019-09
 *   and 2020-12 are accepted when "$schema" names them; draft-04 is refused with a clear error
 *   (ajv 8 carries no draft-04 meta-schema). Compatibility: json-compat.ts, json-rules.ts.
 * - PROTOBUF: protobufjs. The well-kept pure-JS .proto parser (no protoc binary, no native code;
 *   kafkajs' registry client uses it too); it parses proto2 and proto3 text into a reflection
 *   tree that the canonical printer (protobuf-print.ts) and the compatibility rules
 *   (protobuf-compat.ts) walk. Imports are satisfied from references by their name.
 *
 * Bounds (bounds.ts): the text is refused past MAX_SCHEMA_BYTES, its nesting past
 * MAX_NESTING_DEPTH, and shapes a library handles in super-linear time (many Avro records, many
 * fields in a .proto message) past their own limits, before any library sees it, so a hostile
 * schema cannot hold the event loop. Compatibility checks are linear in the schemas, except JSON
 * combinators, which run under a step budget.
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
