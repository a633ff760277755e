/**
 * Compaction, Brooklet and Apache Kafka side by side in one run (bench/compaction.ts measures
 * Brooklet's storage alone, in process). Both brokers are separate processes on the broker core,
 * set up over the network with the same requests, watched the same way from outside:
 *  1. cleaner throughput: MiB/s of dirty log cleaned (--mb MiB of keyed records, --keys keys,
 *     --segment-mb segments; the clean is triggered by setting cleanup.policy=compact and ends
 *     when the broker's cleaner-offset-checkpoint reaches the active segment), alone, and for
 *     --load-mb MiB while a network client produces and fetches on other topics;
 *  2. produce and fetch throughput of that client (bare protocol, compaction-load-raw.ts) with
 *     no clean running and during a clean;
 *  3. startup after --commits offset commits with __consumer_offsets uncompacted (cleaner off)
 *     and compacted: spawn to an answered ApiVersions plus OffsetFetch of the last group.
 * Method details: lib/clean-runs.ts and lib/offsets-startup.ts. Runs alternate the broker that
 * goes first. Median and spread (min-max) over --runs; the ratio is Brooklet's median / Kafka's.
 * Writes bench/results/compaction-kafka.json and .md (--quick: compaction-kafka-quick.*), which
 * bench/report.ts puts in BENCHMARKS.md's compaction section.
 *
 *   npm run build && node dist/bench/compaction-kafka.js [--quick] [--only cleaner|startup] [flags]
 *   full defaults: --mb 64 --load-mb 256 --keys 20000 --segment-mb 8 --commits 1000000 --groups 100
 *                  --commit-partitions 100 --offsets-segment-mb 8 --runs 5
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BrokerName } from './lib/brokers.js';
import { cleanRun, prepare, type CleanRun } from './lib/clean-runs.js';
import { machine } from './lib/machine.js';
import { apiVersions, commitMany, compactOffsets, timedStart, type StartupSettings } from './lib/offsets-startup.js';
import { resultsDir } from './lib/paths.js';
import { elapsedSeconds, step } from './lib/progress.js';
import { restartable, type Restartable } from './lib/restartable.js';
import { summarize, type Summary } from './lib/stats.js';

const { values } = parseArgs({ options: {
  quick: { type: 'boolean', default: false }, only: { type: 'string', default: 'cleaner,startup' },
  mb: { type: 'string' }, 'load-mb': { type: 'string' }, keys: { type: 'string' }, 'segment-mb': { type: 'string' }, commits: { type: 'string' },
  groups: { type: 'string' }, 'commit-partitions': { type: 'string' }, 'offsets-segment-mb': { type: 'string' }, runs: { type: 'string' },
} });
const quick = values.quick!;
const arg = (name: keyof typeof values, full: number, fast: number) => Number(values[name] ?? (quick ? fast : full));
const MIB = 2 ** 20;
const clean = { mib: arg('mb', 64, 8), loadMib: arg('load-mb', 256, 32), keys: arg('keys', 20_000, 2_000), segmentBytes: arg('segment-mb', 8, 1) * MIB, idleSeconds: quick ? 1.5 : 3 };
const startup: StartupSettings = { commits: arg('commits', 1_000_000, 50_000), groups: arg('groups', 100, 100),
  partitions: arg('commit-partitions', 100, 100), segmentBytes: arg('offsets-segment-mb', 8, 1) * MIB, runs: arg('runs', 5, 2) };
const RUNS = startup.runs;
const only = new Set(values.only!.split(','));
const NAMES: BrokerName[] = ['brooklet', 'kafka'];
const order = (run: number) => (run % 2 === 0 ? NAMES : [...NAMES].reverse());

interface Case {
  part: 'cleaner' | 'load' | 'startup';
  case: string;
  unit: string;
  higherIsBetter: boolean;
  brooklet: Summary;
  kafka: Summary;
  ratio: number;
}

const cases: Case[] = [];
function addCase(part: Case['part'], name: string, unit: string, higherIsBetter: boolean, samples: Record<BrokerName, number[]>): void {
  const brooklet = summarize(samples.brooklet);
  const kafka = summarize(samples.kafka);
  cases.push({ part, case: name, unit, higherIsBetter, brooklet, kafka, ratio: brooklet.median / kafka.median });
}

async function withBrokers<T>(use: (b: Record<BrokerName, Restartable>) => Promise<T>): Promise<T> {
  const b = { brooklet: await restartable('brooklet'), kafka: await restartable('kafka') };
  try {
    return await use(b);
  } finally {
    await Promise.all(NAMES.map((n) => b[n].destroy()));
  }
}

async function cleanerPart(): Promise<void> {
  const runs: Record<BrokerName, CleanRun[]> = { brooklet: [], kafka: [] };
  await withBrokers(async (b) => {
    for (const n of NAMES) {
      await b[n].start({ enabled: true, backoffMs: 50 }, apiVersions);
      await prepare(b[n], clean);
    }
    for (let run = 0; run < RUNS; run++) {
      for (const n of order(run)) {
        runs[n].push(await cleanRun(b[n], run, clean));
        step(`cleaner run ${run + 1}/${RUNS} ${n}: ${JSON.stringify(runs[n].at(-1), (_, v: unknown) => (typeof v === 'number' ? +v.toFixed(2) : v))}`);
      }
    }
  });
  const pick = (k: keyof CleanRun) => ({ brooklet: runs.brooklet.map((r) => r[k]), kafka: runs.kafka.map((r) => r[k]) });
  const mib = runs.brooklet[0]!.dirtyMiB;
  addCase('cleaner', `Cleaner throughput, ${clean.mib} MiB of keyed records (${clean.keys} keys, ${clean.segmentBytes / MIB} MiB segments), no other load`, 'MiB/s', true, pick('cleanMiBps'));
  addCase('cleaner', `Cleaner throughput, ${clean.loadMib} MiB of the same, while the network load runs`, 'MiB/s', true, pick('cleanUnderLoadMiBps'));
  addCase('load', 'Produce, no clean running (acks=1, 100 KB batches, 4 in flight)', 'MiB/s', true, pick('produceIdleMiBps'));
  addCase('load', 'Produce while a clean runs', 'MiB/s', true, pick('produceDuringCleanMiBps'));
  addCase('load', 'Fetch, no clean running (1 MiB fetches of a 16 MiB topic, over and over)', 'MiB/s', true, pick('fetchIdleMiBps'));
  addCase('load', 'Fetch while a clean runs (beside the produce)', 'MiB/s', true, pick('fetchDuringCleanMiBps'));
  extra.dirtyMiB = { brooklet: mib, kafka: runs.kafka[0]!.dirtyMiB };
  extra.kafkaReportedCleanMiBps = summarize(runs.kafka.map((r) => r.kafkaReportedMiBps));
  extra.cleanUnderLoadSeconds = { brooklet: summarize(runs.brooklet.map((r) => r.cleanUnderLoadSeconds)), kafka: summarize(runs.kafka.map((r) => r.cleanUnderLoadSeconds)) };
  extra.cleanerRuns = runs;
}

async function startupPart(): Promise<void> {
  const ms: Record<'uncompacted' | 'compacted', Record<BrokerName, number[]>> = { uncompacted: { brooklet: [], kafka: [] }, compacted: { brooklet: [], kafka: [] } };
  const commitRate: Record<BrokerName, number[]> = { brooklet: [], kafka: [] };
  const mib: Record<string, Record<BrokerName, number>> = { uncompacted: { brooklet: 0, kafka: 0 }, compacted: { brooklet: 0, kafka: 0 }, compactSeconds: { brooklet: 0, kafka: 0 } };
  await withBrokers(async (b) => {
    for (const n of NAMES) {
      const done = await commitMany(b[n], startup, step);
      mib.uncompacted![n] = done.mib;
      commitRate[n].push(done.commitsPerSecond);
    }
    for (const compacted of [false, true]) {
      const key = compacted ? 'compacted' : 'uncompacted';
      if (compacted) {
        for (const n of NAMES) {
          const done = await compactOffsets(b[n], startup);
          mib.compacted![n] = done.mib;
          mib.compactSeconds![n] = done.seconds;
          step(`${n}: __consumer_offsets compacted to ${done.mib.toFixed(2)} MiB in ${done.seconds.toFixed(1)} s`);
        }
      }
      for (let run = 0; run < RUNS; run++) {
        for (const n of order(run)) ms[key][n].push(await timedStart(b[n], startup, compacted));
        step(`startup ${key} run ${run + 1}/${RUNS}: brooklet ${ms[key].brooklet.at(-1)!.toFixed(0)} ms, kafka ${ms[key].kafka.at(-1)!.toFixed(0)} ms`);
      }
    }
  });
  const n = startup.commits.toLocaleString('en');
  addCase('startup', `Startup after ${n} offset commits, __consumer_offsets not compacted (to ApiVersions + OffsetFetch answered)`, 'ms', false, ms.uncompacted);
  addCase('startup', `Startup after ${n} offset commits, __consumer_offsets compacted`, 'ms', false, ms.compacted);
  addCase('startup', `Offset commits while filling it (${startup.partitions} partitions a request, 8 connections x 16 in flight; one sample)`, 'commits/s', true, commitRate);
  extra.offsetsMiB = mib;
}

const extra: Record<string, unknown> = {};
const info = machine();
step(`compaction side by side, ${quick ? 'quick' : 'full'} mode (${[...only].join(', ')})`);
if (only.has('cleaner')) await cleanerPart();
if (only.has('startup')) await startupPart();

const flags = `--mb ${clean.mib} --load-mb ${clean.loadMib} --keys ${clean.keys} --segment-mb ${clean.segmentBytes / MIB} --commits ${startup.commits} --groups ${startup.groups} `
  + `--commit-partitions ${startup.partitions} --offsets-segment-mb ${startup.segmentBytes / MIB} --runs ${RUNS}`;
const command = `npm run build && node dist/bench/compaction-kafka.js ${quick ? '--quick ' : ''}${values.only !== 'cleaner,startup' ? `--only ${values.only} ` : ''}${flags}`;
// The published figures come from a run with the full defaults; any other run is named apart so it never replaces them.
const mode = quick ? 'quick' : process.argv.slice(2).some((a) => a.startsWith('--') && a !== '--only' && !['cleaner', 'startup'].includes(a)) ? 'custom' : 'full';
const loadAverage = { atStart: Number(info.loadAverage1mAtStart), atEnd: os.loadavg()[0]! };
const out = { date: new Date().toISOString(), mode, durationSeconds: Math.round(elapsedSeconds()), machine: info, loadAverage, command,
  settings: { clean, startup, cleanerBackoffMs: 50, minCleanableDirtyRatio: 0.5 }, cases, extra };
const base = `compaction-kafka${mode === 'full' ? '' : `-${mode}`}${values.only === 'cleaner,startup' ? '' : `-only-${[...only].join('-')}`}`;
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, `${base}.json`), JSON.stringify(out, null, 2) + '\n');
const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const cell = (s: Summary) => `${f(s.median)} (${f(s.min)}-${f(s.max)})`;
const loaded = Math.max(loadAverage.atStart, loadAverage.atEnd) > Number(info.cores) / 2;
const sizes = extra.offsetsMiB as Record<string, Record<BrokerName, number>> | undefined;
fs.writeFileSync(path.join(resultsDir, `${base}.md`), [
  `Run: \`${command}\`, ${out.date}, ${out.durationSeconds} s, ${String(info.cores)} CPUs, load average ${loadAverage.atStart.toFixed(1)} at the start and ${loadAverage.atEnd.toFixed(1)} at the end`
    + `${loaded ? ': **measured under load** (a shared machine; other processes took CPU from both brokers)' : ''}`
    + `${mode === 'full' ? '' : ` (${mode} mode: other settings than the published run's defaults)`}. Raw results: \`bench/results/${base}.json\`.`,
  '',
  '| Measure | Unit | Brooklet median (min-max) | Kafka median (min-max) | Brooklet / Kafka |',
  '|---|---|---|---|---|',
  ...cases.map((c) => `| ${c.case} | ${c.unit} | ${cell(c.brooklet)} | ${cell(c.kafka)} | ${c.ratio.toFixed(2)}${c.higherIsBetter ? '' : ' (lower is better)'} |`),
  '',
  ...(extra.kafkaReportedCleanMiBps ? [`Kafka's own LogCleaner stats for the same cleans (no other load): ${cell(extra.kafkaReportedCleanMiBps as Summary)} MiB/s.`] : []),
  ...(extra.cleanUnderLoadSeconds ? [`The cleans under load, the window the "while a clean runs" rows cover, lasted ${cell((extra.cleanUnderLoadSeconds as Record<BrokerName, Summary>).brooklet)} s `
    + `on Brooklet and ${cell((extra.cleanUnderLoadSeconds as Record<BrokerName, Summary>).kafka)} s on Kafka.`] : []),
  ...(sizes ? [`\`__consumer_offsets\` on disk: ${f(sizes.uncompacted!.brooklet)} MiB (Brooklet) and ${f(sizes.uncompacted!.kafka)} MiB (Kafka) uncompacted, `
    + `${f(sizes.compacted!.brooklet)} and ${f(sizes.compacted!.kafka)} MiB compacted (the active segment is never cleaned).`] : []),
  '',
].join('\n'));
step(`done: bench/results/${base}.json and .md`);
for (const c of cases) console.log(`${c.case.padEnd(110)} brooklet ${f(c.brooklet.median).padStart(8)} kafka ${f(c.kafka.median).padStart(8)} ${c.unit.padEnd(5)} ratio ${c.ratio.toFixed(2)}`);
