/**
 * The long kill -9 loop (test/faults/crash-loop.test.ts runs 21 cycles in CI), and with
 * --power-loss the simulated power cut under the `always` policy.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/crash-loop.js [--cycles 200] [--policies never,interval,always]
 *   node dist/bench/crash-loop.js --power-loss --cycles 50 --policies always
 *
 * Prints one JSON line with the figures RELIABILITY.md quotes; exits 1 on any lost,
 * duplicated or moved record.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCrashLoop, type Policy } from '../test/faults/crash-harness.js';
import { killLoopFigure, numbersOf, powerCutFigure } from '../test/reliability/crash-figures.js';
import { DURABILITY, recordFigure, writeFigures } from '../test/reliability/record.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '200' },
    policies: { type: 'string', default: 'never,interval,always' },
    'power-loss': { type: 'boolean', default: false },
    producers: { type: 'string', default: '4' },
    partitions: { type: 'string', default: '3' },
    quiet: { type: 'boolean', default: false },
  },
});
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-crash-bench-'));
const started = Date.now();
try {
  const report = await runCrashLoop({
    dataDir,
    cycles: Number(values.cycles),
    policies: values.policies!.split(',') as Policy[],
    partitions: Number(values.partitions),
    producers: Number(values.producers),
    runMs: [300, 2500],
    segmentBytes: 256 * 1024,
    powerLoss: values['power-loss'],
    progress: values.quiet ? undefined : (line) => console.error(line),
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(JSON.stringify({ ...report, seconds }));
  if (report.problems.length + report.lostAcknowledged + report.duplicates + report.offsetProblems + report.consumerWentBackwards > 0) {
    process.exitCode = 1;
  } else {
    // the command as run, so the row reproduces this run's shape
    const command = `node dist/bench/crash-loop.js ${process.argv.slice(2).filter((a) => a !== '--quiet').join(' ')}`.trim();
    const shape = `${values.producers} producers, ${values.partitions} partitions, 256 KiB segments, 0.3-2.5 s per cycle, policies ${values.policies!.split(',').join(' / ')}`;
    if (values['power-loss']) {
      recordFigure(DURABILITY, `Power loss, simulated, long run: ${shape}`, { figure: powerCutFigure(report, seconds), command, ...numbersOf(report), seconds });
    } else {
      recordFigure(DURABILITY, `kill -9 loop, long run: ${shape}`, { figure: killLoopFigure(report, seconds), command, ...numbersOf(report), seconds });
    }
    writeFigures(import.meta.url, values['power-loss'] ? 'power-loss' : undefined);
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
