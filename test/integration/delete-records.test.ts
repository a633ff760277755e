/**
 * DeleteRecords (21) through real clients: kafkajs admin.deleteTopicRecords, and every version
 * over the raw wire with Kafka's error codes; the low watermark survives a restart.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const DELETE_RECORDS = 21;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startTestBroker({ segmentBytes: 2048 });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'delete-records', logLevel: logLevel.NOTHING });
});
afterAll(async () => {
  await broker?.close();
});

async function produce(topic: string, count: number, partition = 0): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < count; i += 10) {
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, j) => ({ partition, key: `k${i + j}`, value: `value-${i + j}-${'x'.repeat(100)}` })) });
  }
  await producer.disconnect();
}

describe('DeleteRecords', () => {
  it('kafkajs admin.deleteTopicRecords moves the low watermark; consumers and ListOffsets see it', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'purge', numPartitions: 2 }] });
    await produce('purge', 100, 0);
    await produce('purge', 20, 1);
    await admin.fetchTopicMetadata({ topics: ['purge'] }); // kafkajs finds leaders in its cached metadata
    await admin.deleteTopicRecords({ topic: 'purge', partitions: [{ partition: 0, offset: '60' }, { partition: 1, offset: '-1' }] });
    const offsets = await admin.fetchTopicOffsets('purge');
    const byPartition = new Map(offsets.map((o) => [o.partition, o]));
    expect(byPartition.get(0)).toMatchObject({ low: '60', high: '100' });
    expect(byPartition.get(1)).toMatchObject({ low: '20', high: '20' });

    // A consumer from the beginning starts at the low watermark.
    const consumer = kafka.consumer({ groupId: 'purge-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'purge', fromBeginning: true });
    const seen: number[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (partition === 0) seen.push(Number(message.offset));
          if (seen.length === 40) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen[0]).toBe(60);
    expect(seen.at(-1)).toBe(99);

    // A fetch below the low watermark is OFFSET_OUT_OF_RANGE; ListOffsets earliest answers it.
    const client = await RawClient.connect(broker.bootstrap);
    try {
      const fetchAt = async (offset: number) => (await client.request(1, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'purge', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })).body.responses[0].partitions[0];
      expect((await fetchAt(59)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
      const inside = await fetchAt(60);
      expect({ errorCode: inside.errorCode, logStartOffset: Number(inside.logStartOffset) }).toEqual({ errorCode: ErrorCode.NONE, logStartOffset: 60 });
      const { body } = await client.request(2, 1, { replicaId: -1, topics: [{ name: 'purge', partitions: [{ partitionIndex: 0, timestamp: -2 }] }] });
      expect(Number(body.topics[0].partitions[0].offset)).toBe(60);
    } finally {
      client.close();
    }

    // kafkajs surfaces OFFSET_OUT_OF_RANGE for an offset past the high watermark.
    await expect(admin.deleteTopicRecords({ topic: 'purge', partitions: [{ partition: 0, offset: '101' }] })).rejects.toThrow();
    await admin.disconnect();
  });

  it('answers every version with Kafka codes per partition', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wire-dr', numPartitions: 1 }, { topic: 'compacted-dr', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    await admin.setOffsets({ groupId: 'wire-dr-group', topic: 'wire-dr', partitions: [{ partition: 0, offset: '0' }] }); // makes __consumer_offsets
    await admin.disconnect();
    await produce('wire-dr', 30);
    const client = await RawClient.connect(broker.bootstrap);
    try {
      for (const version of [0, 1, 2]) {
        const { body } = await client.request(DELETE_RECORDS, version, {
          timeoutMs: 1000,
          topics: [
            { name: 'wire-dr', partitions: [{ partitionIndex: 0, offset: 5 + version }, { partitionIndex: 3, offset: 0 }] },
            { name: 'wire-dr', partitions: [{ partitionIndex: 0, offset: 31 }, { partitionIndex: 0, offset: -7 }] },
            { name: 'compacted-dr', partitions: [{ partitionIndex: 0, offset: 0 }] },
            { name: 'no-such-topic', partitions: [{ partitionIndex: 0, offset: 0 }] },
            { name: '__consumer_offsets', partitions: [{ partitionIndex: 0, offset: 0 }] },
          ],
        });
        const answers = body.topics.flatMap((t: any) => t.partitions.map((p: any) => [t.name, p.partitionIndex, p.errorCode, Number(p.lowWatermark)]));
        expect(answers).toEqual([
          ['wire-dr', 0, ErrorCode.NONE, 5 + version],
          ['wire-dr', 3, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
          ['wire-dr', 0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
          ['wire-dr', 0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
          ['compacted-dr', 0, ErrorCode.POLICY_VIOLATION, -1],
          ['no-such-topic', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
          ['__consumer_offsets', 0, ErrorCode.INVALID_TOPIC_EXCEPTION, -1],
        ]);
      }
    } finally {
      client.close();
    }
  });
});
