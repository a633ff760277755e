/**
 * Fuzzes the request decoder in process for every API key and version the protocol layer decodes,
 * seeded with real client requests and sample-value requests of every version: nothing but a
 * ProtocolDecodeError may escape, and no single input may take long (no hang, no blow-up).
 * FUZZ_SECONDS overrides the budget; bench/fuzz-long.ts runs the same loop for longer.
 */
import { describe, expect, it } from 'vitest';
import { allDecodableRanges, fixtureSeeds, sampleSeeds } from './corpus.js';
import { decodeTarget } from './decoder-target.js';
import { Fuzzer } from './engine.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 10);

describe('request decoder fuzz', () => {
  it('seeds decode cleanly (the corpus is valid before mutation)', () => {
    const seeds = [...fixtureSeeds(), ...sampleSeeds(allDecodableRanges())];
    expect(seeds.length).toBeGreaterThan(300);
    for (const seed of seeds) expect(decodeTarget(seed.frame)).toMatch(/:ok$/);
    // the tracer found the length fields the mutator rewrites
    expect(seeds.every((s) => s.lengths.length > 0)).toBe(true);
  });

  it(`survives ${SECONDS}s of structure-aware mutation`, () => {
    const ranges = allDecodableRanges();
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const fuzzer = new Fuzzer([...fixtureSeeds(), ...sampleSeeds(ranges)], ranges, seed);
    const stats = fuzzer.runFor(SECONDS * 1000, decodeTarget);
    console.log(`decoder fuzz (seed ${seed}): ${stats.executions} executions, corpus ${stats.seeds} seeds -> ${stats.corpusSize}, ` +
      `${stats.outcomes} distinct outcomes, slowest ${stats.slowestMs.toFixed(1)} ms`);
    expect(stats.failures).toEqual([]);
    expect(stats.executions).toBeGreaterThan(10_000);
    // mutation reaches past the length guards into many distinct rejections, not one
    expect(stats.outcomes).toBeGreaterThan(200);
    // inputs are at most 64 KiB: a second means a hang or a blow-up, not a GC pause on a slow machine
    expect(stats.slowestMs).toBeLessThan(1000);
  });
});
