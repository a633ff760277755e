/**
 * read_committed through real clients: kafkajs 2.2.4 transactional producer commits and aborts,
 * kafkajs consumers with readUncommitted false never see an aborted record and see every
 * committed one (in order, beside plain records); with readUncommitted true they see everything.
 * An open transaction holds the last stable offset: a read_committed consumer waits at it (its
 * long poll woken by the commit marker), ListOffsets answers it as latest under isolation 1, and
 * the raw Fetch reports it with the aborted transactions of the range.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../differential/raw.js';
import { startTestBroker } from '../helpers/broker.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

/** Values a consumer of `topic` sees until it has `count` of them (or the timeout). */
async function consume(kafka: Kafka, topic: string, readUncommitted: boolean, count: number, group: string): Promise<{ values: string[]; consumer: Consumer }> {
  const consumer = kafka.consumer({ groupId: group, readUncommitted, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  let done!: () => void;
  const enough = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value!.toString());
      if (values.length >= count) done();
    },
  });
  await Promise.race([enough, new Promise((r) => setTimeout(r, 60_000))]);
  return { values, consumer };
}

async function listLatest(bootstrap: string, topic: string, isolationLevel: number): Promise<number> {
  const res = await rawRequest(bootstrap, 2, 5, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
  return Number(res.topics[0].partitions[0].offset);
}

async function fetchCommitted(bootstrap: string, topic: string, offset: number, maxWaitMs = 0) {
  const res = await rawRequest(bootstrap, 1, 11, { replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' });
  const p = res.responses[0].partitions[0];
  const records = p.records === null ? 0 : Buffer.isBuffer(p.records) ? p.records.length : p.records.reduce((n: number, b: Buffer) => n + b.length, 0);
  return { highWatermark: Number(p.highWatermark), lastStableOffset: Number(p.lastStableOffset), records,
    aborted: (p.abortedTransactions ?? []).map((a: { producerId: bigint | number; firstOffset: bigint | number }) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })) };
}

describe('read_committed with kafkajs', () => {
  let broker: Broker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'read-committed', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'rc', numPartitions: 1 }] });
    await admin.disconnect();
  });
  afterAll(async () => broker?.close());

  it('never shows an aborted record to readUncommitted false, and shows every committed one', async () => {
    const producer = kafka.producer({ transactionalId: 'rc-tx', idempotent: true, maxInFlightRequests: 1 });
    const plain = kafka.producer();
    await producer.connect();
    await plain.connect();
    const expectedCommitted: string[] = [];
    const everything: string[] = [];
    for (let i = 0; i < 6; i++) {
      const txn = await producer.transaction();
      const values = [`t${i}-a`, `t${i}-b`, `t${i}-c`];
      await txn.send({ topic: 'rc', messages: values.map((value) => ({ value })) });
      everything.push(...values);
      if (i % 2 === 0) {
        await txn.commit();
        expectedCommitted.push(...values);
      } else {
        await txn.abort();
      }
      await plain.send({ topic: 'rc', messages: [{ value: `plain-${i}` }] });
      everything.push(`plain-${i}`);
      expectedCommitted.push(`plain-${i}`);
    }
    const committed = await consume(kafka, 'rc', false, expectedCommitted.length, 'rc-committed');
    const uncommitted = await consume(kafka, 'rc', true, everything.length, 'rc-uncommitted');
    await new Promise((r) => setTimeout(r, 500)); // time for a stray aborted record to show up, if one would
    await committed.consumer.disconnect();
    await uncommitted.consumer.disconnect();
    expect(committed.values).toEqual(expectedCommitted);
    expect(uncommitted.values).toEqual(everything);

    // The aborted transactions are listed for a read_committed fetch of the whole range.
    const fetched = await fetchCommitted(broker.bootstrap, 'rc', 0);
    expect(fetched.lastStableOffset).toBe(fetched.highWatermark);
    expect(fetched.aborted).toHaveLength(3);
    await producer.disconnect();
    await plain.disconnect();
  }, 240_000);

  it('an open transaction holds the LSO; the commit marker wakes a waiting read_committed consumer', async () => {
    const producer = kafka.producer({ transactionalId: 'rc-open', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const end = await listLatest(broker.bootstrap, 'rc', 0);
    const txn = await producer.transaction();
    await txn.send({ topic: 'rc', messages: [{ value: 'held-1' }, { value: 'held-2' }] });
    expect(await listLatest(broker.bootstrap, 'rc', 0)).toBe(end + 2);
    expect(await listLatest(broker.bootstrap, 'rc', 1)).toBe(end);
    const open = await fetchCommitted(broker.bootstrap, 'rc', end);
    expect(open).toEqual({ highWatermark: end + 2, lastStableOffset: end, records: 0, aborted: [] });
    // A raw long poll at the LSO, longer than this test may run: only the marker can end it in time.
    const longPoll = fetchCommitted(broker.bootstrap, 'rc', end, 600_000);

    const consumer = kafka.consumer({ groupId: 'rc-waiter', readUncommitted: false, maxWaitTimeInMs: 5_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'rc', fromBeginning: false });
    const seen: string[] = [];
    let assigned!: () => void;
    const isAssigned = new Promise<void>((resolve) => (assigned = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => assigned());
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await isAssigned;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(seen).toEqual([]); // held back by the open transaction (fromBeginning false starts at the LSO)
    await txn.commit();
    const deadline = Date.now() + 60_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['held-1', 'held-2']);
    const woken = await longPoll;
    expect(woken.lastStableOffset).toBe(end + 3);
    expect(woken.records).toBeGreaterThan(0);
    expect(await listLatest(broker.bootstrap, 'rc', 1)).toBe(end + 3);
    await consumer.disconnect();
    await producer.disconnect();
  }, 240_000);
});
