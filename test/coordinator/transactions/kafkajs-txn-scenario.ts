/**
 * The kafkajs transaction scenario shared by the Brooklet test and the differential suite:
 * three transactions over two partitions (commit, abort, commit) with sendOffsets, and consumers
 * that read until given values arrived, in either isolation level.
 */
import type { Kafka } from 'kafkajs';

export interface TxnScenarioResult {
  highWatermarks: number[];
  committed: { offset: string };
}

export async function runTransactions(kafka: Kafka, out: string, input: string, groupId: string): Promise<TxnScenarioResult> {
  const producer = kafka.producer({ transactionalId: `${out}-producer`, maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  try {
    const first = await producer.transaction();
    await first.send({ topic: out, messages: [{ value: 'c1', partition: 0 }, { value: 'c2', partition: 0 }, { value: 'c3', partition: 1 }] });
    await first.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] });
    await first.commit();

    const second = await producer.transaction();
    await second.send({ topic: out, messages: [{ value: 'a1', partition: 0 }, { value: 'a2', partition: 1 }] });
    await second.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '9' }] }] });
    await second.abort();

    const third = await producer.transaction();
    await third.send({ topic: out, messages: [{ value: 'c4', partition: 0 }, { value: 'c5', partition: 1 }] });
    await third.commit();
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(out);
    const highWatermarks = offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
    const [group] = await admin.fetchOffsets({ groupId, topics: [input] });
    return { highWatermarks, committed: { offset: group!.partitions.find((p) => p.partition === 0)!.offset } };
  } finally {
    await admin.disconnect();
  }
}

/** Values by partition as "value@offset", read by a group consumer until every value in `last` arrived. */
export async function consumeUntil(kafka: Kafka, topic: string, groupId: string, readUncommitted: boolean, last: string[]): Promise<Record<number, string[]>> {
  const consumer = kafka.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 200 });
  const seen: Record<number, string[]> = {};
  const waiting = new Set(last);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still waiting for ${[...waiting].join(', ')}; saw ${JSON.stringify(seen)}`)), 60_000);
      consumer.run({
        eachMessage: async ({ partition, message }) => {
          const value = message.value?.toString() ?? 'null';
          (seen[partition] ??= []).push(`${value}@${message.offset}`);
          waiting.delete(value);
          if (waiting.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
