/**
 * compression.type, Kafka 4.1.1 vs Brooklet: for each value (producer, uncompressed, gzip,
 * snappy, lz4, zstd) set on a topic at creation, uncompressed, gzip and zstd batches are produced
 * raw (one batch per request, as Produce v3+ carries them), then fetched raw: every batch's codec
 * and header fields (offsets, timestamps, producer fields, record count) and its records (offset,
 * key, value, headers) are compared, and a gzip batch whose payload is corrupt under a valid CRC,
 * produced to a topic that must re-compress it, is refused on both (the codes differ, see below)
 * and leaves the same high watermark. CRCs and batch lengths are left out: two libraries compress to different bytes.
 * Without Java or the Kafka jars the file skips with one line; with CI=true it fails instead.
 */
import { RECORD_BATCH_HEADER_SIZE, computeBatchCrc, encodeRecordBatch, readBatchHeader, type Compression } from '../../protocol/index.js';
import { codecName } from '../../protocol/codecs/index.js';
import { decodeRecordBatch } from '../../protocol/records.js';
import { Recorder } from '../matrix/results.js';
import type { Side } from './brokers.js';
import { createTopic } from './kafkajs-scenarios.js';
import { listOffsetRaw, produceRaw, rawRequest } from './raw.js';
import { differentialSuite, type Scenario } from './suite.js';

const CLIENT = 'kafkajs';
const T = Date.now();

function batchOf(codec: Compression, n: number): Buffer {
  return encodeRecordBatch({
    compression: codec, timestamp: T,
    records: Array.from({ length: 5 }, (_, i) => ({ key: Buffer.from(`k${n}-${i}`), value: Buffer.from(`value ${n}-${i} `.repeat(20)),
      timestamp: T + i * 3, headers: [{ key: 'n', value: Buffer.from(String(i)) }] })),
  });
}

function corruptGzip(): Buffer {
  const template = batchOf('gzip', 9);
  const out = Buffer.concat([template.subarray(0, RECORD_BATCH_HEADER_SIZE), Buffer.from('not a gzip stream, only bytes '.repeat(4))]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeUInt32BE(computeBatchCrc(out, 0), 17);
  return out;
}

/** Every batch of partition 0 from offset 0, as fetched: codec, header fields, records. */
async function fetchBatches(side: Side, topic: string) {
  const res = await rawRequest(side.bootstrap, 1, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
    isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '' });
  const p = res.responses[0].partitions[0];
  const raw: Buffer = p.records === null ? Buffer.alloc(0) : Buffer.isBuffer(p.records) ? p.records : Buffer.concat(p.records);
  const batches = [];
  for (let at = 0; at + 61 <= raw.length; at += 12 + raw.readInt32BE(at + 8)) {
    const bytes = raw.subarray(at, at + 12 + raw.readInt32BE(at + 8));
    const h = readBatchHeader(bytes, 0);
    batches.push({
      codec: codecName(h.compression), baseOffset: h.baseOffset, lastOffsetDelta: h.lastOffsetDelta, attributesBesidesCodec: h.attributes & ~7,
      baseTimestamp: h.baseTimestamp - T, maxTimestamp: h.maxTimestamp - T, producerId: h.producerId, producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence, recordsCount: h.recordsCount, crcValid: computeBatchCrc(bytes, 0) === h.crc,
      records: decodeRecordBatch(bytes).records.map((r) => ({ offset: r.offset, timestamp: r.timestamp - T, key: r.key?.toString(), value: r.value?.toString(),
        headers: r.headers.map((x) => `${x.key}=${x.value?.toString()}`) })),
    });
  }
  return { errorCode: p.errorCode, highWatermark: Number(p.highWatermark), batches };
}

function scenario(type: string): Scenario {
  return [`compression.type=${type}: codecs and records of fetched batches`, async (side) => {
    const topic = `diff-compression-${type}`;
    await createTopic(side, topic, 1, [{ name: 'compression.type', value: type }]);
    const produced = [];
    for (const [n, codec] of (['none', 'gzip', 'zstd'] as const).entries()) {
      produced.push(await produceRaw(side.bootstrap, topic, 0, batchOf(codec, n)));
    }
    // A corrupt batch only where the topic makes the broker open it (Brooklet stores a batch it
    // does not re-compress as sent: a README difference).
    const corrupt = type === 'producer' || type === 'gzip' ? null : await produceRaw(side.bootstrap, topic, 0, corruptGzip());
    return {
      produced: produced.map((p) => ({ errorCode: p.errorCode, baseOffset: Number(p.baseOffset) })),
      // Refused on both; the code differs: Kafka 4.1.1 answers UNKNOWN_SERVER_ERROR for a gzip
      // stream it cannot read (the codec's exception is not a CorruptRecordException), Brooklet
      // CORRUPT_MESSAGE (README, differences table; test/faults/hostile-recompression.test.ts).
      corrupt: corrupt && { refused: corrupt.errorCode !== 0, baseOffset: Number(corrupt.baseOffset) },
      fetched: await fetchBatches(side, topic),
    };
  }];
}

/** ListOffsets by timestamp into compressed batches (records 3 ms apart): the exact record on both. */
const listOffsetsInCompressed: Scenario = ['ListOffsets by timestamp inside compressed batches', async (side) => {
  const topic = 'diff-compression-list-offsets';
  await createTopic(side, topic, 1);
  for (const [n, codec] of (['gzip', 'snappy', 'lz4', 'zstd'] as const).entries()) {
    const b = encodeRecordBatch({ compression: codec, records: Array.from({ length: 5 }, (_, i) => ({ key: null, value: Buffer.from(`v${n}-${i}`), timestamp: T + n * 100 + i * 3 })) });
    await produceRaw(side.bootstrap, topic, 0, b);
  }
  const answers: Record<string, unknown> = {};
  for (const at of [0, 1, 4, 12, 13, 99, 100, 107, 205, 310, 312, 313]) {
    const a = await listOffsetRaw(side.bootstrap, topic, 0, T + at);
    answers[at] = { errorCode: a.errorCode, offset: Number(a.offset), timestamp: Number(a.timestamp) < 0 ? Number(a.timestamp) : Number(a.timestamp) - T };
  }
  return answers;
}];

const rec = new Recorder('differential-topic-compression');
differentialSuite('differential: compression.type at produce, Kafka vs Brooklet', rec, CLIENT,
  [...['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'].map(scenario), listOffsetsInCompressed]);
