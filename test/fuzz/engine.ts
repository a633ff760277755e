/**
 * The fuzz loop: pick a corpus entry, mutate it, run it, keep the mutant when it reaches an
 * outcome not seen before (its API, version and the shape of its result or error message), a
 * cheap stand-in for coverage feedback. The target decides what a failure is.
 */
import { mutate, rng, type Seed } from './mutate.js';
import { traceLengthFields } from './trace.js';
import type { ApiRange } from './corpus.js';

export interface FuzzStats {
  executions: number;
  seeds: number;
  corpusSize: number;
  /** Distinct outcome signatures reached. */
  outcomes: number;
  failures: { message: string; frameHex: string }[];
  slowestMs: number;
}

/** Runs one input; returns an outcome signature, or throws to report a failure. */
export type Target = (frame: Buffer) => string;

export const MAX_CORPUS = 4000;

export class Fuzzer {
  private readonly rand: () => number;
  private readonly corpus: Seed[];
  private readonly seen = new Set<string>();
  private readonly versions: Map<number, number[]>;
  readonly stats: FuzzStats;

  constructor(seeds: Seed[], ranges: readonly ApiRange[], seed: number) {
    this.rand = rng(seed);
    this.corpus = [...seeds];
    this.versions = new Map(ranges.map((r) => [r.apiKey,
      Array.from({ length: r.maxVersion - r.minVersion + 3 }, (_, i) => r.minVersion - 1 + i)]));
    this.stats = { executions: 0, seeds: seeds.length, corpusSize: seeds.length, outcomes: 0, failures: [], slowestMs: 0 };
  }

  /** The next mutant to try. */
  next(): Buffer {
    const base = this.corpus[Math.floor(this.rand() * this.corpus.length)]!;
    return mutate(this.rand, base, this.corpus, (k) => this.versions.get(k) ?? []);
  }

  /** Records the outcome of running `frame`; keeps it if the outcome is new. */
  record(frame: Buffer, outcome: string): void {
    this.stats.executions++;
    if (this.seen.has(outcome)) return;
    this.seen.add(outcome);
    this.stats.outcomes = this.seen.size;
    if (this.corpus.length < MAX_CORPUS) {
      this.corpus.push({ frame, lengths: traceLengthFields(frame) });
      this.stats.corpusSize = this.corpus.length;
    }
  }

  fail(frame: Buffer, err: unknown): void {
    this.stats.executions++;
    if (this.stats.failures.length < 20) {
      this.stats.failures.push({ message: String((err as Error)?.stack ?? err), frameHex: frame.toString('hex') });
    }
  }

  /** Runs `target` on mutants until the deadline. */
  runFor(ms: number, target: Target): FuzzStats {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      for (let i = 0; i < 200; i++) {
        const frame = this.next();
        const started = performance.now();
        let outcome: string;
        try {
          outcome = target(frame);
        } catch (err) {
          this.fail(frame, err);
          continue;
        }
        this.stats.slowestMs = Math.max(this.stats.slowestMs, performance.now() - started);
        this.record(frame, outcome);
      }
    }
    return this.stats;
  }
}

/** An error message with its numbers blanked, so "need 7 bytes" and "need 9 bytes" are one outcome. */
export function shape(message: string): string {
  return message.replace(/-?\d+/g, 'N').slice(0, 120);
}
