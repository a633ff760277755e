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
  console.log(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 1000) }));
  if (report.problems.length + report.lostAcknowledged + report.duplicates + report.offsetProblems + report.consumerWentBackwards > 0) {
    process.exitCode = 1;
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
