/**
 * One run of the cleaner measurements on one broker (bench/compaction-kafka.ts drives both):
 *
 *  - Dirty log: a topic created with cleanup.policy=delete (so no cleaner touches it yet),
 *    segment.bytes, min.cleanable.dirty.ratio=0.5, retention.ms=-1, filled over the network with
 *    the same keyed batches on both brokers (lib/raw-requests.ts produceKeyed). The dirty bytes
 *    are the sealed segment files on disk.
 *  - Clean: IncrementalAlterConfigs sets cleanup.policy=compact; the clock starts when the broker
 *    has answered it and stops when the broker's cleaner-offset-checkpoint reaches the active
 *    segment's base offset (lib/cleaner-watch.ts: both rewrite that file when a clean ends).
 *    That includes up to one cleaner backoff (50 ms on both) and a 10 ms poll. Kafka's own
 *    account of the same clean (its LogCleaner stats line) is kept beside it.
 *  - Load: the network client (compaction-load-raw.ts) producing and fetching on other topics,
 *    once with no clean (idle) and once while a second, larger dirty topic (--load-mb) is cleaned;
 *    its throughput is taken over exactly the window the clean ran.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanedUpTo, kafkaCleanerStats, segmentFiles, waitCleaned } from './cleaner-watch.js';
import { repoRoot } from './paths.js';
import { pinned } from './pinning.js';
import { alterTopic, createTopic, produceKeyed } from './raw-requests.js';
import type { Restartable } from './restartable.js';

export interface CleanSettings {
  mib: number;
  /** MiB of the dirty log cleaned under load: larger, so the clean lasts long enough to measure the load beside it. */
  loadMib: number;
  keys: number;
  segmentBytes: number;
  /** Seconds of idle load (no clean running). */
  idleSeconds: number;
}

export interface CleanRun {
  dirtyMiB: number;
  loadDirtyMiB: number;
  /** MiB/s of dirty log cleaned, no other load. */
  cleanMiBps: number;
  /** What Kafka's LogCleaner logged for that clean (MiB/s, its own clock); NaN on Brooklet. */
  kafkaReportedMiBps: number;
  /** MiB/s cleaned while the network load ran. */
  cleanUnderLoadMiBps: number;
  cleanUnderLoadSeconds: number;
  produceIdleMiBps: number;
  produceDuringCleanMiBps: number;
  fetchIdleMiBps: number;
  fetchDuringCleanMiBps: number;
}

const MIB = 2 ** 20;
const now = () => performance.timeOrigin + performance.now();

/**
 * Topics every run on this broker shares (the fetch load reads `load-read`, 16 MiB, never
 * compacted), and an untimed clean and 3 s of the network load, so neither broker's first timed
 * run pays for its JIT warm-up (Kafka's first clean and first seconds of load ran at a fraction of
 * their later speed).
 */
export async function prepare(b: Restartable, s: CleanSettings): Promise<void> {
  await createTopic(b.bootstrap, 'load-read', 1, { 'retention.ms': '-1' });
  await createTopic(b.bootstrap, 'load-write', 1, { 'retention.ms': '-1' });
  await produceKeyed(b.bootstrap, 'load-read', 16, 1_000_000, 1000);
  const warm = await dirtyTopic(b, 'warm-up', s, s.mib);
  await clean(b, 'warm-up', warm.activeBase);
  const load = await startLoad(b);
  await new Promise((r) => setTimeout(r, 3000));
  await load.stop();
}

async function dirtyTopic(b: Restartable, topic: string, s: CleanSettings, mib: number): Promise<{ bytes: number; activeBase: number }> {
  await createTopic(b.bootstrap, topic, 1, { 'cleanup.policy': 'delete', 'segment.bytes': String(s.segmentBytes),
    'min.cleanable.dirty.ratio': '0.5', 'retention.ms': '-1' });
  await produceKeyed(b.bootstrap, topic, mib, s.keys);
  const files = segmentFiles(b.partitionDir(topic, 0));
  if (files.sealedCount === 0) throw new Error(`${topic} on ${b.name}: no sealed segment to clean (raise --mb or lower --segment-mb)`);
  return { bytes: files.sealedBytes, activeBase: files.activeBase };
}

/** Triggers the clean of `topic` and resolves with its seconds. */
async function clean(b: Restartable, topic: string, activeBase: number): Promise<{ seconds: number; started: number; ended: number }> {
  if (cleanedUpTo(b.cleanerCheckpoint, topic, 0) >= activeBase) throw new Error(`${topic} on ${b.name} is already clean`);
  await alterTopic(b.bootstrap, topic, { 'cleanup.policy': 'compact' });
  const started = now();
  await waitCleaned(b.cleanerCheckpoint, topic, 0, activeBase, 600_000);
  const ended = now();
  return { seconds: (ended - started) / 1000, started, ended };
}

type Timeline = Array<[number, number, number]>;

interface LoadClient {
  stop(): Promise<Timeline>;
}

async function startLoad(b: Restartable): Promise<LoadClient> {
  const [cmd, argv] = pinned('client', process.execPath, [path.join(repoRoot, 'dist', 'bench', 'compaction-load-raw.js'),
    '--bootstrap', b.bootstrap, '--produce-topic', 'load-write', '--fetch-topic', 'load-read']);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  while (!out.includes('ready\n')) {
    if (child.exitCode !== null) throw new Error(`load client exited ${child.exitCode}: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await closed;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) throw new Error(`load client exited ${code}: ${err.slice(-1000)}`);
      return (JSON.parse(line) as { timeline: Timeline }).timeline;
    },
  };
}

/** Produce and fetch MiB/s over [from, to], from the samples just outside that window. */
function windowRates(timeline: Timeline, from: number, to: number): { produce: number; fetch: number } {
  const before = [...timeline].reverse().find(([t]) => t <= from) ?? timeline[0]!;
  const after = timeline.find(([t]) => t >= to) ?? timeline.at(-1)!;
  const seconds = (after[0] - before[0]) / 1000;
  return { produce: (after[1] - before[1]) / MIB / seconds, fetch: (after[2] - before[2]) / MIB / seconds };
}

export async function cleanRun(b: Restartable, run: number, s: CleanSettings): Promise<CleanRun> {
  // 1. The cleaner alone.
  const quiet = await dirtyTopic(b, `dirty-${run}`, s, s.mib);
  const logFrom = fs.readFileSync(b.logFile, 'utf8').length;
  const alone = await clean(b, `dirty-${run}`, quiet.activeBase);
  await new Promise((r) => setTimeout(r, b.name === 'kafka' ? 500 : 0)); // Kafka logs its stats after the checkpoint
  const reported = kafkaCleanerStats(b.logFile, logFrom);
  const kafkaReportedMiBps = reported.length ? reported.reduce((a, r) => a + r.mb, 0) / reported.reduce((a, r) => a + r.mb / r.mbps, 0) : NaN;

  // 2. The network load with no clean, then the same load while a clean runs.
  const loaded = await dirtyTopic(b, `dirty-load-${run}`, s, s.loadMib);
  const idle = await startLoad(b);
  await new Promise((r) => setTimeout(r, s.idleSeconds * 1000 + 500));
  const idleTimeline = await idle.stop();
  const idleRates = windowRates(idleTimeline, idleTimeline[0]![0] + 500, idleTimeline.at(-1)![0]);
  const busy = await startLoad(b);
  await new Promise((r) => setTimeout(r, 500));
  const during = await clean(b, `dirty-load-${run}`, loaded.activeBase);
  const busyRates = windowRates(await busy.stop(), during.started, during.ended);
  return {
    dirtyMiB: quiet.bytes / MIB, loadDirtyMiB: loaded.bytes / MIB, cleanMiBps: quiet.bytes / MIB / alone.seconds, kafkaReportedMiBps,
    cleanUnderLoadMiBps: loaded.bytes / MIB / during.seconds, cleanUnderLoadSeconds: during.seconds,
    produceIdleMiBps: idleRates.produce, produceDuringCleanMiBps: busyRates.produce,
    fetchIdleMiBps: idleRates.fetch, fetchDuringCleanMiBps: busyRates.fetch,
  };
}
