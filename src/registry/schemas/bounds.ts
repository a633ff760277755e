/**
 * Bounds on what any schema parser is handed, checked in one linear pass before a library (avsc,
 * ajv, protobufjs) sees the text, so a hostile schema is refused before it can hold the event loop
 * or recurse off the stack. The libraries' own costs, measured, set the numbers:
 * - MAX_SCHEMA_BYTES: 128 KiB of UTF-8 per schema text, and as much again for all of a schema's
 *   references together. Real schemas are a few KiB to tens of KiB. Measured CPU time for the
 *   worst shapes at this size: Protobuf with 2,500 small messages 0.28 s to parse (protobufjs
 *   spends about 2 ms per KiB), an Avro record of 5,000 fields 0.15 s (avsc generates code per
 *   record), a JSON schema of 3,000 properties 0.02 s; a multi-megabyte schema would hold the
 *   process for seconds, so it is refused.
 * - MAX_NESTING_DEPTH: 64 levels of brackets ({ and [ in JSON text, { in .proto text), counted
 *   outside strings and comments. An Avro record nests three brackets per level (record, fields
 *   array, field), so a record nested 50 deep (~150) is refused while 20 levels are accepted; a
 *   JSON Schema object nests two per level (schema, properties); a .proto message one.
 * - MAX_FIELD_WORK: protobufjs adds a message's fields in time quadratic in their number (0.35 s
 *   for 1,000 fields, 2 s for 2,000, 9 s for 4,000 on a small machine), so the sum over messages
 *   of (statements in the message, its oneofs included)^2 must stay under 1,000,000: one message
 *   of 1,000 fields, or a hundred of 100.
 * - MAX_AVRO_NAMED_TYPES (avro.ts): 500 records, enums and fixed types in one Avro schema with
 *   its references: avsc compiles code for each record (1 to 2 ms each).
 * - MAX_REFERENCES: 1,000 references in a schema's whole reference tree, 32 levels deep.
 */
import { SchemaError, type ResolvedReference } from './types.js';

export const MAX_SCHEMA_BYTES = 128 * 1024;
export const MAX_NESTING_DEPTH = 64;
export const MAX_FIELD_WORK = 1_000_000;
export const MAX_REFERENCES = 1000;
export const MAX_REFERENCE_DEPTH = 32;

export type Syntax = 'json' | 'proto';

/** Throws SchemaError when `text` is too large or nests too deep. Linear in the text's length. */
export function checkBounds(text: string, syntax: Syntax, what = 'the schema'): void {
  if (typeof text !== 'string') throw new SchemaError(`${what} must be a string`);
  // A string of n UTF-16 units is at most 3n UTF-8 bytes and at least n: skip the exact count
  // when the cheap bound settles it.
  if (text.length > MAX_SCHEMA_BYTES || (text.length * 3 > MAX_SCHEMA_BYTES && Buffer.byteLength(text) > MAX_SCHEMA_BYTES)) {
    throw new SchemaError(`${what} is larger than ${MAX_SCHEMA_BYTES} bytes`);
  }
  if (syntax === 'json') {
    if (jsonDepth(text) > MAX_NESTING_DEPTH) throw new SchemaError(`${what} nests deeper than ${MAX_NESTING_DEPTH} levels`);
  } else {
    scanProto(text, what);
  }
}

/** The reference tree's size and depth, and each referenced text's own bounds. */
export function checkReferenceBounds(references: ResolvedReference[], syntax: Syntax): void {
  let count = 0;
  let bytes = 0;
  const walk = (refs: ResolvedReference[], depth: number): void => {
    if (!Array.isArray(refs)) throw new SchemaError('references must be an array');
    if (depth > MAX_REFERENCE_DEPTH) throw new SchemaError(`references nest deeper than ${MAX_REFERENCE_DEPTH} levels`);
    for (const ref of refs) {
      if (++count > MAX_REFERENCES) throw new SchemaError(`more than ${MAX_REFERENCES} references`);
      checkBounds(ref.schema, syntax, `reference ${JSON.stringify(ref.name)}`);
      bytes += ref.schema.length;
      if (bytes > MAX_SCHEMA_BYTES) throw new SchemaError(`references together are larger than ${MAX_SCHEMA_BYTES} bytes`);
      walk(ref.references ?? [], depth + 1);
    }
  };
  walk(references, 1);
}

function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) max = depth;
      if (max > MAX_NESTING_DEPTH) return max;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

const isWordChar = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

/** Brace depth and statements per message, skipping strings and comments. */
function scanProto(text: string, what: string): void {
  interface Frame { message: boolean; count: number }
  const frames: Frame[] = [];
  let work = 0;
  let firstWord = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x27) {
      // a string literal: skip to its closing quote (escapes skip one unit)
      for (i++; i < text.length && text.charCodeAt(i) !== c; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x7b /* { */) {
      // A oneof's fields belong to its message; any other block counts on its own.
      const frame = firstWord === 'oneof' && frames.length > 0 ? frames[frames.length - 1] : { message: firstWord === 'message', count: 0 };
      frames.push(frame);
      if (frames.length > MAX_NESTING_DEPTH) throw new SchemaError(`${what} nests deeper than ${MAX_NESTING_DEPTH} levels`);
      firstWord = '';
    } else if (c === 0x7d /* } */) {
      const frame = frames.pop();
      // A oneof shares its message's frame: the message's closing brace counts it once.
      if (frame?.message && frames[frames.length - 1] !== frame) {
        work += frame.count * frame.count;
        if (work > MAX_FIELD_WORK) throw new SchemaError(`${what} has too many fields in its messages (the sum of each message's field count squared is over ${MAX_FIELD_WORK})`);
      }
      firstWord = '';
    } else if (c === 0x3b /* ; */) {
      const frame = frames[frames.length - 1];
      if (frame?.message && ++frame.count * frame.count > MAX_FIELD_WORK) {
        throw new SchemaError(`${what} has a message with more than ${Math.sqrt(MAX_FIELD_WORK)} fields`);
      }
      firstWord = '';
    } else if (firstWord === '' && isWordChar(c) && !isWordChar(text.charCodeAt(i - 1))) {
      let end = i;
      while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
      firstWord = text.slice(i, end);
      i = end - 1;
    }
  }
  // Blocks left open (the parser refuses them, but only after reading them) count too.
  for (const frame of new Set(frames)) if (frame.message) work += frame.count * frame.count;
  if (work > MAX_FIELD_WORK) throw new SchemaError(`${what} has too many fields in its messages (the sum of each message's field count squared is over ${MAX_FIELD_WORK})`);
}
