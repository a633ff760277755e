/**
 * The kill -9 loop, shared by test/faults/crash-loop.test.ts (CI-sized) and bench/crash-loop.ts
 * (long runs). No vitest in here: it reports, the caller asserts.
 *
 * One cycle: start the compiled CLI broker on the same data directory, check everything read
 * back against what was acknowledged so far, then run idempotent acks=all kafkajs producers and
 * a consumer reading by offset until a random moment, and kill -9 the broker. With `powerLoss`,
 * every segment file is then cut back to the length last recorded as synced (storage/sync-log.ts),
 * as a power cut would leave it.
 *
 * The checker, after each restart: every acknowledged record is there exactly once (no loss,
 * no duplicates), offsets are dense from 0, and what the consumer saw before the kill is still at
 * the offsets it saw it (a consumer never sees an offset go backwards). That last check is not
 * made after a power cut: a consumer may read a batch before its sync, as in Kafka.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { readSyncLog } from '../../storage/sync-log.js';
import { KafkajsFetcher } from '../helpers/kafkajs-fetch.js';

export type Policy = 'never' | 'interval' | 'always';

export interface CrashLoopOptions {
  dataDir: string;
  cycles: number;
  /** Flush policy of cycle i: policies[i % policies.length]. */
  policies: Policy[];
  partitions?: number;
  producers?: number;
  /** Each cycle runs for a random time in [min, max] ms before the kill. */
  runMs?: [number, number];
  segmentBytes?: number;
  powerLoss?: boolean;
  progress?: (line: string) => void;
}

export interface CrashLoopReport {
  cycles: number;
  kills: number;
  acknowledged: number;
  /** Records read back and compared, summed over every check. */
  recordsChecked: number;
  consumed: number;
  lostAcknowledged: number;
  duplicates: number;
  offsetProblems: number;
  consumerWentBackwards: number;
  powerCuts: number;
  bytesCut: number;
  problems: string[];
}

const TOPIC = 'crash-loop';

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopReport> {
  const partitions = options.partitions ?? 2;
  const report: CrashLoopReport = {
    cycles: 0, kills: 0, acknowledged: 0, recordsChecked: 0, consumed: 0, lostAcknowledged: 0, duplicates: 0,
    offsetProblems: 0, consumerWentBackwards: 0, powerCuts: 0, bytesCut: 0, problems: [],
  };
  const acked = new Set<string>();
  const seen: Map<number, string>[] = Array.from({ length: partitions }, () => new Map());
  const syncLog = path.join(options.dataDir, '..', `${path.basename(options.dataDir)}.synclog`);
  let durable = new Map<string, number>();
  const checked: Checked = { stored: new Map(), readTo: Array.from({ length: partitions }, () => 0), lost: new Set() };
  fs.mkdirSync(options.dataDir, { recursive: true });

  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const policy = options.policies[cycle % options.policies.length]!;
    fs.rmSync(syncLog, { force: true });
    const t0 = Date.now();
    const broker = await spawnBroker(options.dataDir, policy, options.segmentBytes ?? 256 * 1024, options.powerLoss ? syncLog : undefined);
    try {
      if (cycle === 0) await createTopic(broker.bootstrap, partitions);
      if (options.powerLoss) {
        checked.stored.clear();
        checked.readTo.fill(0);
      }
      const t1 = Date.now();
      await check(broker.bootstrap, partitions, acked, seen, report, checked, !options.powerLoss);
      const t2 = Date.now();
      const [min, max] = options.runMs ?? [600, 1500];
      const stats = await runTraffic(broker, cycle, partitions, options.producers ?? 3, acked, seen, report, min + Math.random() * (max - min));
      report.kills++;
      options.progress?.(`cycle ${cycle} (${policy}): ${stats.acked} acked, ${stats.consumed} consumed, ${acked.size} acked in all; ms: start ${t1 - t0}, check ${t2 - t1}, traffic ${Date.now() - t2}`);
    } finally {
      broker.child.kill('SIGKILL');
      await broker.exited;
    }
    if (options.powerLoss) {
      const synced = readSyncLog(syncLog);
      for (const [file, length] of synced) durable.set(file, Math.max(durable.get(file) ?? 0, length));
      report.bytesCut += cutToSynced(options.dataDir, durable);
      report.powerCuts++;
      durable = segmentSizes(options.dataDir); // after the cut, what is left is what the disk holds
    }
    report.cycles++;
  }
  // the last cycle's kill is checked by one more start
  const broker = await spawnBroker(options.dataDir, 'never', options.segmentBytes ?? 256 * 1024, undefined);
  try {
    // the final check reads everything from 0
    await check(broker.bootstrap, partitions, acked, seen, report, { stored: new Map(), readTo: checked.readTo.map(() => 0), lost: checked.lost }, !options.powerLoss);
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
  }
  report.acknowledged = acked.size;
  fs.rmSync(syncLog, { force: true });
  return report;
}

interface ChildBroker {
  child: ChildProcess;
  bootstrap: string;
  exited: Promise<void>;
}

function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root above ' + import.meta.dirname);
    dir = up;
  }
  return dir;
}

/** `port` 0 picks a free one; a fixed port lets clients of the previous run find the broker again. */
export async function spawnBroker(dataDir: string, policy: Policy, segmentBytes: number, syncLog: string | undefined, port = 0): Promise<ChildBroker> {
  const cli = path.join(repoRoot(), 'dist', 'src', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npx tsc -p tsconfig.json first`);
  const args = [cli, '--port', String(port), '--data-dir', dataDir, '--flush-policy', policy, '--flush-interval-ms', '50', '--segment-bytes', String(segmentBytes)];
  const env = { ...process.env, BROOKLET_TEST_SYNC_LOG: syncLog ?? '', BROOKLET_LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const match = /ready on (\S+)"/.exec(line) ?? /"bootstrap":"([^"]+)"/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`broker exited before it was ready: ${stderr.join('')}`)));
  });
  return { child, bootstrap, exited };
}

async function createTopic(bootstrap: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'crash-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: partitions }] });
  await admin.disconnect();
}

/**
 * What the checker knows: every value stored and where, and how far each partition was read.
 * After a kill -9 the page cache survives, so a check reads only from a little before where
 * the previous one ended (the overlap must read back the same); after a power cut, unacknowledged
 * data may vanish anywhere past the last sync, so everything is read again from 0.
 */
interface Checked {
  stored: Map<string, string>;
  readTo: number[];
  /** Acknowledged values found missing by any check (each counted once). */
  lost: Set<string>;
}

const OVERLAP = 100;

async function check(
  bootstrap: string, partitions: number, acked: Set<string>, seen: Map<number, string>[], report: CrashLoopReport,
  checked: Checked, checkSeen: boolean,
): Promise<void> {
  const fetcher = new KafkajsFetcher(bootstrap);
  await fetcher.connect(TOPIC);
  const problem = (text: string) => {
    if (report.problems.length < 20) report.problems.push(text);
  };
  try {
    for (let p = 0; p < partitions; p++) {
      const from = Math.max(0, checked.readTo[p]! - OVERLAP);
      const all = await fetcher.readAll(TOPIC, p, from);
      if (from + all.length < checked.readTo[p]!) problem(`partition ${p} ends at ${from + all.length}, was read to ${checked.readTo[p]}`);
      all.forEach((m, i) => {
        const offset = from + i;
        const value = m.value!.toString();
        const where = `${p}:${offset}`;
        if (Number(m.offset) !== offset) {
          report.offsetProblems++;
          problem(`partition ${p}: offset ${m.offset} where ${offset} was expected`);
        }
        const before = checked.stored.get(value);
        if (before !== undefined && before !== where) {
          report.duplicates++;
          problem(`${value} at ${where} and ${before}`);
        }
        if (offset < checked.readTo[p]! && before !== where) problem(`${where} changed since the last check`);
        checked.stored.set(value, where);
      });
      report.recordsChecked += all.length;
      checked.readTo[p] = from + all.length;
      if (!checkSeen) {
        seen[p]!.clear();
        continue;
      }
      for (const [offset, value] of seen[p]!) {
        if (checked.stored.get(value) !== `${p}:${offset}`) {
          report.consumerWentBackwards++;
          problem(`partition ${p} offset ${offset}: the consumer saw ${value}, now it is not there`);
        }
      }
    }
  } finally {
    await fetcher.disconnect();
  }
  for (const value of acked) {
    if (!checked.stored.has(value) && !checked.lost.has(value)) {
      checked.lost.add(value);
      problem(`acknowledged ${value} is missing`);
    }
  }
  report.lostAcknowledged = checked.lost.size;
}

async function runTraffic(
  broker: ChildBroker, cycle: number, partitions: number, producerCount: number, acked: Set<string>,
  seen: Map<number, string>[], report: CrashLoopReport, runMs: number,
): Promise<{ acked: number; consumed: number }> {
  const kafka = new Kafka({ clientId: `crash-${cycle}`, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 5000 });
  let stop = false;
  let ackedNow = 0;
  const producers: Producer[] = [];
  const produce = async (id: number): Promise<void> => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 } });
    producers.push(producer);
    await producer.connect();
    for (let seq = 0; !stop; seq++) {
      const partition = (id + seq) % partitions;
      const values = Array.from({ length: 1 + (seq % 7) }, (_, j) => `c${cycle}-p${id}-s${seq}-${j}`);
      await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ partition, value })) });
      if (stop) return; // answered by a broker already killed: impossible, but never counted
      for (const v of values) acked.add(v);
      ackedNow += values.length;
    }
  };
  let consumed = 0;
  const consume = async (): Promise<void> => {
    const fetcher = new KafkajsFetcher(broker.bootstrap);
    await fetcher.connect(TOPIC);
    const cursor = seen.map((m) => m.size);
    try {
      while (!stop) {
        for (let p = 0; p < partitions && !stop; p++) {
          const page = await fetcher.fetch(TOPIC, p, cursor[p]!, { maxWaitTime: 50 });
          for (const m of page.messages) {
            const offset = Number(m.offset);
            if (offset < cursor[p]!) continue; // the rest of a batch begun before the cursor
            if (offset !== cursor[p]) report.consumerWentBackwards++;
            seen[p]!.set(offset, m.value!.toString());
            cursor[p] = offset + 1;
            consumed++;
          }
        }
      }
    } finally {
      await fetcher.disconnect().catch(() => {});
    }
  };
  const tasks = [...Array.from({ length: producerCount }, (_, i) => produce(i)), consume()].map((t) => t.catch(() => {}));
  await new Promise((r) => setTimeout(r, runMs));
  broker.child.kill('SIGKILL');
  await broker.exited;
  stop = true;
  // kafkajs spends seconds retrying a dead broker; nothing can be acknowledged by it any more
  // (the next broker listens on another port), so stragglers are left to fail on their own.
  const settled = (work: Promise<unknown>) => Promise.race([work, new Promise((r) => setTimeout(r, 1000))]);
  await settled(Promise.all(tasks));
  void Promise.all(producers.map((p) => p.disconnect().catch(() => {})));
  report.consumed += consumed;
  return { acked: ackedNow, consumed };
}

function segmentFiles(dataDir: string): string[] {
  const files: string[] = [];
  for (const dir of fs.readdirSync(dataDir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(dataDir, dir.name))) {
      if (/^\d{20}\.(log|index|timeindex)$/.test(name)) files.push(path.join(dataDir, dir.name, name));
    }
  }
  return files;
}

function segmentSizes(dataDir: string): Map<string, number> {
  return new Map(segmentFiles(dataDir).map((f) => [f, fs.statSync(f).size]));
}

/** Shortens every segment file to its durable length (0 when never synced); returns bytes cut. */
export function cutToSynced(dataDir: string, durable: Map<string, number>): number {
  let cut = 0;
  for (const file of segmentFiles(dataDir)) {
    const size = fs.statSync(file).size;
    const keep = Math.min(size, durable.get(file) ?? 0);
    if (keep < size) {
      fs.truncateSync(file, keep);
      cut += size - keep;
    }
  }
  return cut;
}
