/**
 * "HTTP listener on and off" for BENCHMARKS.md: the same side-by-side cases run twice, once with
 * Brooklet's HTTP listener on (console, /metrics: every request counted) and once with --no-http
 * (BENCH_BROOKLET_HTTP=off), each run beside real Kafka. Kafka's column in each run is the
 * yardstick of how loaded the machine was then, so the table gives both the raw on/off ratio and
 * the ratio of the two runs' Brooklet/Kafka ratios.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, resultsDir } from './paths.js';
import type { CaseResult, SideBySideResults } from './types.js';

export const HTTP_COST_RUN = 'side-by-side-quick-only-produce-consume-kafkajs';

function load(file: string): SideBySideResults | undefined {
  const full = path.join(resultsDir, file);
  return fs.existsSync(full) ? (JSON.parse(fs.readFileSync(full, 'utf8')) as SideBySideResults) : undefined;
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const spread = (r: CaseResult) => `${fmt(r.brooklet.median)} (${fmt(r.brooklet.min)}-${fmt(r.brooklet.max)})`;

/** The section's lines, or none when neither the paired run nor the two separate runs are there. */
export function httpCostSection(): string[] {
  const on = load(`${HTTP_COST_RUN}.json`);
  const off = load(`${HTTP_COST_RUN}-http-off.json`);
  const paired = pairedTable();
  if (!on || !off) return paired.length ? ['## HTTP listener on and off', '', notes(), '', ...inProcessTable(), ...paired] : [];
  const rows = on.results.filter((r) => r.higherIsBetter && ['produce', 'consume', 'kafkajs'].includes(r.workload)).flatMap((r) => {
    const o = off.results.find((x) => x.workload === r.workload && x.case === r.case);
    if (!o) return [];
    const raw = r.brooklet.median / o.brooklet.median;
    const normalised = r.ratio / o.ratio;
    return [`| ${r.workload}: ${r.case} | ${spread(r)} | ${spread(o)} | ${raw.toFixed(2)} | ${r.ratio.toFixed(2)} / ${o.ratio.toFixed(2)} | ${normalised.toFixed(2)} | ${r.unit} |`];
  });
  return [
    '## HTTP listener on and off', '',
    notes(), '',
    ...inProcessTable(),
    ...paired,
    `Runs: \`${on.commands.join(' && ')}\` (${on.date}) and \`${off.commands.join(' && ')}\` (${off.date}), ${on.mode} mode.`, '',
    '| case | Brooklet, HTTP on: median (min-max) | Brooklet, HTTP off | on / off | vs Kafka, on / off run | on / off, each against its Kafka | unit |',
    '|---|---|---|---|---|---|---|',
    ...rows, '',
  ];
}

const notes = () => fs.readFileSync(path.join(repoRoot, 'bench', 'notes', 'http-cost.md'), 'utf8').trim();

/**
 * The --http-pair run: Brooklet with the listener on against Brooklet with --no-http, alternated
 * repetition by repetition in one run (its "kafka" column is the --no-http Brooklet).
 */
function pairedTable(): string[] {
  const run = load(`${HTTP_COST_RUN}-http-paired.json`);
  if (!run?.pairing) return [];
  const rows = run.results.filter((r) => r.higherIsBetter).map((r) =>
    `| ${r.workload}: ${r.case} | ${spread(r)} | ${fmt(r.kafka.median)} (${fmt(r.kafka.min)}-${fmt(r.kafka.max)}) | ${r.ratio.toFixed(2)} | ${r.unit} |`);
  return [
    `Paired run, the two Brooklets alternated repetition by repetition: \`${run.commands.join(' && ')}\` (${run.date}, ${run.mode} mode, 1-minute load average ${loadAverage(run)}).`, '',
    '| case | HTTP on: median (min-max) | --no-http: median (min-max) | on / off | unit |',
    '|---|---|---|---|---|',
    ...rows, '',
  ];
}

function loadAverage(run: SideBySideResults): string {
  const l = (run.machine as { loadAverage1mAtStart?: number }).loadAverage1mAtStart;
  return l === undefined ? 'not recorded' : `${l.toFixed(1)} at start`;
}

interface OverheadResults {
  date: string;
  command: string;
  rounds: number;
  perRound: number;
  loadAverage: number[];
  nsPerRequest: Record<string, { median: number; min: number; max: number }>;
}

/** bench/metrics-overhead.ts's figures: CPU ns per request, counting on and off. */
function inProcessTable(): string[] {
  const file = path.join(resultsDir, 'metrics-overhead.json');
  if (!fs.existsSync(file)) return [];
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as OverheadResults;
  const cell = (k: string) => {
    const s = r.nsPerRequest[k]!;
    return `${(s.median / 1000).toFixed(2)} (${(s.min / 1000).toFixed(2)}-${(s.max / 1000).toFixed(2)})`;
  };
  const rows = ['produce', 'fetch'].map((req) => {
    const off = r.nsPerRequest[`${req} off`]!.median;
    const diff = r.nsPerRequest[`${req} difference`]!;
    return `| ${req} | ${cell(`${req} on`)} | ${cell(`${req} off`)} | ${cell(`${req} difference`)} | ${((diff.median / off) * 100).toFixed(0)}% |`;
  });
  return [
    `In-process run: \`${r.command}\` (${r.date}; ${r.rounds} rounds of ${r.perRound} requests each way; load average ${r.loadAverage.join(', ')}).`, '',
    '| request | counting on: CPU us per request, median (min-max) | off | on - off within each round, us | median difference / off |',
    '|---|---|---|---|---|',
    ...rows, '',
  ];
}
