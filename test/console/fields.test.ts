/**
 * The bounds of the console's schema decoding (src/console/fields.ts): a schema is compiled once
 * per id (a failure too), one page compiles at most MAX_NEW_SCHEMAS_PER_PAGE new schemas, a payload
 * over MAX_DECODED_PAYLOAD stays bytes, decoded JSON is cut at MAX_DECODED_CHARS; and a hostile
 * Protobuf value (nesting without end) is a one-line reason, not an error.
 */
import { describe, expect, it } from 'vitest';
import {
  loadDecoders, MAX_DECODED_CHARS, MAX_DECODED_PAYLOAD, MAX_NEW_SCHEMAS_PER_PAGE, pageDecoding, toField, type SchemaLookup,
} from '../../src/console/fields.js';
import { parseProtobuf } from '../../src/registry/schemas/protobuf.js';

const PROTO = 'syntax = "proto3"; package t; message Node { Node child = 1; string name = 2; }';

/** A lookup over ids 1000 + n, counting how often each schema is parsed. */
function countingLookup(broken = false) {
  const parses = new Map<number, number>();
  const lookup: SchemaLookup = (id) => ({
    schemaType: 'PROTOBUF',
    schema: `${PROTO} // ${id}`,
    parse: () => {
      parses.set(id, (parses.get(id) ?? 0) + 1);
      if (broken) throw new Error('reference "x.proto" names subject "x" version 1, which does not exist');
      return parseProtobuf(`${PROTO} // ${id}`, []);
    },
  });
  return { lookup, parses };
}

const framed = (id: number, payload: number[] | Buffer) => {
  const out = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from(payload)]);
  out.writeUInt32BE(id, 1);
  return out;
};
const named = (name: string) => [0, 0x12, name.length, ...Buffer.from(name)];

describe('schema decoding bounds', () => {
  it('compiles each schema once, and at most a set number of new ones per page', async () => {
    const { lookup, parses } = countingLookup();
    await loadDecoders(lookup);
    const ids = Array.from({ length: MAX_NEW_SCHEMAS_PER_PAGE + 3 }, (_, i) => 1000 + i);
    const page = pageDecoding(lookup);
    const first = ids.map((id) => toField(framed(id, named('a')), page, true)!.schema!);
    expect(first.slice(0, MAX_NEW_SCHEMAS_PER_PAGE).every((s) => JSON.parse(s.json!).name === 'a' && s.message === 't.Node')).toBe(true);
    expect(first.slice(MAX_NEW_SCHEMAS_PER_PAGE).map((s) => s.error)).toEqual(Array(3).fill(expect.stringMatching(/already compiled 8 schemas; browse again/)));
    // The next page decodes the rest; nothing is parsed twice.
    const second = ids.map((id) => toField(framed(id, named('b')), pageDecoding(lookup), true)!.schema!);
    expect(second.every((s) => JSON.parse(s.json!).name === 'b')).toBe(true);
    expect([...parses.values()].every((n) => n === 1)).toBe(true);
    expect(parses.size).toBe(ids.length);
  });

  it('keeps a schema that fails to compile as its failure, shown in one line, parsed once', async () => {
    const { lookup, parses } = countingLookup(true);
    await loadDecoders(lookup);
    for (let i = 0; i < 3; i++) {
      const field = toField(framed(2000, named('a')), pageDecoding(lookup), true)!;
      expect(field.schema).toEqual({ id: 2000, type: 'PROTOBUF', error: 'schema 2000 does not compile: reference "x.proto" names subject "x" version 1, which does not exist' });
    }
    expect(parses.get(2000)).toBe(1);
  });

  it('leaves a payload over the cap as bytes and cuts long decoded JSON', async () => {
    const { lookup } = countingLookup();
    await loadDecoders(lookup);
    const big = toField(framed(3000, Buffer.alloc(MAX_DECODED_PAYLOAD + 1)), pageDecoding(lookup), true)!;
    expect(big.schema).toEqual({ id: 3000, type: 'PROTOBUF', error: `payload larger than ${MAX_DECODED_PAYLOAD} bytes: not decoded here` });
    expect(big.truncated).toBe(true);
    const long = 'x'.repeat(MAX_DECODED_CHARS);
    const name = Buffer.concat([Buffer.from([0, 0x12, 0x80 | (long.length & 0x7f), 0x80 | ((long.length >> 7) & 0x7f), long.length >> 14]), Buffer.from(long)]);
    const cut = toField(framed(3000, name), pageDecoding(lookup), true)!.schema!;
    expect(cut.json).toHaveLength(MAX_DECODED_CHARS);
    expect(cut.note).toMatch(new RegExp(`decoded JSON cut at ${MAX_DECODED_CHARS} of \\d+ characters`));
  });

  it('answers a value nested without end with a one-line reason', async () => {
    const { lookup } = countingLookup();
    await loadDecoders(lookup);
    // An unknown field 3 opened as a group 100,000 times before any is closed.
    const payload = Buffer.concat([Buffer.from([0]), Buffer.alloc(100_000, 0x1b), Buffer.alloc(100_000, 0x1c)]);
    const field = toField(framed(4000, payload), pageDecoding(lookup), true)!;
    expect(field.schema?.error).toMatch(/^does not decode with schema 4000: does not decode as t\.Node: [^\n]+$/);
    expect(field.schema?.json).toBeUndefined();
  });
});
