/**
 * Durable produce from a bare protocol client: N connections (default 64), each sending one
 * acks=-1 Produce v8 of one 1 KiB record at a time, for a few seconds, against a Brooklet child
 * process under a given flush policy. Measures acknowledged requests per second; the broker's own
 * CPU can be profiled with `--cpu-prof` through BROOKLET_NODE_OPTIONS. A Node client on the same
 * 2-core machine is itself a limit: compare policies in one run, not against other clients.
 *
 *   node dist/bench/durable-raw.js [--policy always|never|interval] [--connections 64] [--seconds 5]
 *   node dist/bench/durable-raw.js --bootstrap HOST:PORT --topic T ...   (any broker, e.g. real Kafka
 *     with log.flush.interval.messages=1; the topic must exist with one partition)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeRecordBatch } from '../protocol/index.js';
import { RawClient } from '../test/helpers/raw-client.js';
import { stop } from './lib/proc.js';

const { values } = parseArgs({ options: {
  policy: { type: 'string', default: 'always' }, connections: { type: 'string', default: '64' }, seconds: { type: 'string', default: '5' },
  bootstrap: { type: 'string' }, topic: { type: 'string', default: 'durable' },
} });
const external = values.bootstrap !== undefined;
const topic = values.topic!;
const cli = path.resolve(import.meta.dirname, '../brooklet.cjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-durable-'));
const port = 19000 + Math.floor(Math.random() * 1000);
const broker = external ? null : spawn(process.execPath, [cli, '--port', String(port), '--data-dir', dataDir, '--flush-policy', values.policy!, '--log-level', 'warn'], { stdio: 'inherit' });
try {
  const bootstrap = values.bootstrap ?? `127.0.0.1:${port}`;
  if (!external) {
    await new Promise((r) => setTimeout(r, 1000));
    const admin = await RawClient.connect(bootstrap);
    await admin.request(19, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    admin.close();
  }
  const value = Buffer.alloc(1024, 1);
  const until = Date.now() + Number(values.seconds) * 1000;
  let acked = 0;
  const worker = async () => {
    const client = await RawClient.connect(bootstrap);
    while (Date.now() < until) {
      const records = encodeRecordBatch({ records: [{ key: null, value }], timestamp: Date.now() });
      const { body } = await client.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
      if (body.responses[0].partitionResponses[0].errorCode !== 0) throw new Error(`produce error ${body.responses[0].partitionResponses[0].errorCode}`);
      acked++;
    }
    client.close();
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: Number(values.connections) }, worker));
  const perSecond = Math.round(acked / ((Date.now() - started) / 1000));
  console.log(JSON.stringify({ broker: external ? bootstrap : 'brooklet', policy: external ? 'external' : values.policy, connections: Number(values.connections), acked, requestsPerSecond: perSecond }));
} finally {
  if (broker) await stop(broker, 15_000);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
