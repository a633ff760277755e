/**
 * kafkajs 2.2.4 consumers, unchanged, against Brooklet's group coordinator: consumer.run with
 * eachMessage (auto commit) and eachBatch (auto and manual commit) each process every record
 * of a 50,000-record stream, and the group's committed offsets end at the log end.
 */
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { createTopic, FAST_GROUP, kafkaFor, produceNumbered, waitFor } from './groups-helpers.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

const TOTAL = 50_000;
const PARTITIONS = 3;

describe('kafkajs consumer.run through the group coordinator', () => {
  let broker: Broker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = kafkaFor(broker.bootstrap, 'groups-kafkajs');
    await createTopic(kafka, 'stream', PARTITIONS);
    await produceNumbered(kafka, 'stream', 0, TOTAL, PARTITIONS);
  });
  afterAll(async () => broker?.close());

  async function committedTotal(groupId: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    const [topic] = await admin.fetchOffsets({ groupId, topics: ['stream'] });
    await admin.disconnect();
    return topic!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
  }

  it('eachMessage with auto commit processes every record and commits the log end', async () => {
    const seen = new Set<number>();
    const consumer = kafka.consumer({ groupId: 'each-message', ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: 'stream', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.add(Number(message.value!.toString())); } });
    await waitFor('every record', () => seen.size === TOTAL, 60_000);
    await consumer.disconnect(); // commits what was resolved, then leaves the group
    expect(seen.size).toBe(TOTAL);
    expect(await committedTotal('each-message')).toBe(TOTAL);
  });

  it('eachBatch with auto commit processes every record', async () => {
    const seen = new Set<number>();
    const consumer = kafka.consumer({ groupId: 'each-batch-auto', ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: 'stream', fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => { for (const m of batch.messages) seen.add(Number(m.value!.toString())); },
    });
    await waitFor('every record', () => seen.size === TOTAL, 60_000);
    await consumer.disconnect();
    expect(await committedTotal('each-batch-auto')).toBe(TOTAL);
  });

  it('eachBatch with manual commits (autoCommit off) processes every record and commits exactly what it said', async () => {
    const seen = new Set<number>();
    const consumer = kafka.consumer({ groupId: 'each-batch-manual', ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: 'stream', fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          seen.add(Number(m.value!.toString()));
          resolveOffset(m.offset);
        }
        const next = String(Number(batch.lastOffset()) + 1);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
        await heartbeat();
      },
    });
    await waitFor('every record', () => seen.size === TOTAL, 60_000);
    await consumer.disconnect();
    expect(await committedTotal('each-batch-manual')).toBe(TOTAL);
  });
});
