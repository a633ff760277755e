/**
 * Brooklet and Apache Kafka side by side, in one run, alternating brokers, several repetitions:
 *   (a) produce  ProducerPerformance, acks 1/all, 1/8 partitions, default / 1 MiB batches
 *   (b) consume  ConsumerPerformance, catch-up from sealed segments and from the active segment
 *   (c) latency  fixed-rate end-to-end latency with the Java client
 *   (d) kafkajs  kafkajs producer and consumer
 *   (e) startup  cold start to the first ApiVersions answer, idle and loaded RSS
 *   (f) durable  fsync per acknowledged batch, 64 producers
 * Usage: node dist/bench/side-by-side.js [--full] [--only produce,consume,...] [--reps N] [--http-pair]
 * --http-pair pairs Brooklet with its HTTP listener on (console, /metrics) against Brooklet with
 * --no-http instead of against Kafka, alternating run by run in one process tree, so that the
 * listener's cost is measured within one run rather than as the difference of two noisy runs.
 * (npm run bench / npm run bench:full). Writes bench/results/side-by-side-<mode>.json (with
 * --only, side-by-side-<mode>-only-<workloads>.json, which the report does not read; a run with
 * BENCH_PIN=0 adds -unpinned to the name, so it never replaces a pinned run's results); then
 * bench/report.ts turns it into BENCHMARKS.md and the charts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Pair } from './lib/alternate.js';
import { startBroker, KAFKA_JVM_OPTS } from './lib/brokers.js';
import { machine } from './lib/machine.js';
import { resultsDir } from './lib/paths.js';
import { pinning } from './lib/pinning.js';
import { elapsedSeconds, step } from './lib/progress.js';
import { SETTINGS } from './lib/settings.js';
import type { CaseResult, SideBySideResults, SkippedWorkload } from './lib/types.js';
import { consumeWorkload } from './workloads/consume.js';
import { brookletHasFlushPolicy, durableWorkload } from './workloads/durable.js';
import { kafkajsWorkload } from './workloads/kafkajs.js';
import { latencyWorkload } from './workloads/latency.js';
import { produceWorkload } from './workloads/produce.js';
import { coldStartWorkload, loadedMemory } from './workloads/startup.js';

const ALL = ['startup', 'produce', 'consume', 'kafkajs', 'latency', 'durable'];
const { values } = parseArgs({ options: { full: { type: 'boolean' }, only: { type: 'string' }, 'http-pair': { type: 'boolean' }, reps: { type: 'string' } } });
const httpPair = Boolean(values['http-pair']);
const mode = values.full ? 'full' : 'quick';
const only = new Set(values.only ? values.only.split(',') : ALL);
if (httpPair && [...only].some((w) => !['produce', 'consume', 'kafkajs'].includes(w))) {
  console.error('--http-pair pairs two running Brooklets: use it with --only produce,consume,kafkajs');
  process.exit(2);
}
// --reps N: more repetitions of every case at the mode's sizes (a paired run wants a tighter median).
const settings = values.reps ? { ...SETTINGS[mode], reps: Number(values.reps), produceReps: Number(values.reps) } : SETTINGS[mode];
if (!(settings.reps >= 1)) throw new Error(`--reps takes a positive number, not ${values.reps}`);
const results: CaseResult[] = [];
const skipped: SkippedWorkload[] = [];
const external = Boolean(process.env.BROOKLET_BOOTSTRAP || process.env.KAFKA_BOOTSTRAP);

async function section(name: string, body: () => Promise<CaseResult[]>): Promise<void> {
  if (!only.has(name)) return;
  step(`${name}: start`);
  try {
    results.push(...(await body()));
  } catch (err) {
    step(`${name}: FAILED ${(err as Error).message.split('\n')[0]}`);
    skipped.push({ workload: name, reason: `failed: ${(err as Error).message.slice(0, 500)}` });
  }
}

async function main(): Promise<void> {
  step(`side by side, ${mode} mode (${[...only].join(', ')}); pinning: ${pinning.enabled ? 'brokers CPU 0, clients CPU 1' : 'off'}`);
  const info = machine();
  if (external) skipped.push({ workload: 'startup', reason: 'external brokers (BROOKLET_BOOTSTRAP/KAFKA_BOOTSTRAP): no process to time or measure' });
  else await section('startup', () => coldStartWorkload(settings));

  if (['produce', 'consume', 'kafkajs', 'latency'].some((w) => only.has(w))) {
    step(httpPair ? 'starting Brooklet twice: HTTP on, and --no-http in the second column' : 'starting the two brokers under test');
    const pair: Pair = httpPair
      // The workloads key their samples by broker name; the second column is Brooklet with
      // --no-http, and the results file says so (pairing).
      ? { brooklet: await startBroker('brooklet', { http: 'on' }), kafka: { ...(await startBroker('brooklet', { http: 'off' })), name: 'kafka' } }
      : { brooklet: await startBroker('brooklet'), kafka: await startBroker('kafka') };
    try {
      await section('produce', () => produceWorkload(pair, settings));
      await section('consume', () => consumeWorkload(pair, settings));
      if (!external && (only.has('produce') || only.has('consume'))) results.push(...loadedMemory(pair, 'produce + consume'));
      await section('kafkajs', () => kafkajsWorkload(pair, settings));
      await section('latency', () => latencyWorkload(pair, settings));
    } finally {
      step('stopping the brokers');
      await pair.brooklet.close();
      await pair.kafka.close();
    }
  }
  if (only.has('durable')) {
    if (external) skipped.push({ workload: 'durable', reason: 'needs brokers started with durability settings; not with external brokers' });
    else if (!brookletHasFlushPolicy()) {
      skipped.push({ workload: 'durable', reason: 'pending: this build of Brooklet has no --flush-policy (the durability policy is being added)' });
      step('durable: skipped, Brooklet has no --flush-policy yet');
    } else await section('durable', () => durableWorkload(settings));
  }

  const httpOff = !httpPair && process.env.BENCH_BROOKLET_HTTP === 'off';
  const unpinnedPrefix = `${process.env.BENCH_PIN === '0' ? 'BENCH_PIN=0 ' : ''}${httpOff ? 'BENCH_BROOKLET_HTTP=off ' : ''}`;
  const out: SideBySideResults = {
    date: new Date().toISOString(), mode, durationSeconds: Math.round(elapsedSeconds()), machine: info,
    settings: { ...settings, kafkaJvmOptions: KAFKA_JVM_OPTS.join(' '), external },
    commands: [values.only
      ? `npm run build && ${unpinnedPrefix}node dist/bench/side-by-side.js${mode === 'full' ? ' --full' : ''} --only ${values.only}${values.reps ? ` --reps ${values.reps}` : ''}${httpPair ? ' --http-pair' : ''}`
      : `${unpinnedPrefix}${mode === 'full' ? 'npm run bench:full' : 'npm run bench'}`],
    results, skipped,
    ...(httpPair ? { pairing: 'brooklet column: Brooklet with its HTTP listener on; kafka column: Brooklet with --no-http' } : {}),
  };
  fs.mkdirSync(resultsDir, { recursive: true });
  // A partial run is named by its workloads, so it never overwrites another partial run's results.
  const file = path.join(resultsDir, `side-by-side-${mode}${values.only ? `-only-${[...only].join('-')}` : ''}${pinning.enabled ? '' : '-unpinned'}${httpOff ? '-http-off' : ''}${httpPair ? '-http-paired' : ''}.json`);
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  step(`done in ${Math.round(elapsedSeconds())} s: ${path.relative(process.cwd(), file)}`);
  for (const r of results) {
    console.log(`${r.workload.padEnd(8)} ${r.case.padEnd(70)} brooklet ${r.brooklet.median.toFixed(2).padStart(9)} kafka ${r.kafka.median.toFixed(2).padStart(9)} ${r.unit.padEnd(6)} ratio ${r.ratio.toFixed(2)}`);
  }
  for (const s of skipped) console.log(`skipped ${s.workload}: ${s.reason.split('\n')[0]}`);
}

await main();
