/**
 * OffsetCommit throughput, Brooklet and Apache Kafka side by side: how many committed offsets a
 * second each broker takes from a bare protocol client (lib/raw-requests.ts commitOffsets:
 * OffsetCommit v7, generation -1, --partitions partitions a request spread over --groups groups,
 * --connections connections with --window requests in flight on each), the load the startup part
 * of bench/compaction-kafka.ts writes, measured on its own.
 *
 * Each broker is started once (lib/restartable.ts, on the broker core, cleaner off as in that
 * startup part), gets the topic `work`, one first commit and __consumer_offsets' segment.bytes
 * set to --offsets-segment-mb (so segments roll as they do there); then a first round of a fifth
 * of --commits from the fresh start (reported apart: it is when both JITs warm up, and the one
 * round the compaction bench's fill is like), then --runs rounds of --commits commits each,
 * alternating which broker goes first. This driver is the client: it
 * pins itself to the client core. Median and spread (min-max); the ratio is Brooklet's median /
 * Kafka's. BROOKLET_CLI points at another Brooklet build (e.g. the one before a change).
 * Writes bench/results/offset-commit.json and .md (offset-commit-custom.* for other settings or
 * another build).
 *
 *   npm run build && node dist/bench/offset-commit.js [--only brooklet|kafka] [flags]
 *   defaults: --commits 1000000 --partitions 100 --groups 100 --connections 8 --window 16
 *             --offsets-segment-mb 8 --runs 5
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BrokerName } from './lib/brokers.js';
import { machine } from './lib/machine.js';
import { apiVersions } from './lib/offsets-startup.js';
import { resultsDir } from './lib/paths.js';
import { pinning } from './lib/pinning.js';
import { elapsedSeconds, step } from './lib/progress.js';
import { alterTopic, commitOffsets, createTopic, firstCommit } from './lib/raw-requests.js';
import { restartable, type Restartable } from './lib/restartable.js';
import { summarize, type Summary } from './lib/stats.js';

const DEFAULTS = { commits: 1_000_000, partitions: 100, groups: 100, connections: 8, window: 16, 'offsets-segment-mb': 8, runs: 5 };
type Setting = keyof typeof DEFAULTS;
const { values } = parseArgs({ options: {
  only: { type: 'string', default: 'brooklet,kafka' },
  ...Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, { type: 'string' as const }])),
} });
const setting = (k: Setting) => Number((values as Record<string, string | undefined>)[k] ?? DEFAULTS[k]);
const s = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, setting(k as Setting)])) as Record<Setting, number>;
const names = (['brooklet', 'kafka'] as BrokerName[]).filter((n) => values.only!.split(',').includes(n));


const custom = Object.entries(DEFAULTS).some(([k, v]) => s[k as Setting] !== v) || names.length < 2 || process.env.BROOKLET_CLI !== undefined;

if (pinning.enabled) spawnSync('taskset', ['-p', '-c', pinning.clientCpus, String(process.pid)]);

async function prepare(b: Restartable): Promise<void> {
  await b.start({ enabled: false, backoffMs: 50 }, apiVersions);
  await createTopic(b.bootstrap, 'work', s.partitions, {});
  await firstCommit(b.bootstrap, 'group-0', 'work');
  await alterTopic(b.bootstrap, '__consumer_offsets', { 'segment.bytes': String(s['offsets-segment-mb'] * 2 ** 20) });
}

/** One timed round: commits a second. */
async function round(b: Restartable, commits = s.commits): Promise<number> {
  const started = performance.now();
  await commitOffsets(b.bootstrap, 'work', commits, s.groups, s.partitions, s.connections, s.window);
  return commits / ((performance.now() - started) / 1000);
}

const info = machine();
const rates: Record<BrokerName, number[]> = { brooklet: [], kafka: [] };
const first: Record<BrokerName, number[]> = { brooklet: [], kafka: [] };
const brokers = new Map<BrokerName, Restartable>();
try {
  for (const n of names) {
    brokers.set(n, await restartable(n));
    await prepare(brokers.get(n)!);
    first[n].push(await round(brokers.get(n)!, Math.ceil(s.commits / 5)));
    step(`${n}: first round from a fresh start ${first[n][0]!.toFixed(0)} commits/s`);
  }
  for (let run = 0; run < s.runs; run++) {
    for (const n of run % 2 === 0 ? names : [...names].reverse()) {
      rates[n].push(await round(brokers.get(n)!));
      step(`run ${run + 1}/${s.runs} ${n}: ${rates[n].at(-1)!.toFixed(0)} commits/s`);
    }
  }
} finally {
  await Promise.all([...brokers.values()].map((b) => b.destroy()));
}

const summarizeAll = (r: Record<BrokerName, number[]>) => Object.fromEntries(names.map((n) => [n, summarize(r[n])])) as Partial<Record<BrokerName, Summary>>;
const summary = summarizeAll(rates);
const firstRound = summarizeAll(first);
const ratioOf = (x: Partial<Record<BrokerName, Summary>>) => (x.brooklet && x.kafka ? x.brooklet.median / x.kafka.median : null);
const ratio = ratioOf(summary);
const flags = Object.keys(DEFAULTS).map((k) => `--${k} ${s[k as Setting]}`).join(' ');
const command = `npm run build && node dist/bench/offset-commit.js ${names.length < 2 ? `--only ${names.join(',')} ` : ''}${flags}`;
const loadAverage = { atStart: Number(info.loadAverage1mAtStart), atEnd: os.loadavg()[0]! };
const loaded = Math.max(loadAverage.atStart, loadAverage.atEnd) > Number(info.cores) / 2;
const base = `offset-commit${custom ? '-custom' : ''}`;
const out = { date: new Date().toISOString(), custom, durationSeconds: Math.round(elapsedSeconds()), machine: info, loadAverage, command,
  brookletCli: process.env.BROOKLET_CLI ?? null, settings: s, commitsPerSecond: summary, ratio, firstRound: { commitsPerSecond: firstRound, ratio: ratioOf(firstRound) } };
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, `${base}.json`), JSON.stringify(out, null, 2) + '\n');
const cell = (x: Summary | undefined) => (x ? `${x.median.toFixed(0)} (${x.min.toFixed(0)}-${x.max.toFixed(0)})` : 'not run');
fs.writeFileSync(path.join(resultsDir, `${base}.md`), [
  `Run: \`${command}\`, ${out.date}, ${out.durationSeconds} s, ${String(info.cores)} CPUs, load average ${loadAverage.atStart.toFixed(1)} at the start and `
    + `${loadAverage.atEnd.toFixed(1)} at the end${loaded ? ': **measured under load** (a shared machine; other processes took CPU from both brokers)' : ''}. `
    + `Raw results: \`bench/results/${base}.json\`.`,
  '',
  '| Measure | Unit | Brooklet median (min-max) | Kafka median (min-max) | Brooklet / Kafka |',
  '|---|---|---|---|---|',
  `| OffsetCommit, ${s.partitions} partitions a request, ${s.connections} connections x ${s.window} in flight | commits/s | `
    + `${cell(summary.brooklet)} | ${cell(summary.kafka)} | ${ratio === null ? '-' : ratio.toFixed(2)} |`,
  `| The same, first ${Math.ceil(s.commits / 5)} commits from a fresh start (JIT warm-up; one sample) | commits/s | `
    + `${cell(firstRound.brooklet)} | ${cell(firstRound.kafka)} | ${ratioOf(firstRound)?.toFixed(2) ?? '-'} |`,
  '',
].join('\n'));
step(`done: bench/results/${base}.json and .md`);
console.log(JSON.stringify({ commitsPerSecond: summary, ratio, firstRound }, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v)));
