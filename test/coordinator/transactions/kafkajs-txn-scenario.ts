/**
 * The kafkajs transaction scenarios shared by the Brooklet test and the differential suite:
 * three transactions over two partitions (commit, abort, commit) with sendOffsets, a zombie
 * producer, and consumers that read until given values arrived, in either isolation level.
 */
import type { Kafka } from 'kafkajs';
import { RawClient } from '../../helpers/raw-client.js';

export interface TxnScenarioResult {
  /** Per partition of `out`, once every marker landed (Kafka writes them after EndTxn answers). */
  highWatermarks: number[];
  lastStableOffsets: number[];
  committed: { offset: string };
}

export async function runTransactions(kafka: Kafka, bootstrap: string, out: string, input: string, groupId: string): Promise<TxnScenarioResult> {
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
  const settled = await settledOffsets(bootstrap, out, [0, 1]);
  return { ...settled, committed: { offset: await stableCommittedOffset(bootstrap, groupId, input, 0) } };
}

/** ListOffsets latest under both isolation levels, polled until they agree on every partition. */
export async function settledOffsets(bootstrap: string, topic: string, partitions: number[]) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const highWatermarks = await latestOffsets(bootstrap, topic, partitions, 0);
    const lastStableOffsets = await latestOffsets(bootstrap, topic, partitions, 1);
    if (highWatermarks.every((hw, i) => hw === lastStableOffsets[i])) return { highWatermarks, lastStableOffsets };
    if (Date.now() > deadline) return { highWatermarks, lastStableOffsets };
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function latestOffsets(bootstrap: string, topic: string, partitions: number[], isolationLevel: number): Promise<number[]> {
  const client = await RawClient.connect(bootstrap);
  try {
    const { body } = await client.request(2, 5, { replicaId: -1, isolationLevel,
      topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: -1 })) }] });
    // Kafka may answer partitions in any order.
    const byIndex = new Map<number, number>(body.topics[0].partitions.map((p: { partitionIndex: number; offset: bigint | number }) => [p.partitionIndex, Number(p.offset)]));
    return partitions.map((p) => byIndex.get(p) ?? -1);
  } finally {
    client.socket.destroy();
  }
}

/** OffsetFetch v7 with require_stable, retried while it answers UNSTABLE_OFFSET_COMMIT (88). */
export async function stableCommittedOffset(bootstrap: string, groupId: string, topic: string, partition: number): Promise<string> {
  const deadline = Date.now() + 30_000;
  const client = await RawClient.connect(bootstrap);
  try {
    for (;;) {
      const { body } = await client.request(9, 7, { groupId, topics: [{ name: topic, partitionIndexes: [partition] }], requireStable: true });
      const p = body.topics[0].partitions[0];
      if (p.errorCode !== 88 || Date.now() > deadline) return p.errorCode === 0 ? String(p.committedOffset) : `error ${p.errorCode}`;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.socket.destroy();
  }
}

/**
 * A zombie: a producer whose transactional id was taken over by a newer instance while its own
 * transaction was open. What each side sees, as kafkajs error types and values read back.
 */
export async function zombie(kafka: Kafka, topic: string, transactionalId: string) {
  const old = kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true, retry: { retries: 1, initialRetryTime: 100 } });
  const successor = kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true });
  await old.connect();
  try {
    const zombieTxn = await old.transaction();
    await zombieTxn.send({ topic, messages: [{ value: 'from-zombie' }] });
    await successor.connect(); // fences the old producer: its open transaction is aborted
    const txn = await successor.transaction();
    await txn.send({ topic, messages: [{ value: 'from-successor' }] });
    await txn.commit();
    const type = (e: unknown) => (e as { type?: string }).type ?? (e as Error).name;
    const lateSend = await zombieTxn.send({ topic, messages: [{ value: 'late' }] }).then(() => 'accepted', type);
    const lateCommit = await zombieTxn.commit().then(() => 'accepted', type);
    return { lateSend, lateCommit };
  } finally {
    await old.disconnect().catch(() => {});
    await successor.disconnect().catch(() => {});
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
