/**
 * Batches a hostile or broken client produces to topics whose compression.type makes Brooklet
 * open them (zstd and uncompressed), over a real socket: corrupt gzip, snappy, lz4 and zstd
 * payloads under a valid CRC, a batch whose CRC fails, records that do not frame inside a good
 * payload, and decompression bombs (96 MiB of zeros in a few KiB of gzip and zstd). Each is
 * answered CORRUPT_MESSAGE, as Kafka answers; nothing of the request is appended (a good batch
 * sent in the same request with a bad one is not written either), the bombs are not inflated
 * past the cap, and the broker keeps serving: the next good produce lands at offset 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecId, compressPayload } from '../../protocol/codecs/index.js';
import { ErrorCode, RECORD_BATCH_HEADER_SIZE, computeBatchCrc } from '../../protocol/index.js';
import { decodeRecordBatch, encodeRecordBatch, type Compression } from '../../protocol/records.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
let broker: Broker;
let client: RawClient;

beforeAll(async () => {
  broker = await startTestBroker();
  client = await RawClient.connect(broker.bootstrap);
  for (const [name, type] of [['to-zstd', 'zstd'], ['to-none', 'uncompressed']]) {
    const configs = [{ name: 'compression.type', value: type }];
    const { body } = await client.request(19, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 5000, validateOnly: false });
    expect(body.topics[0].errorCode).toBe(ErrorCode.NONE);
  }
}, 60_000);
afterAll(async () => {
  client?.close();
  await broker?.close();
});

function batch(compression: Compression, value = 'v'): Buffer {
  return encodeRecordBatch({ records: [{ key: Buffer.from('k'), value: Buffer.from(value) }, { key: null, value: Buffer.from('second') }], compression });
}

/** `template` with its payload replaced; the CRC recomputed so that only the payload is wrong. */
function withPayload(template: Buffer, payload: Buffer): Buffer {
  const out = Buffer.concat([template.subarray(0, RECORD_BATCH_HEADER_SIZE), payload]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeUInt32BE(computeBatchCrc(out, 0), 17);
  return out;
}

async function produce(topic: string, records: Buffer): Promise<{ errorCode: number; baseOffset: number }> {
  const res = await client.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  const answer = res.body.responses[0].partitionResponses[0];
  return { errorCode: answer.errorCode, baseOffset: Number(answer.baseOffset) };
}

function logBytes(topic: string): number {
  const dir = path.join(broker.dataDir, `${topic}-0`);
  return fs.readdirSync(dir).filter((n) => n.endsWith('.log')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

const garbage = Buffer.from('this is not a compressed payload at all, only bytes'.repeat(3));
const bomb = (c: Compression): Buffer => encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(96 << 20) }], compression: c });
const badCrc = (): Buffer => {
  const b = batch('gzip');
  b[b.length - 2]! ^= 0x55;
  return b;
};
const unframed = (): Buffer => {
  const records = batch('none').subarray(RECORD_BATCH_HEADER_SIZE);
  return withPayload(batch('gzip'), compressPayload(codecId('gzip'), Buffer.concat([records, Buffer.from([1, 2, 3])])));
};

const HOSTILE: Array<[string, () => Buffer]> = [
  ['a corrupt gzip payload', () => withPayload(batch('gzip'), garbage)],
  ['a corrupt snappy payload', () => withPayload(batch('snappy'), garbage)],
  ['a corrupt lz4 payload', () => withPayload(batch('lz4'), garbage)],
  ['a corrupt zstd payload', () => withPayload(batch('zstd'), garbage)],
  ['a gzip batch whose CRC fails', badCrc],
  ['gzip records that do not frame (bytes after the last record)', unframed],
  ['a gzip bomb (96 MiB of zeros)', () => bomb('gzip')],
  ['a zstd bomb (96 MiB of zeros)', () => bomb('zstd')],
  ['a good batch followed by a corrupt one in the same request', () => Buffer.concat([batch('gzip'), withPayload(batch('lz4'), garbage)])],
];

describe('hostile batches to topics that re-compress', () => {
  for (const topic of ['to-zstd', 'to-none']) {
    // A batch already in the topic's codec is stored as sent, never opened: not a case here.
    for (const [what, make] of HOSTILE.filter(([w]) => topic !== 'to-zstd' || !w.includes('zstd'))) {
      it(`${topic}: ${what} is CORRUPT_MESSAGE and nothing is appended`, async () => {
        const records = make();
        if (what.includes('bomb')) expect(records.length).toBeLessThan(200_000);
        const before = logBytes(topic);
        expect(await produce(topic, records)).toEqual({ errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 });
        expect(logBytes(topic)).toBe(before);
      });
    }

    it(`${topic}: the broker still serves; the first good batch lands at offset 0 in the topic's codec`, async () => {
      expect(await produce(topic, batch('gzip', 'good'))).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0 });
      const dir = path.join(broker.dataDir, `${topic}-0`);
      const file = fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort()[0]!;
      const stored = fs.readFileSync(path.join(dir, file));
      expect(stored.readInt16BE(21) & 7).toBe(topic === 'to-zstd' ? 4 : 0);
      expect(decodeRecordBatch(stored).records.map((r) => r.value?.toString())).toEqual(['good', 'second']);
    });
  }
});
