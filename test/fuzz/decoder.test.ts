/**
 * Fuzzes the request decoder in process for every API key and version the protocol layer decodes,
 * seeded with real client requests and sample-value requests of every version: nothing but a
 * ProtocolDecodeError may escape, and no single input may take long (no hang, no blow-up).
 * FUZZ_SECONDS overrides the budget; bench/fuzz-long.ts runs the same loop for longer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allDecodableRanges, fixtureSeeds, sampleSeeds } from './corpus.js';
import { decodeTarget } from './decoder-target.js';
import { Fuzzer } from './engine.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 10);

afterAll(() => writeFigures(import.meta.url));

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
    const fixtures = fixtureSeeds().length;
    recordFigure(HOSTILE, `Decoder fuzz, in process, every API key and version the protocol layer decodes (${ranges.length} keys), `
      + `seeded with ${fmt(fixtures)} captured client requests + ${fmt(stats.seeds - fixtures)} sample-value requests`, {
      figure: `${fmt(stats.executions)} executions in ${SECONDS} s, corpus ${fmt(stats.seeds)} -> ${fmt(stats.corpusSize)}, `
        + `${fmt(stats.outcomes)} distinct outcomes, slowest input ${fmt(stats.slowestMs, 1)} ms, nothing but ProtocolDecodeError escaped`,
      command: `FUZZ_SECONDS=${SECONDS} FUZZ_SEED=${seed} npx vitest run test/fuzz/decoder.test.ts`,
      seconds: SECONDS, seed, apiKeys: ranges.length, executions: stats.executions, seeds: stats.seeds, corpus: stats.corpusSize,
      outcomes: stats.outcomes, slowestMs: stats.slowestMs,
    });
  });
});
