/**
 * kill -9 loop (CI size: 21 cycles, ~1.5 minutes): a child-process broker killed at random
 * moments under concurrent idempotent acks=all producers and a consumer, every flush policy in
 * turn. After each restart nothing acknowledged is lost, nothing is duplicated, offsets are dense
 * and no offset a consumer saw has moved. Longer runs: `node dist/bench/crash-loop.js`.
 * Needs the compiled CLI: `npx tsc -p tsconfig.json`.
 */
import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/broker.js';
import { runCrashLoop } from './crash-harness.js';
import { killLoopFigure, numbersOf } from '../reliability/crash-figures.js';
import { DURABILITY, recordFigure, writeFigures } from '../reliability/record.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  writeFigures(import.meta.url);
});

it('survives 21 kill -9 cycles with no acknowledged record lost, duplicated or moved', async () => {
  const dataDir = tempDataDir('brooklet-crash-');
  dirs.push(dataDir);
  const started = Date.now();
  const report = await runCrashLoop({
    dataDir,
    cycles: 21,
    policies: ['never', 'interval', 'always'],
    partitions: 2,
    producers: 3,
    runMs: [300, 900],
    segmentBytes: 64 * 1024,
    progress: process.env.CRASH_LOOP_VERBOSE ? (line) => console.log(line) : undefined,
  });
  console.log(`kill -9 loop: ${JSON.stringify({ ...report, problems: report.problems.length })}`);
  expect(report.problems).toEqual([]);
  expect(report.kills).toBe(21);
  expect(report.lostAcknowledged).toBe(0);
  expect(report.duplicates).toBe(0);
  expect(report.offsetProblems).toBe(0);
  expect(report.consumerWentBackwards).toBe(0);
  expect(report.acknowledged).toBeGreaterThan(2000);
  expect(report.consumed).toBeGreaterThan(1000);
  const seconds = Math.round((Date.now() - started) / 1000);
  recordFigure(DURABILITY, 'kill -9 loop, CI size: a child broker killed at a random moment (0.3-0.9 s into each cycle) under 3 idempotent acks=all kafkajs producers and an offset-reading consumer on 2 partitions, 64 KiB segments, policies never / interval / always in turn', {
    figure: killLoopFigure(report, seconds), command: 'npx vitest run test/faults/crash-loop.test.ts', ...numbersOf(report), seconds,
  });
}, 240_000);
