/**
 * Three kafkajs consumers share a 6-partition topic while it is being produced: one leaves
 * mid-stream, another joins, and the broker restarts once (same data directory, same port).
 * Every record is processed at least once; a record is processed again only if it had not been
 * committed yet (no committed offset is ever lost or moved back); and the group settles Stable
 * with each partition owned by exactly one of the three remaining members.
 */
import { AssignerProtocol, type Consumer, type Kafka } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { createTopic, FAST_GROUP, kafkaFor, waitFor } from './groups-helpers.js';

const TOPIC = 'shared';
const GROUP = 'shared-group';
const PARTITIONS = 6;
const CHUNKS = 60;
const PER_CHUNK = 500;
const TOTAL = CHUNKS * PER_CHUNK;

interface Processed {
  value: number;
  partition: number;
  offset: number;
  /** The highest acknowledged commit of the partition when this record was processed. */
  committedThen: number;
}

describe('a group of kafkajs consumers through leave, join and a broker restart', () => {
  it('processes every record at least once and settles with each partition owned once', async () => {
    const dataDir = tempDataDir();
    let broker = await startTestBroker({ dataDir });
    const port = broker.port;
    onTestFinished(() => broker.close());
    const bootstrap = broker.bootstrap;
    const admin = kafkaFor(bootstrap, 'setup');
    await createTopic(admin, TOPIC, PARTITIONS);

    const processed: Processed[] = [];
    const committed = new Map<number, number>(); // partition -> highest acknowledged commit
    const consumers = new Map<string, Consumer>();

    async function startConsumer(name: string): Promise<Consumer> {
      const kafka: Kafka = kafkaFor(bootstrap, name);
      const consumer = kafka.consumer({ groupId: GROUP, ...FAST_GROUP, maxBytesPerPartition: 16 * 1024 });
      consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
        for (const t of e.payload.topics) {
          for (const p of t.partitions) {
            const partition = Number(p.partition);
            committed.set(partition, Math.max(committed.get(partition) ?? 0, Number(p.offset)));
          }
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          processed.push({ value: Number(message.value!.toString()), partition, offset: Number(message.offset), committedThen: committed.get(partition) ?? 0 });
        },
      });
      consumers.set(name, consumer);
      return consumer;
    }
    onTestFinished(async () => {
      await Promise.all([...consumers.values()].map((c) => c.disconnect().catch(() => {})));
    });

    await Promise.all(['c1', 'c2', 'c3'].map(startConsumer));
    const producer = kafkaFor(bootstrap, 'producer').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      const messages = Array.from({ length: PER_CHUNK }, (_, i) => {
        const value = chunk * PER_CHUNK + i;
        return { partition: value % PARTITIONS, value: String(value) };
      });
      await producer.send({ topic: TOPIC, acks: -1, messages });
      if (chunk === 15) {
        await consumers.get('c2')!.disconnect(); // leaves mid-stream
        consumers.delete('c2');
      }
      if (chunk === 25) await startConsumer('c4');
      if (chunk === 40) {
        await broker.close();
        broker = await startTestBroker({ dataDir, port });
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    await producer.disconnect();

    const distinct = () => new Set(processed.map((p) => p.value)).size;
    await waitFor('every record processed', () => distinct() === TOTAL, 90_000);

    // Settled: Stable, the three live consumers, each partition assigned exactly once.
    const groupAdmin = kafkaFor(bootstrap, 'observer').admin();
    await groupAdmin.connect();
    onTestFinished(() => groupAdmin.disconnect());
    let owners: number[] = [];
    await waitFor('the group to settle', async () => {
      const { groups } = await groupAdmin.describeGroups([GROUP]);
      const g = groups[0]!;
      if (g.state !== 'Stable') return false;
      owners = g.members.flatMap((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[TOPIC] ?? []);
      return g.members.length === 3 && new Set(g.members.map((m) => m.clientId)).size === 3;
    }, 60_000);
    expect(owners.sort()).toEqual([0, 1, 2, 3, 4, 5]);

    // At least once, and again only what had not been committed when it was processed again.
    const seenAt = new Map<number, number>();
    const redelivered: Processed[] = [];
    for (const p of processed) {
      expect(p.value % PARTITIONS).toBe(p.partition);
      if (seenAt.has(p.value)) redelivered.push(p);
      seenAt.set(p.value, p.offset);
    }
    for (const p of redelivered) expect(p.offset).toBeGreaterThanOrEqual(p.committedThen);
    expect(distinct()).toBe(TOTAL);
  });
});
