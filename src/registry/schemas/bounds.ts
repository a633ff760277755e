/**
 * Bounds on what any schema parser is handed, so a hostile schema is refused in one linear pass
 * before a library (avsc, ajv, protobufjs) can spend the event loop on it or recurse off the
 * stack:
 * - MAX_SCHEMA_BYTES: 1 MiB of UTF-8 per schema text, and the same budget again for all of a
 *   schema's references together. The largest real-world schemas seen in registries are tens of
 *   KiB; a multi-megabyte schema is refused.
 * - MAX_NESTING_DEPTH: 64 levels of brackets ({ and [ in JSON text, { in .proto text), counted
 *   outside strings and comments. An Avro record nests three brackets per level (record, fields
 *   array, field), so a record nested 50 deep (~150) is refused while 20 levels are accepted; a
 *   JSON Schema object nests two per level (schema, properties); a .proto message one.
 * - MAX_REFERENCES: 1,000 references in a schema's whole reference tree, 32 levels deep.
 */
import { SchemaError, type ResolvedReference } from './types.js';

export const MAX_SCHEMA_BYTES = 1024 * 1024;
export const MAX_NESTING_DEPTH = 64;
export const MAX_REFERENCES = 1000;
export const MAX_REFERENCE_DEPTH = 32;

export type Syntax = 'json' | 'proto';

/** Throws SchemaError when `text` is too large or nests too deep. Linear in the text's length. */
export function checkBounds(text: string, syntax: Syntax, what = 'schema'): void {
  if (typeof text !== 'string') throw new SchemaError(`${what} must be a string`);
  // A string of n UTF-16 units is at most 3n UTF-8 bytes and at least n: skip the exact count
  // when the cheap bound settles it.
  if (text.length > MAX_SCHEMA_BYTES || (text.length * 3 > MAX_SCHEMA_BYTES && Buffer.byteLength(text) > MAX_SCHEMA_BYTES)) {
    throw new SchemaError(`${what} is larger than ${MAX_SCHEMA_BYTES} bytes`);
  }
  const depth = syntax === 'json' ? jsonDepth(text) : protoDepth(text);
  if (depth > MAX_NESTING_DEPTH) {
    throw new SchemaError(`${what} nests deeper than ${MAX_NESTING_DEPTH} levels`);
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

function protoDepth(text: string): number {
  let depth = 0;
  let max = 0;
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
    } else if (c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > MAX_NESTING_DEPTH) return max;
    } else if (c === 0x7d) depth--;
  }
  return max;
}
