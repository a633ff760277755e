/**
 * Fuzzes a live broker (a child process) over real sockets with mutants of every API key and
 * version it advertises, seeded with real client requests and sample-value requests: after every
 * batch it still answers ApiVersions, never exits, and logs no unexpected exception.
 */
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { startChildBroker } from './child-broker.js';
import { fuzzLiveBroker, unexpectedErrors } from './live.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 15);

afterAll(() => writeFigures(import.meta.url));

describe('live broker fuzz', () => {
  it(`keeps answering through ${SECONDS}s of mutated requests over sockets`, async () => {
    const broker = await startChildBroker();
    onTestFinished(() => broker.stop());
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const stats = await fuzzLiveBroker(broker, SECONDS * 1000, seed);
    console.log(`live fuzz (seed ${seed}): ${stats.executions} requests, corpus ${stats.seeds} seeds -> ${stats.corpusSize}, ` +
      `answered ${stats.answered}, closed ${stats.closedByBroker}, held ${stats.heldOpen}, ${stats.probes} ApiVersions probes`);
    const unexpected = unexpectedErrors(broker.errors);
    if (broker.errors.length > 0) console.log(`broker error lines (first 5 of ${broker.errors.length}):\n${broker.errors.slice(0, 5).join('\n')}`);
    expect(broker.exitCode).toBeUndefined();
    expect(unexpected).toEqual([]);
    expect(stats.executions).toBeGreaterThan(1000);
    expect(stats.answered).toBeGreaterThan(0);
    expect(stats.closedByBroker).toBeGreaterThan(0);
    recordFigure(HOSTILE, 'Live fuzz over sockets against a child-process broker, every API key and version it advertises (from its own ApiVersions), ApiVersions probe after every 200 requests', {
      figure: `${fmt(stats.executions)} requests in ${SECONDS} s (${fmt(stats.answered)} answered, ${fmt(stats.closedByBroker)} closed, `
        + `${fmt(stats.heldOpen)} held by long polls), ${fmt(stats.probes)} probes all answered, broker never exited, no unexpected exception`,
      command: `FUZZ_SECONDS=${SECONDS} FUZZ_SEED=${seed} npx vitest run test/fuzz/live-broker.test.ts`,
      seconds: SECONDS, seed, requests: stats.executions, answered: stats.answered, closed: stats.closedByBroker, held: stats.heldOpen,
      probes: stats.probes, corpus: stats.corpusSize,
    });
  });
});
