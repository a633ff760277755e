/**
 * A topic's compression.type applied at produce, end to end with real clients: kafkajs produces
 * uncompressed or gzip batches (idempotent too) to topics whose compression.type is zstd or
 * uncompressed (set at CreateTopics), lz4 (set afterwards with AlterConfigs, effective for the
 * next produce) or snappy (the broker's default, set with AlterConfigs on the broker). Every batch in the partition's segment files must carry the topic's codec, and
 * kafkajs and librdkafka (confluent-kafka for Python, CRC checks on) must read the same records
 * at the same offsets. A topic left at `producer` keeps the producer's codec.
 *
 * kafkajs reads only gzip by itself; its codec hooks are given Brooklet's snappy, lz4 and zstd codecs for
 * the other topics, so librdkafka (its own codecs, CRC checks on) is the independent reader.
 *
 * The librdkafka peer not installed fails the file when CI=true, and otherwise skips it with one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressPayload, decompressPayload } from '../../protocol/codecs/index.js';
import { decodeRecordBatch } from '../../protocol/records.js';
import { startTestBroker } from '../helpers/broker.js';
import { keyedPeer, type KeyedRecord } from './keyed-peer.js';
import { librdkafkaPeer, runPeer } from './peers.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

/** Every batch of the partition's segment files: its codec and records. */
function storedBatches(dir: string): Array<{ codec: number; records: KeyedRecord[] }> {
  const out: Array<{ codec: number; records: KeyedRecord[] }> = [];
  for (const name of fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).sort()) {
    const bytes = fs.readFileSync(path.join(dir, name));
    for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
      const batch = bytes.subarray(at, at + 12 + bytes.readInt32BE(at + 8));
      const records = decodeRecordBatch(batch).records.map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null }));
      out.push({ codec: batch.readInt16BE(21) & 7, records });
    }
  }
  return out;
}

for (const [type, id] of [[CompressionTypes.Snappy, 2], [CompressionTypes.LZ4, 3], [CompressionTypes.ZSTD, 4]] as const) {
  CompressionCodecs[type] = () => ({
    compress: async (encoder: { buffer: Buffer }) => compressPayload(id, encoder.buffer),
    decompress: async (buffer: Buffer) => decompressPayload(id, buffer),
  });
}

const missing = librdkafkaPeer.missing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping topic compression tests: ${missing}`);

const CASES = [
  { topic: 'tc-zstd', type: 'zstd', codec: 4, how: 'createTopics' },
  { topic: 'tc-uncompressed', type: 'uncompressed', codec: 0, how: 'createTopics' },
  { topic: 'tc-lz4', type: 'lz4', codec: 3, how: 'alterConfigs' },
  { topic: 'tc-producer', type: 'producer', codec: null, how: 'createTopics' },
  // Last: the broker's default then holds for every topic without its own value.
  { topic: 'tc-broker-default', type: 'snappy', codec: 2, how: 'the broker default' },
] as const;

describe.skipIf(missing !== null && !mustRun)('compression.type applied at produce, with kafkajs and librdkafka', () => {
  let broker: Broker;
  let kafka: Kafka;
  let plain: Producer;
  let idempotent: Producer;

  beforeAll(async () => {
    if (missing) throw new Error(`the librdkafka peer is required when CI=true: ${missing}`);
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'topic-compression', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    plain = kafka.producer();
    idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await plain.connect();
    await idempotent.connect();
  }, 60_000);
  afterAll(async () => {
    await plain?.disconnect();
    await idempotent?.disconnect();
    await broker?.close();
  });

  for (const c of CASES) {
    it(`${c.type} (set by ${c.how}): stored batches carry the topic's codec, both clients read the records`, async () => {
      const admin = kafka.admin();
      await admin.connect();
      const configEntries = c.how === 'createTopics' ? [{ name: 'compression.type', value: c.type }] : [];
      await admin.createTopics({ topics: [{ topic: c.topic, numPartitions: 1, configEntries }] });
      if (c.how === 'the broker default') {
        const { brokers } = await admin.describeCluster();
        await admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: String(brokers[0]!.nodeId), configEntries: [{ name: 'compression.type', value: c.type }] }] });
      }
      if (c.how === 'alterConfigs') {
        await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: c.topic, configEntries: [{ name: 'compression.type', value: c.type }] }] });
      }
      await admin.disconnect();

      const expected: KeyedRecord[] = [];
      let offset = 0;
      const rounds: Array<[Producer, CompressionTypes]> = [
        [plain, CompressionTypes.None], [plain, CompressionTypes.GZIP], [idempotent, CompressionTypes.GZIP], [idempotent, CompressionTypes.None],
      ];
      for (const [round, [producer, compression]] of rounds.entries()) {
        const messages = Array.from({ length: 25 }, (_, i) => ({ key: `k${round}-${i}`, value: `round ${round} record ${i} `.repeat(8) }));
        const [meta] = await producer.send({ topic: c.topic, compression, messages });
        expect(meta!.errorCode).toBe(0);
        expect(Number(meta!.baseOffset)).toBe(offset);
        for (const m of messages) expected.push({ offset: offset++, key: m.key, value: m.value });
      }

      const batches = storedBatches(path.join(broker.dataDir, `${c.topic}-0`));
      expect(batches.flatMap((b) => b.records)).toEqual(expected);
      const producerCodecs = [0, 1, 1, 0];
      expect(batches.map((b) => b.codec)).toEqual(c.codec === null ? producerCodecs : producerCodecs.map(() => c.codec));

      const consumer = kafka.consumer({ groupId: `tc-${c.topic}` });
      await consumer.connect();
      await consumer.subscribe({ topic: c.topic, fromBeginning: true });
      const seen: KeyedRecord[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kafkajs read ${seen.length} of ${expected.length} records`)), 30_000);
        consumer.run({
          eachMessage: async ({ message }) => {
            seen.push({ offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
            if (seen.length === expected.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        }).catch(reject);
      });
      await consumer.disconnect();
      expect(seen).toEqual(expected);

      const rdkafka = await runPeer(keyedPeer, ['consume', '--bootstrap', broker.bootstrap, '--topic', c.topic, '--timeout-ms', '30000'], 60_000);
      expect(rdkafka.code, rdkafka.stderr).toBe(0);
      expect(rdkafka.records as unknown as KeyedRecord[]).toEqual(expected);
    }, 120_000);
  }

  it('a transactional producer to a zstd topic: data batches re-compressed with their transactional bit, the marker untouched, read_committed reads them', async () => {
    const topic = 'tc-txn';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'compression.type', value: 'zstd' }] }] });
    await admin.disconnect();
    const producer = kafka.producer({ transactionalId: 'tc-txn', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic, compression: CompressionTypes.GZIP, messages: Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: `txn ${i}` })) });
    await txn.commit();
    await producer.disconnect();

    const dir = path.join(broker.dataDir, `${topic}-0`);
    const file = fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort()[0]!;
    const bytes = fs.readFileSync(path.join(dir, file));
    const attributes: number[] = [];
    for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) attributes.push(bytes.readInt16BE(at + 21));
    // zstd + transactional (0x10); then the commit marker: control + transactional, no codec.
    expect(attributes).toEqual([0x14, 0x30]);

    const consumer = kafka.consumer({ groupId: 'tc-txn-reader', readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kafkajs read ${seen.length} of 10 records`)), 30_000);
      consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.offset}:${message.value?.toString()}`);
          if (seen.length === 10) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).catch(reject);
    });
    await consumer.disconnect();
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `${i}:txn ${i}`));
  }, 60_000);

  it('kafkajs admin.fetchTopicOffsetsByTimestamp finds the exact record inside a gzip batch', async () => {
    const topic = 'tc-by-time';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const t = Date.now() - 60_000;
    await plain.send({ topic, compression: CompressionTypes.GZIP, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, timestamp: String(t + i * 10) })) });
    const answers = [];
    for (const at of [t, t + 35, t + 90]) answers.push(Number((await admin.fetchTopicOffsetsByTimestamp(topic, at))[0]!.offset));
    await admin.disconnect();
    expect(answers).toEqual([0, 4, 9]);
  }, 60_000);

});
