/**
 * BENCHMARKS.md and bench/charts/*.svg, generated from the raw results:
 *   bench/results/side-by-side-full.json (or -quick.json when no full run exists)
 *   bench/results/read-path.json
 * plus the hand-written prose in bench/notes/*.md (method and findings, which a generator
 * cannot know). Run: node dist/bench/report.js (npm run bench:report).
 */
import fs from 'node:fs';
import path from 'node:path';
import { barChart, writeSvg, type Bar } from './lib/charts.js';
import { httpCostSection } from './lib/http-cost.js';
import { chartsDir, repoRoot, resultsDir } from './lib/paths.js';
import type { CaseResult, SideBySideResults } from './lib/types.js';
import { readPathSection } from './report-read-path.js';

const note = (name: string) => fs.readFileSync(path.join(repoRoot, 'bench', 'notes', name), 'utf8').trim();
const fmt = (v: number) => (!Number.isFinite(v) ? 'n/a' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** bench/results/<name>, if a run wrote it. */
function readResults(name: string): SideBySideResults | undefined {
  const file = path.join(resultsDir, name);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SideBySideResults) : undefined;
}

/** Its tables, after the pinned produce tables: the same cases with brokers and client sharing both cores. */
function unpinnedProduceSection(): string[] {
  // The produce workload run again with pinning off (BENCH_PIN=0 ... --full --only produce), if it was.
  const res = readResults('side-by-side-full-only-produce-unpinned.json');
  if (!res) return [];
  const of = (w: string) => res.results.filter((r) => r.workload === w);
  return ['### (a) Produce again, nothing pinned', '',
    `Run: \`${res.commands.join(' && ')}\` (${res.durationSeconds} s), ${res.date}; raw results: ` +
    '`bench/results/side-by-side-full-only-produce-unpinned.json`. The same cases and settings with no `taskset`: both ' +
    'brokers, the client JVM and the kernel share the two cores as they would on a developer\'s machine, so CPU ' +
    'a broker does not use is the client\'s. Not part of the targets above, which are measured pinned.', '',
    table(of('produce')), '', table(of('produce-cpu')), ''];
}

function loadSideBySide(): SideBySideResults | undefined {
  return readResults('side-by-side-full.json') ?? readResults('side-by-side-quick.json');
}

/** Whether the ratio is on Brooklet's side of 1 (or of the 1/10 cold-start bar). */
function verdict(r: CaseResult): string {
  if (!Number.isFinite(r.ratio)) return '';
  if (r.workload === 'startup' && r.case.startsWith('cold start')) return r.ratio <= 0.1 ? 'met' : 'missed';
  if (r.case.endsWith(': p50') || r.case.endsWith(': max') || r.case.endsWith(': p99.9') || r.workload === 'startup' || r.workload === 'produce-cpu') return '';
  const good = r.higherIsBetter ? r.ratio >= 1 : r.ratio <= 1;
  return good ? 'met' : 'missed';
}

/** Whether Brooklet's median clears the absolute bar of the case, if it has one. */
function absolute(r: CaseResult): string {
  if (r.targetValue === undefined) return r.target ?? '';
  const ok = r.targetAtLeast ? r.brooklet.median >= r.targetValue : r.brooklet.median <= r.targetValue;
  return `${r.target}: ${ok ? 'met' : 'missed'}`;
}

/** The issue's targets, one line each, from the results. */
function targets(res: SideBySideResults): string {
  const rows = res.results;
  const line = (what: string, cases: CaseResult[], judge: (r: CaseResult) => boolean, show: (r: CaseResult) => string) => {
    if (cases.length === 0) return `| ${what} | not measured | |`;
    const met = cases.filter(judge).length;
    return `| ${what} | ${cases.map(show).join('; ')} | ${met === cases.length ? 'met' : `missed (${cases.length - met} of ${cases.length})`} |`;
  };
  const ratio = (r: CaseResult) => `${r.ratio.toFixed(2)}x`;
  const of = (w: string) => rows.filter((r) => r.workload === w);
  return ['| target | measured | |', '|---|---|---|',
    line('produce >= 1.0x Kafka (every case)', of('produce'), (r) => r.ratio >= 1, ratio),
    line('consume >= 1.0x Kafka', of('consume'), (r) => r.ratio >= 1, ratio),
    line('catch-up read >= 1 GB/s over loopback', of('consume').filter((r) => r.targetValue !== undefined), (r) => r.brooklet.median >= r.targetValue!, (r) => `${r.brooklet.median.toFixed(0)} MiB/s`),
    line('p99 end-to-end latency <= Kafka', of('latency').filter((r) => r.case.endsWith(': p99')), (r) => r.ratio <= 1, (r) => `${r.brooklet.median.toFixed(1)} vs ${r.kafka.median.toFixed(1)} ms`),
    line('cold start <= 1/10 of Kafka', of('startup').filter((r) => r.case.startsWith('cold start')), (r) => r.ratio <= 0.1, (r) => `${r.brooklet.median.toFixed(0)} vs ${r.kafka.median.toFixed(0)} ms (${ratio(r)})`),
    line('idle RSS <= 60 MB', of('startup').filter((r) => r.case.startsWith('idle RSS')), (r) => r.brooklet.median <= r.targetValue!, (r) => `${r.brooklet.median.toFixed(1)} MiB`),
    line('durable produce >= 1.0x Kafka and >= 10,000 req/s', of('durable'), (r) => r.ratio >= 1 && (r.targetValue === undefined || r.brooklet.median >= r.targetValue), (r) => `${r.brooklet.median.toFixed(0)} req/s, ${ratio(r)}`),
    line('kafkajs (no target; what Node users get)', of('kafkajs'), (r) => r.ratio >= 1, ratio),
  ].join('\n');
}

function table(rows: CaseResult[]): string {
  const lines = ['| case | Brooklet median (min - max) | Kafka median (min - max) | Brooklet / Kafka | n | target |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    const cell = (s: CaseResult['brooklet']) => `${fmt(s.median)} ${r.unit} (${fmt(s.min)} - ${fmt(s.max)})`;
    const target = [verdict(r), absolute(r)].filter(Boolean).join('; ');
    lines.push(`| ${r.case} | ${cell(r.brooklet)} | ${cell(r.kafka)} | **${r.ratio.toFixed(2)}x** | ${r.brooklet.n} + ${r.kafka.n} | ${target} |`);
  }
  return lines.join('\n');
}

const WORKLOADS: Array<{ key: string; title: string; what: string }> = [
  { key: 'produce', title: '(a) Produce: Kafka\'s ProducerPerformance', what: '1 KiB records, `--throughput -1`, a fresh topic per run; "1MiB batches" sets batch.size=1048576 (and max.request.size 8 MiB). MiB/s as the tool reports it.' },
  { key: 'produce-cpu', title: '(a) Produce: what the same runs cost each broker', what: 'CPU time (user + system, all threads, from /proc) the broker process used during each ProducerPerformance run above, per GiB the run wrote; lower is better. The client sets the pace of those runs; this is the broker\'s own cost of keeping up with it.' },
  { key: 'consume', title: '(b) Consume: Kafka\'s ConsumerPerformance', what: 'fetch.MB.sec (MiB/s after the group join), a fresh group per run reading the whole backlog from the earliest offset. The backlogs were written just before (page cache warm) with ProducerPerformance, 1 MiB batches.' },
  { key: 'latency', title: '(c) End-to-end latency at a fixed rate', what: '`bench/java/FixedRateLatency.java` (Kafka\'s Java client): one producer on a fixed schedule (acks=1, linger.ms=0), one consumer assigned to the partition in the same JVM; latency = receive - send on one clock. Warm-up seconds discarded.' },
  { key: 'kafkajs', title: '(d) What Node users get: kafkajs', what: '`bench/kafkajs-worker.ts` in its own process: producer acks=1, 1,000 x 1 KiB per send(), 4 sends in flight; consumer group from the beginning with eachBatch.' },
  { key: 'startup', title: '(e) Cold start and memory', what: 'Spawn of the process to its first ApiVersions answer (empty data dir; Kafka\'s storage formatted beforehand as an install would, JVM options of kafka-server-start.sh: -Xmx1G -Xms1G G1). Idle RSS 3 s after start, no client yet. Peak RSS (VmHWM) of the long-running brokers after the produce and consume workloads.' },
  { key: 'durable', title: '(f) Durable produce', what: 'Every acknowledged batch fdatasync\'d: Brooklet `--flush-policy always` (group commit) against Kafka with log.flush.interval.messages=1. `bench/java/DurableProduce.java`: 64 producers, one 1 KiB record per request, acks=all, one request in flight each.' },
];

async function charts(res: SideBySideResults): Promise<string[]> {
  const made: string[] = [];
  const bars = (rows: CaseResult[], label: (r: CaseResult) => string): Bar[] => rows.flatMap((r) => [
    { group: label(r), series: 'Brooklet' as const, value: r.brooklet.median, low: r.brooklet.min, high: r.brooklet.max },
    { group: label(r), series: 'Kafka' as const, value: r.kafka.median, low: r.kafka.min, high: r.kafka.max },
  ]);
  const put = async (name: string, title: string, unit: string, rows: CaseResult[], label: (r: CaseResult) => string, log = false) => {
    if (rows.length === 0) return;
    await writeSvg(barChart(title, unit, bars(rows, label), { log }), path.join(chartsDir, `${name}.svg`));
    made.push(name);
  };
  const of = (w: string) => res.results.filter((r) => r.workload === w);
  await put('produce', 'Produce throughput (ProducerPerformance, 1 KiB records)', 'MiB/s', of('produce'), (r) => r.case);
  await put('produce-cpu', 'Broker CPU time per GiB produced (same runs)', 's/GiB', of('produce-cpu'), (r) => r.case);
  await put('consume', 'Consume throughput (ConsumerPerformance)', 'MiB/s', of('consume'), (r) => r.case);
  await put('kafkajs', 'kafkajs throughput', 'MiB/s', of('kafkajs'), (r) => r.case);
  await put('latency', 'End-to-end latency percentiles at 5,000 msg/s', 'ms', of('latency').filter((r) => r.unit === 'ms'), (r) => r.case.split(': ').at(-1)!);
  await put('cold-start', 'Cold start to first ApiVersions answer', 'ms', of('startup').filter((r) => r.unit === 'ms'), (r) => r.case);
  await put('memory', 'Resident memory', 'MiB', of('startup').filter((r) => r.unit === 'MiB'), (r) => r.case);
  await put('durable', 'Durable produce, fsync per acknowledged batch', 'requests/s', of('durable'), (r) => r.case);
  return made;
}

function machineLines(m: Record<string, unknown>): string {
  return Object.entries(m).map(([k, v]) => `- ${k}: ${String(v)}`).join('\n');
}

async function main(): Promise<void> {
  const res = loadSideBySide();
  const parts: string[] = ['# Benchmarks', '', '<!-- Generated by bench/report.ts from bench/results/*.json and bench/notes/*.md; edit those, not this file. -->', '', note('intro.md'), ''];
  if (res) {
    const made = await charts(res);
    parts.push('## Side by side with Apache Kafka', '');
    parts.push(`Run: \`${res.commands.join(' && ')}\` (${res.mode} mode, ${res.durationSeconds} s), ${res.date}. Raw results: \`bench/results/side-by-side-${res.mode}.json\`.`, '');
    parts.push('Machine:', '', machineLines(res.machine), '');
    parts.push(`Settings: ${Object.entries(res.settings).filter(([k]) => k !== 'produceCases').map(([k, v]) => `${k}=${String(v)}`).join(', ')}.`, '');
    parts.push('### Targets', '', targets(res), '');
    parts.push(note('method.md'), '');
    for (const w of WORKLOADS) {
      const rows = res.results.filter((r) => r.workload === w.key);
      const skip = res.skipped.filter((s) => s.workload === w.key);
      parts.push(`### ${w.title}`, '', w.what, '');
      if (rows.length) parts.push(table(rows), '');
      for (const s of skip) parts.push(`Not measured in this run: ${s.reason.split('\n')[0]}`, '');
      const charts = made.filter((c) => c === w.key || (w.key === 'startup' && (c === 'cold-start' || c === 'memory')));
      for (const c of charts) parts.push(`![${c}](bench/charts/${c}.svg)`, '');
      if (w.key === 'produce-cpu') parts.push(...unpinnedProduceSection());
    }
    parts.push('## Findings', '', note('findings.md'), '');
  } else {
    parts.push('## Side by side with Apache Kafka', '', 'No results yet: run `npm run bench`.', '');
  }
  parts.push(...httpCostSection());
  // Consumer-group timings come from their own script (npm run bench:groups), which writes its table.
  const groups = path.join(repoRoot, 'bench', 'results', 'groups.md');
  if (fs.existsSync(groups)) parts.push('## Consumer groups, side by side with Kafka', '', fs.readFileSync(groups, 'utf8').trim(), '');
  // Transactions likewise (node dist/bench/transactions.js), with the notes on reading them.
  const transactions = path.join(repoRoot, 'bench', 'results', 'transactions.md');
  if (fs.existsSync(transactions)) parts.push('## Transactions, side by side with Kafka', '', fs.readFileSync(transactions, 'utf8').trim(), '', note('transactions.md'), '');
  // The Schema Registry inside the broker (npm run bench:registry): its table, then the method and the reading.
  const registry = path.join(repoRoot, 'bench', 'results', 'registry.md');
  if (fs.existsSync(registry)) parts.push('## Schema Registry', '', fs.readFileSync(registry, 'utf8').trim(), '', note('registry.md'), '');
  // Images and container start (node dist/bench/container-start.js), beside the official image's published figures.
  const containers = path.join(repoRoot, 'bench', 'results', 'containers.md');
  if (fs.existsSync(containers)) parts.push('## Containers', '', fs.readFileSync(containers, 'utf8').trim(), '', note('containers.md'), '');
  // Compaction (npm run bench:compaction): cleaner throughput and startup after 1,000,000 offset commits.
  const compaction = path.join(repoRoot, 'bench', 'results', 'compaction.md');
  if (fs.existsSync(compaction)) parts.push('## Compaction', '', fs.readFileSync(compaction, 'utf8').trim(), '');
  // The same side by side with Kafka (node dist/bench/compaction-kafka.js); a smaller run's table until a full run exists.
  const results = fs.readdirSync(path.join(repoRoot, 'bench', 'results'));
  const vsKafka = ['', '-custom', '-quick'].map((mode) => results.filter((f) => new RegExp(`^compaction-kafka${mode}(-only-[a-z-]+)?\\.md$`).test(f)).sort())
    .find((files) => files.length > 0);
  if (vsKafka) {
    parts.push('### Compaction, side by side with Kafka', '', ...vsKafka.map((f) => fs.readFileSync(path.join(repoRoot, 'bench', 'results', f), 'utf8').trim() + '\n'));
    parts.push(note('compaction-kafka.md'), '');
  }
  // OffsetCommit throughput (node dist/bench/offset-commit.js), its table as the script wrote it.
  const offsetCommit = path.join(repoRoot, 'bench', 'results', 'offset-commit.md');
  if (fs.existsSync(offsetCommit)) parts.push('## Offset commits, side by side with Kafka', '', fs.readFileSync(offsetCommit, 'utf8').trim(), '');
  // What compression.type costs the Produce handler (node dist/bench/produce-handler-cpu.js): prose only.
  parts.push('## compression.type at produce', '', note('produce-compression.md'), '');
  parts.push(await readPathSection());
  fs.writeFileSync(path.join(repoRoot, 'BENCHMARKS.md'), parts.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n');
  console.log('BENCHMARKS.md and bench/charts/*.svg written');
}

await main();
