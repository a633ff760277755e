/**
 * Compatibility levels, applied over a subject's existing versions (newest first), as the
 * Confluent registry applies them:
 * - NONE: anything goes.
 * - BACKWARD: the candidate can read data written with the latest version (consumers upgrade
 *   first). BACKWARD_TRANSITIVE: with every version.
 * - FORWARD: the latest version can read data written with the candidate (producers upgrade
 *   first). FORWARD_TRANSITIVE: every version can.
 * - FULL: both directions against the latest. FULL_TRANSITIVE: both against every version.
 * Each type's rules are one function of (reader, writer) returning what broke, each message
 * phrased from the writer's schema to the reader's ("changed from <writer> to <reader>"); the
 * prefix says which direction and which version. A schema of another type than an existing
 * version's is incompatible with it.
 */
import { AvroSchema } from './avro.js';
import { avroBreaks } from './avro-compat.js';
import { JsonSchema } from './json-schema.js';
import { jsonBreaks } from './json-compat.js';
import { ProtobufSchema } from './protobuf.js';
import { protobufBreaks } from './protobuf-compat.js';
import type { CompatibilityLevel, ParsedSchema } from './types.js';

const DIRECTIONS: Record<CompatibilityLevel, { backward: boolean; forward: boolean; transitive: boolean }> = {
  NONE: { backward: false, forward: false, transitive: false },
  BACKWARD: { backward: true, forward: false, transitive: false },
  BACKWARD_TRANSITIVE: { backward: true, forward: false, transitive: true },
  FORWARD: { backward: false, forward: true, transitive: false },
  FORWARD_TRANSITIVE: { backward: false, forward: true, transitive: true },
  FULL: { backward: true, forward: true, transitive: false },
  FULL_TRANSITIVE: { backward: true, forward: true, transitive: true },
};

export function checkLevel(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  existing: ParsedSchema[],
): { compatible: boolean; messages: string[] } {
  const rule = DIRECTIONS[level];
  if (!rule) throw new Error(`unknown compatibility level ${String(level)}`);
  const against = rule.transitive ? existing : existing.slice(0, 1);
  const messages: string[] = [];
  against.forEach((old, i) => {
    const which = i === 0 ? 'the latest version' : `the version ${i} before the latest`;
    if (rule.backward) {
      for (const m of breaks(candidate, old)) messages.push(`BACKWARD against ${which} (the new schema reading its data): ${m}`);
    }
    if (rule.forward) {
      for (const m of breaks(old, candidate)) messages.push(`FORWARD against ${which} (it reading the new schema's data): ${m}`);
    }
  });
  return { compatible: messages.length === 0, messages };
}

/** What stops `reader` from reading data written with `writer` (empty when it can). */
function breaks(reader: ParsedSchema, writer: ParsedSchema): string[] {
  if (reader.type !== writer.type) return [`schema type changed from ${writer.type} to ${reader.type}`];
  if (reader instanceof AvroSchema && writer instanceof AvroSchema) return avroBreaks(reader, writer);
  if (reader instanceof JsonSchema && writer instanceof JsonSchema) return jsonBreaks(reader, writer);
  if (reader instanceof ProtobufSchema && writer instanceof ProtobufSchema) return protobufBreaks(reader, writer);
  throw new Error(`a ${reader.type} schema that parseSchema did not make`);
}
