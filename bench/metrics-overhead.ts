/**
 * What the per-request metrics cost the produce and fetch paths, measured in one process without
 * sockets, so that the difference is not lost in the noise of a loaded machine: the broker's own
 * request processor (header, dispatch, decode, handler, log append or read, encode) runs the
 * same Produce and Fetch frames with metrics on (what the HTTP listener switches on: counts,
 * latency histogram, records and bytes per topic) and off (--no-http), and reports the CPU time
 * per request of each (ns, user + system).
 *
 * Method: many short rounds, each running three arms back to back in a rotating order: on, off,
 * and off again. The cost is the median of the on - off differences within a round (paired, so
 * load that moves between rounds cancels), with a 95% confidence interval of that median; the
 * off again - off difference (an A/A pair, the same code twice) is the method's own noise on
 * the same machine at the same time, the yardstick for "not measurable". BENCH_ROUNDS sets the
 * number of rounds (default 120).
 *
 * Usage: npm run build && node dist/bench/metrics-overhead.js
 * Writes bench/results/metrics-overhead.json (read by the report's "HTTP listener on and off").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { encodeRecordBatch, encodeRequestFrame } from '../protocol/index.js';
import { Broker } from '../src/broker/broker.js';
import { BrokerRequestProcessor } from '../src/broker/request-processor.js';
import { resolveConfig } from '../src/config.js';
import { BrokerMetrics } from '../src/metrics/broker-metrics.js';
import { resultsDir } from './lib/paths.js';
import { percentile, summarize, type Summary } from './lib/stats.js';

type Arm = 'on' | 'off' | 'off again';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 120);
const WARMUP_ROUNDS = 6;
/** Short blocks: many paired rounds resolve a small difference better than a few long ones. */
const PER_BLOCK = 600;
/** The six orders of the three arms, taken in turn. */
const ORDERS = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]];

function sorted(v: number[]): number[] {
  return [...v].sort((a, b) => a - b);
}

/**
 * Distribution-free 95% confidence interval of a median: the order statistics whose ranks the
 * binomial(n, 1/2) bounds (normal approximation, fine for n >= 20).
 */
function medianCi95(v: number[]): [number, number] {
  const s = sorted(v);
  const n = s.length;
  const half = 1.96 * Math.sqrt(n) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [s[lo]!, s[hi]!];
}

function frame(parts: Buffer[]): Buffer {
  return Buffer.concat(parts).subarray(4); // the processor gets frames without their size prefix
}

/**
 * The counting alone, without the request around it: the metrics call of one answered request
 * (the same request and answer objects the processor passed it) and the clock read that starts
 * it, in a tight loop. A small working set and no other work, so far less noisy than a
 * difference of two whole requests; it leaves out the handler's share (the fetch's record
 * count from its offsets, a few loads).
 */
function countingCost(processor: BrokerRequestProcessor, broker: Broker, frame: Buffer): Summary {
  const metrics = new BrokerMetrics();
  let call: Parameters<BrokerMetrics['requestAnswered']> | null = null;
  const count = metrics.requestAnswered.bind(metrics);
  metrics.requestAnswered = (...args) => {
    call = args;
    count(...args);
  };
  broker.metrics = metrics;
  processor.process(frame, { id: 1, remote: 'bench' });
  broker.metrics = null;
  const [apiKey, name, version, , request, response] = call!;
  const runs: number[] = [];
  for (let run = 0; run < 25; run++) {
    const start = process.cpuUsage();
    for (let i = 0; i < 20_000; i++) count(apiKey, name, version, performance.now(), request, response);
    const used = process.cpuUsage(start);
    runs.push(((used.user + used.system) * 1000) / 20_000);
  }
  return summarize(runs.slice(5));
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-metrics-'));
  const broker = new Broker(resolveConfig({ dataDir, port: 0 }), pino({ level: 'silent' }));
  try {
    broker.createTopic('bench', 1);
    const processor = new BrokerRequestProcessor(broker);
    const conn = { id: 1, remote: 'bench' };
    const records = Array.from({ length: 10 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.alloc(100, 0x61) }));
    const produce = frame(encodeRequestFrame(0, 8, 1, 'bench', {
      transactionalId: null, acks: 1, timeoutMs: 5000,
      topicData: [{ name: 'bench', partitionData: [{ index: 0, records: encodeRecordBatch({ records, timestamp: Date.now() }) }] }],
    } as never));
    // Enough data first that every fetch returns a full 64 KiB of batches.
    for (let i = 0; i < 200; i++) processor.process(produce, conn);
    const fetch = frame(encodeRequestFrame(1, 12, 2, 'bench', {
      clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1 }, maxWaitMs: 0, minBytes: 1, maxBytes: 65536,
      isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'bench', topicId: Buffer.alloc(16), partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 65536, replicaDirectoryId: Buffer.alloc(16) }] }],
      forgottenTopicsData: [], rackId: '',
    } as never));

    const metrics = new BrokerMetrics();
    // CPU time of this process (user + system), not wall time: on a loaded machine the wall clock
    // mostly measures how long the process waited for a core.
    const time = (request: Buffer) => {
      const start = process.cpuUsage();
      for (let i = 0; i < PER_BLOCK; i++) {
        const out = processor.process(request, conn);
        if (out instanceof Promise) throw new Error('unexpected asynchronous answer');
      }
      const used = process.cpuUsage(start);
      return ((used.user + used.system) * 1000) / PER_BLOCK;
    };
    // Three arms per round, each a short block of each request: counting on, counting off, and
    // off again (an A/A pair: the same code twice, whose difference is the method's own noise).
    const arms: [Arm, BrokerMetrics | null][] = [['on', metrics], ['off', null], ['off again', null]];
    const samples = new Map<string, number[]>();
    const sample = (key: string, v: number) => (samples.get(key) ?? samples.set(key, []).get(key)!).push(v);
    for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
      // A fresh order each round (all six orders in turn), so drift in the machine's load and
      // the heap falls on every arm alike.
      for (const index of ORDERS[((round % 6) + 6) % 6]!) {
        const [arm, m] = arms[index]!;
        broker.metrics = m;
        const produceNs = time(produce);
        const fetchNs = time(fetch);
        if (round < 0) continue;
        sample(`produce ${arm}`, produceNs);
        sample(`fetch ${arm}`, fetchNs);
      }
    }
    broker.metrics = null;
    const result: Record<string, Summary & { ci95?: [number, number] }> = {};
    for (const [k, v] of samples) result[k] = summarize(v);
    for (const req of ['produce', 'fetch']) {
      const on = samples.get(`${req} on`)!;
      const off = samples.get(`${req} off`)!;
      const again = samples.get(`${req} off again`)!;
      // Differences within each round (the arms ran back to back), robust to load moving between rounds.
      const paired = (a: number[]) => a.map((v, i) => v - off[i]!);
      result[`${req} difference`] = { ...summarize(paired(on)), ci95: medianCi95(paired(on)) };
      result[`${req} A/A difference`] = { ...summarize(paired(again)), ci95: medianCi95(paired(again)) };
    }
    const countingAlone = { produce: countingCost(processor, broker, produce), fetch: countingCost(processor, broker, fetch) };
    const out = { date: new Date().toISOString(), command: 'npm run build && node dist/bench/metrics-overhead.js', rounds: ROUNDS, perRound: PER_BLOCK,
      warmupRounds: WARMUP_ROUNDS, loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))), cpus: os.cpus().length, nsPerRequest: result,
      countingAloneNs: countingAlone };
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'metrics-overhead.json'), JSON.stringify(out, null, 2) + '\n');
    console.log(`${ROUNDS} rounds of ${PER_BLOCK} requests per arm; load average ${out.loadAverage.join(', ')}`);
    for (const [k, s] of Object.entries(result)) {
      const ci = s.ci95 ? `, 95% CI of the median ${s.ci95[0].toFixed(0)} to ${s.ci95[1].toFixed(0)}` : '';
      const iqr = `${percentile(sorted(s.samples), 0.25).toFixed(0)}-${percentile(sorted(s.samples), 0.75).toFixed(0)}`;
      console.log(`${k.padEnd(22)} median ${s.median.toFixed(0).padStart(6)} ns CPU/request (IQR ${iqr}, min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}${ci})`);
    }
    for (const [k, s] of Object.entries(countingAlone)) {
      console.log(`${(k + ' counting alone').padEnd(22)} median ${s.median.toFixed(0).padStart(6)} ns CPU/request (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`);
    }
  } finally {
    broker.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
