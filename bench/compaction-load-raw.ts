/**
 * Network load for the compaction benchmark (bench/compaction-kafka.ts), a bare protocol client
 * run as its own process on the client core: one connection produces (acks=1, 100 records of
 * 1,000 bytes a batch, 4 requests in flight) to partition 0 of --produce-topic while a second
 * connection reads partition 0 of --fetch-topic from offset 0 to its end over and over (Fetch
 * v12, 1 MiB a request, one in flight). Every 20 ms it notes the bytes acknowledged and fetched so
 * far against the wall clock (ms since the epoch, sub-millisecond), so the caller can take the
 * throughput of any window, such as the seconds a clean ran. Runs until SIGTERM or --seconds,
 * then prints one JSON line: { timeline: [[ms, producedBytes, fetchedBytes], ...] }.
 *
 *   node dist/bench/compaction-load-raw.js --bootstrap HOST:PORT --produce-topic T --fetch-topic U [--seconds 600]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { decodeResponseFrame, encodeRecordBatch, encodeRequestFrame, readBatchHeader } from '../protocol/index.js';

const { values } = parseArgs({ options: {
  bootstrap: { type: 'string' }, 'produce-topic': { type: 'string' }, 'fetch-topic': { type: 'string' }, seconds: { type: 'string', default: '600' },
} });
const [host, port] = values.bootstrap!.split(':');
const now = () => performance.timeOrigin + performance.now();
let produced = 0;
let fetched = 0;
let stopped = false;

/** Response frames of one connection, in order, without re-copying the buffered chunks per read. */
function connect(): Promise<{ socket: net.Socket; next: () => Promise<Buffer> }> {
  const socket = net.connect({ host: host!, port: Number(port), noDelay: true });
  const chunks: Buffer[] = [];
  let buffered = 0;
  let wake: (() => void) | null = null;
  socket.on('data', (c: Buffer) => { chunks.push(c); buffered += c.length; wake?.(); });
  // A broker that closes a connection before the run was stopped fails the run: a load that
  // quietly stopped would read as a broker slowed down by the clean.
  socket.on('close', () => {
    if (!stopped) {
      process.stderr.write('the broker closed a load connection\n');
      process.exit(1);
    }
    wake?.();
  });
  const next = async (): Promise<Buffer> => {
    const wait = () => new Promise<void>((r) => (wake = r));
    while (buffered < 4 && !stopped) await wait();
    if (buffered < 4) throw new Error('connection closed');
    const size = Buffer.concat(chunks, 4).readInt32BE(0);
    while (buffered < 4 + size && !stopped) await wait();
    if (buffered < 4 + size) throw new Error('connection closed');
    const all = Buffer.concat(chunks.splice(0), buffered);
    if (all.length > 4 + size) chunks.push(all.subarray(4 + size));
    buffered -= 4 + size;
    return all.subarray(4, 4 + size);
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, next }));
    socket.once('error', reject);
  });
}

async function produceLoop(): Promise<void> {
  const topic = values['produce-topic']!;
  const { socket, next } = await connect();
  const value = Buffer.alloc(1000, 7);
  let id = 0;
  let inFlight = 0;
  const sizes: number[] = [];
  while (!stopped) {
    while (inFlight < 4) {
      const records = encodeRecordBatch({ timestamp: Date.now(), records: Array.from({ length: 100 }, () => ({ key: null, value })) });
      for (const b of encodeRequestFrame(0, 8, ++id, 'compaction-load', { transactionalId: null, acks: 1, timeoutMs: 30_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] } as never)) socket.write(b);
      sizes.push(records.length);
      inFlight++;
    }
    const frame = await next().catch(() => null);
    if (!frame) break;
    const body = decodeResponseFrame(0, 8, frame).body as { responses: { partitionResponses: { errorCode: number }[] }[] };
    const code = body.responses[0]!.partitionResponses[0]!.errorCode;
    if (code !== 0) throw new Error(`Produce: error ${code}`);
    produced += sizes.shift()!;
    inFlight--;
  }
  socket.destroy();
}

async function fetchLoop(): Promise<void> {
  const topic = values['fetch-topic']!;
  const { socket, next } = await connect();
  const maxBytes = 1 << 20;
  let offset = 0;
  for (let id = 1; !stopped; id++) {
    for (const b of encodeRequestFrame(1, 12, id, 'compaction-load', {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: maxBytes }] }],
      forgottenTopicsData: [], rackId: '',
    } as never)) socket.write(b);
    const frame = await next().catch(() => null);
    if (!frame) break;
    const body = decodeResponseFrame(1, 12, frame).body as { responses: { partitions: { errorCode: number; highWatermark: number; records: Buffer | null }[] }[] };
    const p = body.responses[0]!.partitions[0]!;
    if (p.errorCode !== 0) throw new Error(`Fetch: error ${p.errorCode}`);
    const records = p.records ?? Buffer.alloc(0);
    // Count whole batches only (a broker may cut the last one short), and continue after them.
    for (let pos = 0; pos + 61 <= records.length;) {
      const h = readBatchHeader(records, pos);
      if (pos + 12 + h.batchLength > records.length) break;
      offset = Number(h.baseOffset) + h.lastOffsetDelta + 1;
      fetched += 12 + h.batchLength;
      pos += 12 + h.batchLength;
    }
    if (offset >= Number(p.highWatermark)) offset = 0;
  }
  socket.destroy();
}

const timeline: Array<[number, number, number]> = [[now(), 0, 0]];
const sampler = setInterval(() => timeline.push([now(), produced, fetched]), 20);
const finish = () => {
  if (stopped) return;
  stopped = true;
  clearInterval(sampler);
  timeline.push([now(), produced, fetched]);
  process.stdout.write(JSON.stringify({ timeline: timeline.splice(0).map(([t, p, f]) => [+t.toFixed(1), p, f]) }) + '\n', () => process.exit(0));
};
process.once('SIGTERM', finish);
setTimeout(finish, Number(values.seconds) * 1000).unref();
process.stdout.write('ready\n');
await Promise.all([produceLoop(), fetchLoop()]).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
