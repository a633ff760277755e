/**
 * Catch-up read over loopback from a bare protocol client: fills one partition with a backlog
 * (sealed segments), then reads it from offset 0 with back-to-back Fetch v12 requests, one in
 * flight, and reports MB/s. The client only finds each response's end and the partition's next
 * offset; it decodes nothing else, so the figure is what the broker can serve, not what a
 * client library can decode. Kafka's ConsumerPerformance in bench/side-by-side.ts measures the
 * other thing.
 *
 *   node dist/bench/catchup-raw.js [--mb 512] [--fetch-mb 1] [--segment-mb 64]
 *   node dist/bench/catchup-raw.js --bootstrap HOST:PORT --topic T ...   (any broker, e.g. real
 *     Kafka; the topic is created with one partition if absent and filled the same way)
 *   ... --no-fill   read partition 0 of an existing topic as it is (bench/workloads/consume.ts
 *     reads the backlog ConsumerPerformance just read, on both brokers)
 *   ... --isolation 1   read_committed fetches (bench/transactions.ts: what they cost)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeResponseFrame, encodeRecordBatch, encodeRequestFrame, readBatchHeader } from '../protocol/index.js';
import { RawClient } from '../test/helpers/raw-client.js';
import { stop } from './lib/proc.js';

const { values } = parseArgs({ options: {
  mb: { type: 'string', default: '512' }, 'fetch-mb': { type: 'string', default: '1' }, 'segment-mb': { type: 'string', default: '64' },
  bootstrap: { type: 'string' }, topic: { type: 'string', default: 'backlog' }, 'no-fill': { type: 'boolean', default: false },
  isolation: { type: 'string', default: '0' },
} });
const topic = values.topic!;
const MIB = 1024 * 1024;
const cli = path.resolve(import.meta.dirname, '../brooklet.cjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-catchup-'));
const port = 19000 + Math.floor(Math.random() * 1000);
// BROOKLET_NODE_ARGS (e.g. "--cpu-prof") go to the broker process only, for profiling it.
const nodeArgs = (process.env.BROOKLET_NODE_ARGS ?? '').split(' ').filter(Boolean);
const broker = values.bootstrap ? null : spawn(process.execPath, [...nodeArgs, cli, '--port', String(port), '--data-dir', dataDir, '--segment-bytes', String(Number(values['segment-mb']) * MIB), '--log-level', 'warn'], { stdio: 'inherit' });

/** One response frame at a time, without copying chunks more than once. */
function frames(socket: net.Socket): () => Promise<Buffer> {
  const chunks: Buffer[] = [];
  let buffered = 0;
  let wake: (() => void) | null = null;
  socket.on('data', (c: Buffer) => { chunks.push(c); buffered += c.length; wake?.(); });
  const take = (n: number): Buffer => {
    const out = chunks.length === 1 && chunks[0]!.length === n ? chunks.shift()! : Buffer.concat(chunks.splice(0), buffered);
    if (out.length > n) chunks.unshift(out.subarray(n));
    buffered -= n;
    return out.subarray(0, n);
  };
  return async () => {
    while (buffered < 4) await new Promise<void>((r) => (wake = r));
    const head = Buffer.concat(chunks, 4).readInt32BE(0);
    while (buffered < 4 + head) await new Promise<void>((r) => (wake = r));
    return take(4 + head).subarray(4);
  };
}

try {
  if (!values.bootstrap) await new Promise((r) => setTimeout(r, 1000));
  const bootstrap = values.bootstrap ?? `127.0.0.1:${port}`;
  const [host, portText] = bootstrap.split(':');
  const admin = await RawClient.connect(bootstrap);
  if (!values['no-fill']) await admin.request(19, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  const value = Buffer.alloc(1000, 7);
  const batch = () => encodeRecordBatch({ records: Array.from({ length: 1000 }, () => ({ key: null, value })), timestamp: Date.now() });
  let written = 0;
  while (!values['no-fill'] && written < Number(values.mb) * MIB) {
    const records = batch();
    await admin.request(0, 8, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    written += records.length;
  }
  admin.close();

  const socket = net.connect({ host: host!, port: Number(portText), noDelay: true });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const next = frames(socket);
  const fetchBytes = Number(values['fetch-mb']) * MIB;
  let offset = 0;
  let bytes = 0;
  let fetches = 0;
  const started = process.hrtime.bigint();
  for (let id = 1; ; id++) {
    for (const b of encodeRequestFrame(1, 12, id, 'catchup', {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: fetchBytes, isolationLevel: Number(values.isolation), sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: fetchBytes }] }],
      forgottenTopicsData: [], rackId: '',
    } as never)) socket.write(b);
    const frame = await next();
    const { body } = decodeResponseFrame(1, 12, frame) as { body: { responses: { partitions: { highWatermark: number; records: Buffer | null }[] }[] } };
    const p = body.responses[0]!.partitions[0]!;
    const records = p.records;
    fetches++;
    bytes += frame.length;
    if (!records || records.length === 0) break;
    // next offset: walk the batch headers of this response (cheap: 61 bytes a batch). Kafka sends
    // a byte range that may end inside a batch; like every client, skip that partial batch.
    for (let pos = 0; pos + 61 <= records.length;) {
      const h = readBatchHeader(records, pos);
      if (pos + 12 + h.batchLength > records.length) break;
      offset = h.baseOffset + h.lastOffsetDelta + 1;
      pos += 12 + h.batchLength;
    }
    if (offset >= p.highWatermark) break;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ broker: values.bootstrap ? bootstrap : 'brooklet', backlogMiB: Math.round(written / MIB), fetchMiB: Number(values['fetch-mb']), fetches, seconds: +seconds.toFixed(3), MBps: Math.round(bytes / 1e6 / seconds), MiBps: +(bytes / MIB / seconds).toFixed(1), msPerFetch: +(seconds * 1000 / fetches).toFixed(3) }));
  socket.destroy();
} finally {
  if (broker) await stop(broker, 15_000);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
