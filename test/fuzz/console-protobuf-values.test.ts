/**
 * Fuzz of the console's Protobuf value decoding (src/console/fields.ts, protobuf-values.ts,
 * protobuf-framing.ts): valid Confluent-framed values of a schema with nesting, recursion, maps,
 * oneofs, packed fields, 64-bit integers and enums, mutated by a seeded generator
 * (BROOKLET_FUZZ_SEED to replay): bytes flipped, cut, inserted, index lists rewritten. Every value
 * must come back as a field with either decoded JSON or a one-line reason; nothing may throw.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { loadDecoders, pageDecoding, toField, type SchemaLookup } from '../../src/console/fields.js';
import { parseProtobuf } from '../../src/registry/schemas/protobuf.js';
import { rng } from './mutate.js';

const SEED = Number(process.env.BROOKLET_FUZZ_SEED ?? Date.now() % 1_000_000);
const VALUES = 20_000;
const PROTO = `syntax = "proto3";
package fz;
enum Colour { RED = 0; GREEN = 1; }
message Tree {
  message Leaf { bytes data = 1; sint64 weight = 2; }
  string name = 1;
  repeated Tree children = 2;
  map<string, Leaf> leaves = 3;
  oneof pick { fixed64 big = 4; double ratio = 5; Colour colour = 6; }
  repeated int32 packed = 7;
}
message Other { Tree tree = 1; uint64 id = 2; }
`;
const schema = parseProtobuf(PROTO, []);
const lookup: SchemaLookup = () => ({ schemaType: 'PROTOBUF', schema: PROTO, parse: () => schema });

function tree(rand: () => number, depth: number): Record<string, unknown> {
  return {
    name: 'n'.repeat(Math.floor(rand() * 20)),
    children: depth > 0 ? Array.from({ length: Math.floor(rand() * 3) }, () => tree(rand, depth - 1)) : [],
    leaves: { a: { data: Buffer.from([1, 2, 3]), weight: -12345 } },
    ...(rand() < 0.5 ? { big: '18446744073709551615' } : { colour: 1 }),
    packed: Array.from({ length: Math.floor(rand() * 10) }, (_, i) => i * 1000 - 3),
  };
}

function varintList(indexes: number[]): number[] {
  const w = protobuf.Writer.create();
  w.sint32(indexes.length);
  for (const i of indexes) w.sint32(i);
  return [...w.finish()];
}

describe('console Protobuf value fuzz', () => {
  it(`answers ${VALUES} mutated values with JSON or a one-line reason (seed ${SEED})`, async () => {
    await loadDecoders(lookup);
    const rand = rng(SEED);
    const Tree = schema.root.lookupType('fz.Tree');
    const Other = schema.root.lookupType('fz.Other');
    let decoded = 0;
    let refused = 0;
    const failures: string[] = [];
    for (let i = 0; i < VALUES; i++) {
      const other = rand() < 0.3;
      const body = other
        ? Other.encode({ tree: tree(rand, 2), id: 7 }).finish()
        : Tree.encode(tree(rand, 3)).finish();
      const list = rand() < 0.2 ? [] : other ? varintList([1]) : rand() < 0.5 ? [0] : varintList([0]);
      const bytes = [0, 0, 0, 0, 1, ...list, ...body];
      const mutations = Math.floor(rand() * 4);
      for (let m = 0; m < mutations; m++) {
        const at = 5 + Math.floor(rand() * Math.max(1, bytes.length - 5));
        const kind = rand();
        if (kind < 0.4) bytes[at] = Math.floor(rand() * 256);
        else if (kind < 0.6) bytes.length = Math.max(5, at);
        else if (kind < 0.8) bytes.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 256)));
        else bytes.splice(5, list.length, ...varintList(Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * 4) - 1)));
      }
      let field;
      try {
        field = toField(Buffer.from(bytes), pageDecoding(lookup), true);
      } catch (err) {
        failures.push(`${Buffer.from(bytes).toString('hex')}: threw ${(err as Error).message}`);
        continue;
      }
      const s = field?.schema;
      if (s?.json !== undefined && s.error === undefined) {
        decoded++;
        JSON.parse(s.json);
      } else if (s?.error !== undefined && !s.error.includes('\n') && s.json === undefined) {
        refused++;
      } else {
        failures.push(`${Buffer.from(bytes).toString('hex')}: ${JSON.stringify(s)}`);
      }
    }
    expect(failures.slice(0, 5), `seed ${SEED}`).toEqual([]);
    // Both sides were reached: values that decode and values refused with a reason.
    expect(decoded).toBeGreaterThan(VALUES / 10);
    expect(refused).toBeGreaterThan(VALUES / 10);
  }, 120_000);
});
