/**
 * Read-path benchmark: the first tables of the reference read-path benchmarks, reproduced
 * through Brooklet's storage API (PartitionLog.read, no network).
 *
 *  1. a 10 MB segment of 100-byte records read whole in 1 MB max_bytes steps, sealed (served
 *     as slices of its read-only mapping) and active (slices of the active segment's mapping of
 *     the growing file; the reference's active case uses file I/O);
 *  2. the sealed segment read whole with max_bytes 1 KB, 10 KB, 100 KB, 1 MB and 10 MB;
 *  3. the remaining reference tables (read-path-extra.ts): segment size 1/10/100 MB, cold vs warm
 *     page cache, concurrent readers on 1/2/4/8 worker threads, random vs sequential offsets.
 *
 * Each record is its own v2 batch (61-byte header + a record with a 100-byte value), the
 * finest granularity a Kafka log has.
 *
 * Each case of tables 1 and 2 runs in a fresh Node process (`--case NAME`) that fills its own
 * segment: V8's optimized code for one case must not carry over into the next (see
 * runCaseInChild).
 *
 * Two measurements per case, because a zero-copy read costs the same whatever its size:
 *  - "read + copy": every returned chunk is copied once into a reused 10 MB buffer, as a
 *    socket write copies it into the kernel. The headline figure, comparable with a read
 *    that delivers bytes;
 *  - "read only": the storage call alone (slices handed over, nothing touched).
 * Throughput = bytes returned per pass / time of the pass over the whole segment; median with
 * p25-p75 and min-max over tinybench's samples. Results: bench/results/read-path.json and a
 * markdown table on stdout.
 *
 * Run: npm run build && npm run bench:read   (add -- --quick for shorter extra tables)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { LogManager, type PartitionLog } from '../storage/log-manager.js';
import { fill as fillSegment, GIB, MIB, readAll as readPass, recordBatch, VALUE_BYTES } from './read-path-data.js';
import { extraTables } from './read-path-extra.js';

const SEGMENT_BYTES = 10 * 1024 * 1024;
const REFERENCE = {
  sealed_1mb: { gibps: 3.9, text: '3.9 GiB/s' },
  active_1mb: { gibps: 990 / 1024, text: '990 MiB/s' },
  sealed_maxbytes: { 1024: '2.5 GiB/s', 10240: '3.2 GiB/s', 102400: '3.7 GiB/s', 1048576: '3.9 GiB/s', 10485760: '3.9 GiB/s' } as Record<number, string>,
};

const sink = Buffer.allocUnsafe(SEGMENT_BYTES + MIB).fill(0);

/** Reads [0, end) in max_bytes steps, as a consumer would; returns bytes read. */
function readAll(log: PartitionLog, end: number, maxBytes: number, copyOut: boolean): number {
  return readPass(log, end, maxBytes, copyOut ? sink : undefined);
}

const fill = (log: PartitionLog) => fillSegment(log, SEGMENT_BYTES);

interface Measured {
  passMs: number[];
}

async function measure(name: string, pass: () => void): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  const bench = new Bench({ time: 1500, warmupTime: 300, retainSamples: true });
  bench.add(name, pass);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`${name}: ${result.state}`);
  return { passMs: [...(result.latency.samples ?? [])].sort((a, b) => a - b) };
}

function percentile(sorted: number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low);
}

interface Row {
  name: string;
  segment: 'sealed' | 'active';
  maxBytes: number;
  bytesPerPass: number;
  fetchesPerPass: number;
  samples: number;
  /** read + copy (headline) */
  medianGiBps: number;
  p25GiBps: number;
  p75GiBps: number;
  minGiBps: number;
  maxGiBps: number;
  medianPassMs: number;
  medianFetchUs: number;
  /** read only: the storage call, slices handed over untouched */
  readOnlyMedianGiBps: number;
  readOnlyMedianFetchUs: number;
  reference?: string;
}

function formatRate(gibps: number): string {
  return gibps >= 1 ? `${gibps.toFixed(2)} GiB/s` : `${((gibps * GIB) / MIB).toFixed(0)} MiB/s`;
}

interface CaseDefinition {
  name: string;
  segment: 'sealed' | 'active';
  maxBytes: number;
  reference?: string;
}

const CASES: CaseDefinition[] = [
  { name: 'sealed_10mb_1mb_chunks', segment: 'sealed', maxBytes: MIB, reference: REFERENCE.sealed_1mb.text },
  { name: 'active_10mb_1mb_chunks', segment: 'active', maxBytes: MIB, reference: REFERENCE.active_1mb.text },
  ...[1024, 10240, 102400, 1048576, 10485760].map((maxBytes) => ({
    name: `sealed_max_bytes_${maxBytes}`, segment: 'sealed' as const, maxBytes, reference: REFERENCE.sealed_maxbytes[maxBytes],
  })),
];

type OpenLog = (topic: string, configs?: Record<string, string>) => PartitionLog;

/** Fills the segment a case reads (sealed by a roll, or left active), then times it both ways. */
async function measureCase(c: CaseDefinition, openLog: OpenLog): Promise<Row> {
  const log = c.segment === 'sealed' ? openLog('sealed', { 'segment.bytes': String(SEGMENT_BYTES) }) : openLog('active');
  const end = fill(log);
  if (c.segment === 'sealed') log.append(recordBatch(0, Date.now())); // rolls: the 10 MB segment is sealed and mapped
  if (c.segment === 'sealed' ? !log.segmentList[0]!.isMapped : log.segmentList.length !== 1) {
    throw new Error(`benchmark setup: expected one ${c.segment} segment`);
  }
  const bytesPerPass = readAll(log, end, c.maxBytes, false);
  let fetches = 0;
  for (let o = 0; o < end; fetches++) o = log.read(o, c.maxBytes, true).nextOffset;
  const copy = (await measure(c.name, () => readAll(log, end, c.maxBytes, true))).passMs;
  const readOnly = (await measure(c.name, () => readAll(log, end, c.maxBytes, false))).passMs;
  const rate = (ms: number) => bytesPerPass / (ms / 1000) / GIB;
  return {
    name: c.name, segment: c.segment, maxBytes: c.maxBytes, bytesPerPass, fetchesPerPass: fetches, samples: copy.length,
    medianGiBps: rate(percentile(copy, 0.5)), p25GiBps: rate(percentile(copy, 0.75)), p75GiBps: rate(percentile(copy, 0.25)),
    minGiBps: rate(copy.at(-1)!), maxGiBps: rate(copy[0]!), medianPassMs: percentile(copy, 0.5),
    medianFetchUs: (percentile(copy, 0.5) * 1000) / fetches,
    readOnlyMedianGiBps: rate(percentile(readOnly, 0.5)), readOnlyMedianFetchUs: (percentile(readOnly, 0.5) * 1000) / fetches,
    reference: c.reference,
  };
}

/**
 * Runs one case in a fresh Node process, as JMH forks a JVM per benchmark, so that no case
 * inherits optimized code, type feedback or heap state from the cases before it. (Suspected of
 * slowing the 1 KB row when all cases shared one process; on this VM the run-to-run noise turned
 * out as large, so the isolation is for method, not a measured gain.)
 */
function runCaseInChild(name: string): Row {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--case', name], { encoding: 'utf8', timeout: 120_000 });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) throw new Error(`read-path case ${name} failed (${child.status ?? child.signal}): ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(last) as Row;
}

async function main(): Promise<void> {
  const dataDirs: string[] = [];
  const managers: LogManager[] = [];
  const openLog = (topic: string, configs: Record<string, string> = {}): PartitionLog => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-bench-read-'));
    dataDirs.push(dataDir);
    const manager = LogManager.open({ dataDir });
    managers.push(manager);
    manager.createTopic(topic, 1, configs);
    return manager.partition(topic, 0)!;
  };
  try {
    const only = process.argv.indexOf('--case');
    if (only >= 0) {
      // Child: one case, in a process of its own; the row goes to stdout as the last line.
      const def = CASES.find((c) => c.name === process.argv[only + 1]);
      if (def === undefined) throw new Error(`unknown case ${process.argv[only + 1]}`);
      console.log(JSON.stringify(await measureCase(def, openLog)));
      return;
    }
    const rows: Row[] = CASES.map((def) => runCaseInChild(def.name));

    const quick = process.argv.includes('--quick');
    const openExtra = (topic: string, configs: Record<string, string> = {}) => {
      const log = openLog(topic, configs);
      return { log, manager: managers.at(-1)!, dataDir: dataDirs.at(-1)! };
    };
    const extra = await extraTables(openExtra, quick);

    const machine = {
      cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / GIB),
      node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverage1m: os.loadavg()[0],
    };
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const out = path.join(root, 'bench', 'results', 'read-path.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, recordValueBytes: VALUE_BYTES, rows, extra: extra.rows, extraNotes: extra.notes }, null, 2) + '\n');

    console.log(`Read path on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage1m.toFixed(2)}\n`);
    console.log('| benchmark | max_bytes | read + copy, median | p25-p75 | min-max | per fetch | read only, median | per fetch | reference |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${r.maxBytes} | ${formatRate(r.medianGiBps)} | ${formatRate(r.p25GiBps)} - ${formatRate(r.p75GiBps)} | ` +
          `${formatRate(r.minGiBps)} - ${formatRate(r.maxGiBps)} | ${r.medianFetchUs.toFixed(2)} µs | ` +
          `${formatRate(r.readOnlyMedianGiBps)} | ${r.readOnlyMedianFetchUs.toFixed(2)} µs | ${r.reference ?? ''} |`,
      );
    }
    for (const e of extra.rows) console.log(`| ${e.table}: ${e.case} | ${formatRate(e.medianGiBps)} | ${formatRate(e.p25GiBps)} - ${formatRate(e.p75GiBps)} | ${e.reference ?? ''} |`);
    console.log(`\nresults: ${path.relative(process.cwd(), out)}`);
  } finally {
    for (const manager of managers) {
      try {
        manager.close(); // some were closed already by the cold-cache and concurrent tables
      } catch {
        // already closed
      }
    }
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
