/**
 * Compaction benchmarks, Brooklet's storage alone in process (side by side with Kafka over the
 * network: bench/compaction-kafka.ts):
 *  1. cleaner throughput: a compacted partition of --mb MiB of keyed records (--segment-mb, 8 MiB, segments,
 *     500-byte values, --keys distinct keys, so most records are superseded) is cleaned in one
 *     forced clean; MB/s of dirty log cleaned, over --runs fresh logs: median and spread;
 *     While it cleans, the event loop's longest stall (monitorEventLoopDelay) bounds how long a
 *     produce or fetch can wait behind it, and appends to another partition run in the gaps:
 *     their MB/s beside the same appends with no clean running;
 *  2. startup after 1,000,000 offset commits: a data directory whose __consumer_offsets holds
 *     --commits offset-commit records (Kafka's record format, as the group coordinator writes
 *     them: 100 groups x 10 partitions, 100 MiB segments as Kafka's offsets.topic.segment.bytes)
 *     is opened by startBroker (which replays the topic) with and without the cleaner having
 *     compacted it first; median and spread over --runs starts each.
 * Writes bench/results/compaction.json and compaction.md (BENCHMARKS.md includes the .md).
 *
 *   npm run bench:compaction [-- --mb 64 --keys 20000 --segment-mb 8 --commits 1000000 --runs 5]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { encodeRecordBatch } from '../protocol/index.js';
import { startBroker } from '../src/index.js';
import { encodeOffsetKey, encodeOffsetValue } from '../src/coordinator/offset-records.js';
import { LogManager } from '../storage/log-manager.js';

const { values } = parseArgs({ options: {
  mb: { type: 'string', default: '64' }, keys: { type: 'string', default: '20000' }, 'segment-mb': { type: 'string', default: '8' },
  commits: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' },
} });
const MB = Number(values.mb);
const KEYS = Number(values.keys);
/** segment.bytes of the cleaned log: a clean writes one segment per group of up to this size. */
const SEGMENT_MB = Number(values['segment-mb']);
const COMMITS = Number(values.commits);
const RUNS = Number(values.runs);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

function stats(samples: number[]): { median: number; min: number; max: number; samples: number[] } {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { median: +median.toFixed(2), min: +sorted[0]!.toFixed(2), max: +sorted.at(-1)!.toFixed(2), samples: samples.map((s) => +s.toFixed(2)) };
}

interface CleanRun {
  mbps: number;
  /** Longest event-loop stall during the clean (ms). */
  maxStallMs: number;
  /**
   * Longest stall during the same appends with no clean running (ms): what the machine itself
   * costs (on a shared, loaded machine a runnable process waits for a core), the floor of the above.
   */
  idleStallMs: number;
  /** The clean's own longest synchronous step (ms, CleanStats.longestStepMs): the part of the stall that is the cleaner's. */
  longestStepMs: number;
  /** MB/s appended to another partition while the clean ran, and with none running. */
  appendDuringMBps: number;
  appendIdleMBps: number;
}

/** Appends 64 KiB batches to `log` between event-loop turns until `until` resolves; MB/s. */
async function appendAlongside(log: NonNullable<ReturnType<LogManager['partition']>>, until: Promise<unknown>): Promise<number> {
  const batch = encodeRecordBatch({ timestamp: Date.now(), records: Array.from({ length: 64 }, () => ({ key: null, value: Buffer.alloc(1000, 98) })) });
  let done = false;
  void until.then(() => (done = true));
  let bytes = 0;
  const started = process.hrtime.bigint();
  while (!done) {
    log.append(Buffer.from(batch));
    bytes += batch.length;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return bytes / (1 << 20) / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function cleanerThroughput(): Promise<CleanRun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-bench-clean-'));
  const m = LogManager.open({ dataDir, defaults: { segmentBytes: SEGMENT_MB << 20, retentionMs: -1 }, cleanerBackoffMs: 2 ** 31 - 1 });
  try {
    m.createTopic('compacted', 1, { 'cleanup.policy': 'compact' });
    m.createTopic('busy', 1, { 'segment.bytes': String(64 << 20) });
    const busy = m.partition('busy', 0)!;
    const log = m.partition('compacted', 0)!;
    const value = Buffer.alloc(500, 120);
    let written = 0;
    for (let i = 0; written < MB << 20; i += 10) {
      const batch = encodeRecordBatch({ timestamp: Date.now(), records: Array.from({ length: 10 }, (_, k) => ({ key: Buffer.from(`key-${(i + k) % KEYS}`), value })) });
      log.append(batch);
      written += batch.length;
    }
    log.roll();
    const dirty = log.segmentList.slice(0, -1).reduce((sum, s) => sum + s.size, 0);
    const stalls = monitorEventLoopDelay({ resolution: 1 });
    stalls.enable();
    const started = process.hrtime.bigint();
    const cleaning = m.cleanNow(log, Date.now(), true);
    const appendDuringMBps = await appendAlongside(busy, cleaning);
    const result = await cleaning;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    stalls.disable();
    if (result === null) throw new Error('the clean did not run');
    const idle = new Promise((resolve) => setTimeout(resolve, Math.min(3000, seconds * 1000)));
    const idleStalls = monitorEventLoopDelay({ resolution: 1 });
    idleStalls.enable();
    const appendIdleMBps = await appendAlongside(busy, idle);
    idleStalls.disable();
    return { mbps: dirty / (1 << 20) / seconds, maxStallMs: stalls.max / 1e6, idleStallMs: idleStalls.max / 1e6, longestStepMs: result.stats.longestStepMs, appendDuringMBps, appendIdleMBps };
  } finally {
    m.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A data dir with COMMITS offset commits in __consumer_offsets; compacted when asked. */
async function offsetsDataDir(compact: boolean): Promise<{ dir: string; bytes: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-bench-offsets-'));
  const m = LogManager.open({ dataDir, cleanerBackoffMs: 2 ** 31 - 1 });
  m.createTopic('__consumer_offsets', 1, { 'cleanup.policy': 'compact', 'segment.bytes': String(100 << 20) });
  m.createTopic('work', 10);
  const log = m.partition('__consumer_offsets', 0)!;
  const now = Date.now();
  for (let i = 0; i < COMMITS; i += 10) {
    const group = `group-${(i / 10) % 100}`;
    log.append(encodeRecordBatch({ timestamp: now, records: Array.from({ length: 10 }, (_, p) => ({
      key: encodeOffsetKey(group, 'work', p),
      value: encodeOffsetValue({ offset: i + p, leaderEpoch: -1, metadata: '', commitTimestamp: now, expireTimestamp: null }),
    })) }));
  }
  log.roll();
  if (compact) await m.cleanNow(log, Date.now(), true);
  const bytes = log.segmentList.reduce((sum, s) => sum + s.size, 0);
  m.close();
  return { dir: dataDir, bytes };
}

async function startupMs(dataDir: string): Promise<number> {
  const started = process.hrtime.bigint();
  const broker = await startBroker({ port: 0, dataDir, logLevel: 'silent', http: false, schemaRegistry: false });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await broker.close();
  return ms;
}

const runs: CleanRun[] = [];
for (let run = 0; run < RUNS; run++) {
  runs.push(await cleanerThroughput());
  console.error(`cleaner run ${run + 1}: ${JSON.stringify(runs.at(-1))}`);
}
const cleaner = runs.map((r) => r.mbps);
const startup: Record<string, { bytes: number; ms: ReturnType<typeof stats> }> = {};
for (const compact of [false, true]) {
  const { dir, bytes } = await offsetsDataDir(compact);
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) samples.push(await startupMs(dir));
  startup[compact ? 'compacted' : 'uncompacted'] = { bytes, ms: stats(samples) };
  console.error(`startup ${compact ? 'compacted' : 'uncompacted'}: ${JSON.stringify(startup[compact ? 'compacted' : 'uncompacted'])}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

const command = `npm run bench:compaction -- --mb ${MB} --keys ${KEYS} --segment-mb ${SEGMENT_MB} --commits ${COMMITS} --runs ${RUNS}`;
const result = {
  command, date: new Date().toISOString(), cpus: os.cpus().length, cleanerMBps: stats(cleaner),
  maxStallMs: stats(runs.map((r) => r.maxStallMs)), idleStallMs: stats(runs.map((r) => r.idleStallMs)), longestStepMs: stats(runs.map((r) => r.longestStepMs)), appendDuringCleanMBps: stats(runs.map((r) => r.appendDuringMBps)),
  appendIdleMBps: stats(runs.map((r) => r.appendIdleMBps)), startup,
};
fs.mkdirSync(path.join(repoRoot, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(repoRoot, 'bench', 'results', 'compaction.json'), JSON.stringify(result, null, 2) + '\n');
const u = startup.uncompacted!;
const c = startup.compacted!;
fs.writeFileSync(path.join(repoRoot, 'bench', 'results', 'compaction.md'), [
  `Run: \`${command}\`, ${result.date}, ${result.cpus} CPUs. Raw results: \`bench/results/compaction.json\`.`,
  '',
  '| Measure | Median | Spread (min-max) |',
  '|---|---|---|',
  `| Cleaner throughput, ${MB} MiB of dirty log, ${KEYS} keys (MB/s cleaned) | ${result.cleanerMBps.median} | ${result.cleanerMBps.min}-${result.cleanerMBps.max} |`,
  `| Longest event-loop stall while cleaning (ms): what a produce or fetch can wait behind the cleaner | ${result.maxStallMs.median} | ${result.maxStallMs.min}-${result.maxStallMs.max} |`,
  `| Longest event-loop stall with no clean running, same appends (ms): the machine's own floor | ${result.idleStallMs.median} | ${result.idleStallMs.min}-${result.idleStallMs.max} |`,
  `| The clean's own longest synchronous step (ms): the cleaner's part of the stall | ${result.longestStepMs.median} | ${result.longestStepMs.min}-${result.longestStepMs.max} |`,
  `| Appends to another partition while the cleaner runs (MB/s) | ${result.appendDuringCleanMBps.median} | ${result.appendDuringCleanMBps.min}-${result.appendDuringCleanMBps.max} |`,
  `| The same appends with no clean running (MB/s) | ${result.appendIdleMBps.median} | ${result.appendIdleMBps.min}-${result.appendIdleMBps.max} |`,
  `| Startup, ${COMMITS.toLocaleString('en')} offset commits, not compacted (${(u.bytes / 2 ** 20).toFixed(1)} MiB) (ms) | ${u.ms.median} | ${u.ms.min}-${u.ms.max} |`,
  `| Startup, the same after compaction (${(c.bytes / 2 ** 20).toFixed(2)} MiB) (ms) | ${c.ms.median} | ${c.ms.min}-${c.ms.max} |`,
  '',
  'The appends run in-process between event-loop turns (no sockets), so they show what the cleaner takes',
  'from the one thread produce and fetch share. The same side by side with Kafka, and produce and fetch',
  'over the network while a clean runs: bench/compaction-kafka.ts, below.',
  '',
].join('\n'));
console.log(JSON.stringify(result));
