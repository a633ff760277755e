/**
 * Simulated power loss: the child broker records every successful sync (BROOKLET_TEST_SYNC_LOG,
 * storage/sync-log.ts); after each kill -9 every segment file is cut back to the length it had
 * when last synced (0 if never), which is what a power cut leaves of data that was only in the
 * page cache. Under `always` no acknowledged record may be lost. The same run under `never`
 * must lose acknowledged records: proof that the cut really removes what was not synced.
 */
import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/broker.js';
import { runCrashLoop } from './crash-harness.js';
import { numbersOf, powerCutFigure } from '../reliability/crash-figures.js';
import { DURABILITY, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const COMMAND = 'npx vitest run test/faults/power-loss.test.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  writeFigures(import.meta.url);
});

function dataDir(): string {
  const d = tempDataDir('brooklet-power-');
  dirs.push(d);
  return d;
}

it('always: 5 power cuts under concurrent acks=all producers lose no acknowledged record', async () => {
  const started = Date.now();
  const report = await runCrashLoop({ dataDir: dataDir(), cycles: 5, policies: ['always'], powerLoss: true, runMs: [500, 1200], segmentBytes: 64 * 1024 });
  console.log(`power loss (always): ${JSON.stringify({ ...report, problems: report.problems.length })}`);
  expect(report.problems).toEqual([]);
  expect(report.powerCuts).toBe(5);
  expect(report.lostAcknowledged).toBe(0);
  expect(report.duplicates).toBe(0);
  expect(report.offsetProblems).toBe(0);
  expect(report.acknowledged).toBeGreaterThan(500);
  const seconds = Math.round((Date.now() - started) / 1000);
  recordFigure(DURABILITY, 'Power loss, simulated, CI size: policy `always`, 2 partitions, 64 KiB segments; each kill -9 followed by the cut', {
    figure: powerCutFigure(report, seconds), command: COMMAND, ...numbersOf(report), seconds,
  });
}, 120_000);

it('never: the same cut loses acknowledged records (the simulation has teeth)', async () => {
  const report = await runCrashLoop({ dataDir: dataDir(), cycles: 2, policies: ['never'], powerLoss: true, runMs: [800, 1200], segmentBytes: 1024 * 1024 });
  console.log(`power loss (never): ${JSON.stringify({ ...report, problems: report.problems.length })}`);
  expect(report.bytesCut).toBeGreaterThan(0);
  expect(report.lostAcknowledged).toBeGreaterThan(0);
  expect(report.duplicates).toBe(0);
  expect(report.offsetProblems).toBe(0);
  recordFigure(DURABILITY, 'The same power cut under `never` (control: the simulation must be able to fail)', {
    figure: `${fmt(report.powerCuts)} cuts: ${fmt(report.bytesCut)} bytes cut, ${fmt(report.lostAcknowledged)} of ${fmt(report.acknowledged)} `
      + `acknowledged records lost, as \`never\` promises; ${fmt(report.duplicates)} duplicated, ${fmt(report.offsetProblems)} offsets out of place`,
    command: COMMAND, ...numbersOf(report),
  });
}, 120_000);
