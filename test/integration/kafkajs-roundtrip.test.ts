/**
 * kafkajs 2.2.4, unchanged, against Brooklet: 100,000 records with keys, null keys, headers and
 * gzip batches to a 3-partition topic, every record read back by offset through Fetch with
 * identical key, value, headers and timestamp; admin creates and deletes topics.
 */
import { Kafka, CompressionTypes, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { KafkajsFetcher } from '../helpers/kafkajs-fetch.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

interface Sent {
  key: string | null;
  value: string;
  headers?: Record<string, string>;
  timestamp: string;
}

describe('kafkajs producer and fetch round trip', () => {
  let broker: Broker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'roundtrip', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
  });
  afterAll(async () => broker?.close());

  it('reads back 100,000 records with identical keys, values, headers and timestamps', async () => {
    const topic = 'roundtrip';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const total = 100_000;
    const perSend = 2_000;
    const expected: Sent[][] = [[], [], []];
    const baseTime = Date.now() - 1_000_000;
    for (let start = 0; start < total; start += perSend) {
      const messages = [];
      for (let i = start; i < start + perSend; i++) {
        const partition = i % 3;
        const sent: Sent = {
          key: i % 7 === 0 ? null : `key-${i}`,
          value: `value-${i}-${'x'.repeat(i % 50)}`,
          timestamp: String(baseTime + i),
          ...(i % 5 === 0 ? { headers: { source: 'roundtrip', index: String(i) } } : {}),
        };
        expected[partition]!.push(sent);
        messages.push({ partition, ...sent });
      }
      const compression = (start / perSend) % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None;
      await producer.send({ topic, acks: -1, compression, messages });
    }
    await producer.disconnect();

    const fetcher = new KafkajsFetcher(broker.bootstrap);
    await fetcher.connect(topic);
    try {
      for (let partition = 0; partition < 3; partition++) {
        const got = await fetcher.readAll(topic, partition);
        const want = expected[partition]!;
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) {
          const m = got[i]!;
          const w = want[i]!;
          expect(Number(m.offset)).toBe(i);
          expect(m.key === null ? null : m.key.toString()).toBe(w.key);
          expect(m.value!.toString()).toBe(w.value);
          expect(m.timestamp).toBe(w.timestamp);
          const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, String(v)]));
          expect(headers).toEqual(w.headers ?? {});
        }
      }
    } finally {
      await fetcher.disconnect();
    }
  });

  it('admin creates, lists and deletes topics', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 2 }, { topic: 'admin-b' }] })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a' }] })).toBe(false);
      const listed = await admin.listTopics();
      expect(listed).toEqual(expect.arrayContaining(['admin-a', 'admin-b']));
      const meta = await admin.fetchTopicMetadata({ topics: ['admin-a'] });
      expect(meta.topics[0]!.partitions).toHaveLength(2);
      await admin.deleteTopics({ topics: ['admin-a'] });
      expect(await admin.listTopics()).not.toContain('admin-a');
      const rejected = await admin.createTopics({ topics: [{ topic: 'bad name!' }] }).catch((err) => err);
      expect(rejected.errors.map((e: { type: string }) => e.type)).toEqual(['INVALID_TOPIC_EXCEPTION']);
    } finally {
      await admin.disconnect();
    }
  });
});
