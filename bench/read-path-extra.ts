/**
 * The remaining tables of the reference read-path benchmarks, through PartitionLog.read (read +
 * copy, as the headline figures of read-path.ts):
 *  5. segment size 1 / 10 / 100 MB, sealed (mmap) and active (its mapping of the growing file);
 *  6. cold vs warm page cache for a sealed 10 MB segment. Cold: before every pass the log is
 *     closed (unmapped), the .log file fsync'd and evicted with posix_fadvise(POSIX_FADV_DONTNEED)
 *     through `python3 -c 'os.posix_fadvise(...)'`, `fincore` confirms no page is resident, and
 *     the log is reopened; only the read pass is timed;
 *  7. concurrent readers, 1 / 2 / 4 / 8 of them, each reading the whole sealed segment in 1 MB
 *     fetches through its own LogManager over a hard-linked copy of the directory (same inodes,
 *     so the readers share one page cache, as the reference's threads share one mmap). Readers
 *     are forked processes, not worker_threads: mmap-io is not context-aware and cannot load in
 *     a worker thread;
 *  8. random vs sequential offsets: the same number of 10 KB fetches, continuing where the last
 *     one ended or at random offsets across the segment.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { LogManager, type PartitionLog } from '../storage/log-manager.js';
import { fill, GIB, MIB, readAll, recordBatch } from './read-path-data.js';
import { percentile } from './lib/stats.js';

export interface ExtraRow {
  table: string; case: string; samples: number; reference?: string;
  medianGiBps: number; p25GiBps: number; p75GiBps: number; minGiBps: number; maxGiBps: number;
}

// Copies land in a 10 MiB window, as in the headline rows (read-path.ts): a 100 MB segment copied
// into 100 MB of fresh memory would measure DRAM write bandwidth, not the read path.
const sink = Buffer.allocUnsafe(11 * MIB).fill(0);

function row(table: string, name: string, bytes: number[], ms: number[], reference?: string): ExtraRow {
  const rates = ms.map((t, i) => bytes[i]! / (t / 1000) / GIB).sort((a, b) => a - b);
  return { table, case: name, samples: rates.length, reference, medianGiBps: percentile(rates, 0.5), p25GiBps: percentile(rates, 0.25),
    p75GiBps: percentile(rates, 0.75), minGiBps: rates[0]!, maxGiBps: rates.at(-1)! };
}

async function timed(pass: () => number, timeMs: number): Promise<{ bytes: number[]; ms: number[] }> {
  let bytes = 0;
  const bench = new Bench({ time: timeMs, warmupTime: 200, retainSamples: true });
  bench.add('pass', () => void (bytes = pass()));
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`read pass: ${result.state}`);
  const ms = [...(result.latency.samples ?? [])];
  return { bytes: ms.map(() => bytes), ms };
}

type Open = (topic: string, configs?: Record<string, string>) => { log: PartitionLog; dataDir: string; manager: LogManager };

function sealedLog(open: Open, topic: string, segmentBytes: number) {
  const o = open(topic, { 'segment.bytes': String(segmentBytes) });
  const end = fill(o.log, segmentBytes);
  // Append until the first segment rolls (fill stops up to 200 bytes short of segment.bytes, so
  // one more batch may still fit): then it is sealed and mapped.
  for (let i = 0; o.log.segmentList.length < 2; i++) o.log.append(recordBatch(i, Date.now()));
  return { ...o, end };
}

async function segmentSizes(open: Open, timeMs: number): Promise<ExtraRow[]> {
  const ref: Record<number, [string, string]> = { 1: ['3.5 GiB/s', '750 MiB/s'], 10: ['3.9 GiB/s', '990 MiB/s'], 100: ['3.8 GiB/s', '1024 MiB/s'] };
  const rows: ExtraRow[] = [];
  for (const mb of [1, 10, 100]) {
    const size = mb * 1024 * 1024;
    const sealed = sealedLog(open, `seg-sealed-${mb}`, size);
    const s = await timed(() => readAll(sealed.log, sealed.end, MIB, sink), timeMs);
    rows.push(row('Segment size', `${mb} MB sealed (mmap)`, s.bytes, s.ms, ref[mb]![0]));
    const active = open(`seg-active-${mb}`, { 'segment.bytes': String(size * 2) });
    const end = fill(active.log, size);
    const a = await timed(() => readAll(active.log, end, MIB, sink), timeMs);
    rows.push(row('Segment size', `${mb} MB active`, a.bytes, a.ms, ref[mb]![1]));
  }
  return rows;
}

/**
 * Drops a file's pages from the page cache; returns how many pages fincore still finds resident.
 * Mapped pages cannot be dropped, and a closed segment's mapping lives until its Buffer is
 * collected: the caller must hold no reference to the log, and we collect first (read-path.ts
 * runs with --expose-gc), letting the addon's finalizers run between two collections.
 */
async function evict(file: string): Promise<string> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the cold-cache table needs node --expose-gc');
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
  execFileSync('python3', ['-c', 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)', file]);
  const f = spawnSync('fincore', ['--noheadings', '--output', 'PAGES', file], { encoding: 'utf8' });
  const mapped = fs.readFileSync('/proc/self/maps', 'utf8').includes(file);
  return `${f.status === 0 ? f.stdout.trim() : 'unknown'}${mapped ? ' (still mapped)' : ''}`;
}

/** Runs read-path-cold.js (a fresh process: its mappings end with it); returns its JSON line. */
function coldChild<T>(args: string[]): T {
  const script = fileURLToPath(new URL('./read-path-cold.js', import.meta.url));
  const out = execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

export async function coldWarm(timeMs: number, coldPasses: number): Promise<{ rows: ExtraRow[]; residentAfterEvict: string[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-bench-cache-'));
  try {
    const warm = coldChild<{ end: number; bytes: number[]; ms: number[] }>(['write', dataDir, String(timeMs)]);
    const logFile = path.join(dataDir, 'cache-0', '00000000000000000000.log');
    const bytes: number[] = [];
    const ms: number[] = [];
    const resident: string[] = [];
    for (let i = 0; i < coldPasses; i++) {
      resident.push(await evict(logFile));
      const pass = coldChild<{ bytes: number; ms: number }>(['read', dataDir, String(warm.end)]);
      bytes.push(pass.bytes);
      ms.push(pass.ms);
    }
    return {
      rows: [row('Cold vs warm page cache', 'sealed 10 MB, cold (evicted before each pass)', bytes, ms, '633 MiB/s'),
        row('Cold vs warm page cache', 'sealed 10 MB, warm', warm.bytes, warm.ms, '3.9 GiB/s')],
      residentAfterEvict: resident,
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function concurrent(open: Open, windows: number, windowMs: number): Promise<ExtraRow[]> {
  const s = sealedLog(open, 'conc', 10 * MIB);
  s.manager.close(); // a clean-shutdown marker: the copies open without a recovery scan
  const ref: Record<number, string> = { 1: '3.9 GiB/s', 2: '7.4 GiB/s', 4: '14.0 GiB/s', 8: '24.0 GiB/s' };
  const rows: ExtraRow[] = [];
  const workerFile = fileURLToPath(new URL('./read-path-worker.js', import.meta.url));
  for (const threads of [1, 2, 4, 8]) {
    const dirs = Array.from({ length: threads }, (_, i) => {
      const dir = `${s.dataDir}-t${threads}-${i}`;
      execFileSync('cp', ['-al', s.dataDir, dir]);
      return dir;
    });
    const workers: ChildProcess[] = dirs.map((dataDir) => fork(workerFile, [dataDir, 'conc', String(s.end)]));
    await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    const bytes: number[] = [];
    const ms: number[] = [];
    for (let i = 0; i < windows; i++) {
      const t0 = performance.now();
      const got = await Promise.all(workers.map((w) => new Promise<number>((r) => {
        w.once('message', (b: number) => r(b));
        w.send(windowMs);
      })));
      ms.push(performance.now() - t0);
      bytes.push(got.reduce((a, b) => a + b, 0));
    }
    await Promise.all(workers.map((w) => new Promise((r) => {
      w.once('exit', r);
      w.disconnect();
    })));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    rows.push(row('Concurrent readers (total over all readers)', `${threads} reader process${threads > 1 ? 'es' : ''}`, bytes, ms, ref[threads]));
  }
  return rows;
}

async function randomVsSequential(open: Open, timeMs: number): Promise<ExtraRow[]> {
  const s = sealedLog(open, 'order', 10 * MIB);
  const maxBytes = 10 * 1024;
  const fetches = Math.ceil((10 * MIB) / maxBytes);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const offsets = Array.from({ length: fetches }, () => Math.floor(rand() * (s.end - 1)));
  const sequential = await timed(() => readAll(s.log, s.end, maxBytes, sink), timeMs);
  const random = await timed(() => {
    let bytes = 0;
    for (const o of offsets) {
      const r = s.log.read(o, maxBytes, true);
      for (const c of r.chunks) c.copy(sink, bytes % (10 * MIB));
      bytes += r.bytes;
    }
    return bytes;
  }, timeMs);
  return [row('Random vs sequential offsets', 'sealed 10 MB, sequential 10 KB fetches', sequential.bytes, sequential.ms, '3.9 GiB/s'),
    row('Random vs sequential offsets', `sealed 10 MB, ${fetches} 10 KB fetches at random offsets`, random.bytes, random.ms, '217 MiB/s')];
}

export async function extraTables(open: Open, quick: boolean): Promise<{ rows: ExtraRow[]; notes: Record<string, string> }> {
  const timeMs = quick ? 500 : 1500;
  const rows = await segmentSizes(open, timeMs);
  const cache = await coldWarm(timeMs, quick ? 8 : 25);
  rows.push(...cache.rows);
  rows.push(...(await concurrent(open, quick ? 5 : 15, 200)));
  rows.push(...(await randomVsSequential(open, timeMs)));
  const cores = os.cpus().length;
  return {
    rows,
    notes: {
      'Segment size': 'Each segment read whole in 1 MB fetches. Active: every read is a slice of the active segment\'s mapping of the growing file (the reference\'s active case is file I/O).',
      'Cold vs warm page cache': 'Each pass runs in a fresh process (`bench/read-path-cold.ts`: a process that exits has unmapped the file; '
        + 'within one process a closed segment stays mapped until collected, and mapped pages cannot be evicted). Cold: before every pass the '
        + '.log is fsync\'d and evicted with `posix_fadvise(POSIX_FADV_DONTNEED)` (a `python3 -c \'import os; os.posix_fadvise(...)\'` helper); '
        + `the pass opens the log (which maps it) and reads it whole in 1 MB fetches; only the read is timed. \`fincore\` pages resident after each eviction: ${[...new Set(cache.residentAfterEvict)].join(', ')}. The disk is `
        + 'a virtual disk, so "cold" reads may still be served from the host\'s cache.',
      'Concurrent readers (total over all readers)': `Forked reader processes (mmap-io is not a context-aware addon, so it does not load in worker_threads: "Module did not self-register"), each with its own LogManager over a hard-linked copy of one sealed 10 MB `
        + `segment (one page cache), each reading it whole in 1 MB fetches with a copy, for 200 ms windows. This machine has ${cores} cores: `
        + 'past that, readers only share them; the reference\'s 8-thread figure needs 8 cores.',
      'Random vs sequential offsets': 'The same number of 10 KB fetches (10 MB in all): continuing where the previous one ended, or at random offsets.',
    },
  };
}
