/**
 * What the per-request metrics cost the produce and fetch paths, measured in one process without
 * sockets, so that the difference is not lost in the noise of a loaded machine: the broker's own
 * request processor (header, dispatch, decode, handler, log append or read, encode) runs the
 * same Produce and Fetch frames with metrics on (what the HTTP listener switches on: counts,
 * latency histogram, records and bytes per topic from batch headers) and off (--no-http),
 * alternating in rounds, and reports the CPU time per request of each (ns, user + system).
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
import { summarize, type Summary } from './lib/stats.js';

const ROUNDS = 30;
const PER_ROUND = 3000;

function frame(parts: Buffer[]): Buffer {
  return Buffer.concat(parts).subarray(4); // the processor gets frames without their size prefix
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
    const samples: Record<string, number[]> = { 'produce on': [], 'produce off': [], 'fetch on': [], 'fetch off': [] };
    // CPU time of this process (user + system), not wall time: on a loaded machine the wall clock
    // mostly measures how long the process waited for a core.
    const time = (request: Buffer) => {
      const start = process.cpuUsage();
      for (let i = 0; i < PER_ROUND; i++) {
        const out = processor.process(request, conn);
        if (out instanceof Promise) throw new Error('unexpected asynchronous answer');
      }
      const used = process.cpuUsage(start);
      return ((used.user + used.system) * 1000) / PER_ROUND;
    };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so drift in the machine's load falls on both sides alike.
      const order: [string, BrokerMetrics | null][] = round % 2 === 0 ? [['on', metrics], ['off', null]] : [['off', null], ['on', metrics]];
      for (const [label, m] of order) {
        broker.metrics = m;
        samples[`produce ${label}`]!.push(time(produce));
        samples[`fetch ${label}`]!.push(time(fetch));
      }
    }
    broker.metrics = null;
    const result: Record<string, Summary> = {};
    for (const [k, v] of Object.entries(samples)) result[k] = summarize(v);
    // The difference within each round (on and off ran back to back), robust to the load moving between rounds.
    for (const req of ['produce', 'fetch']) {
      result[`${req} difference`] = summarize(samples[`${req} on`]!.map((on, i) => on - samples[`${req} off`]![i]!));
    }
    const out = { date: new Date().toISOString(), command: 'npm run build && node dist/bench/metrics-overhead.js', rounds: ROUNDS, perRound: PER_ROUND,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))), cpus: os.cpus().length, nsPerRequest: result };
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'metrics-overhead.json'), JSON.stringify(out, null, 2) + '\n');
    for (const [k, s] of Object.entries(result)) console.log(`${k.padEnd(12)} median ${s.median.toFixed(0)} ns CPU/request (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`);
  } finally {
    broker.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
