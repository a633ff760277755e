/**
 * Consumer-group scenarios through kafkajs: a rebalance as a second member joins and leaves, and
 * offsets committed and fetched through the admin client. Member ids and which member gets which
 * partitions (round-robin over random member ids) differ between any two runs, so the
 * observation keeps what does not: how many partitions each member holds, that together they
 * hold every partition once, the group's state and protocol.
 */
import type { Consumer } from 'kafkajs';
import type { Side } from './brokers.js';
import { BASE_TS, createTopic, kafkajs } from './kafkajs-scenarios.js';

const PARTITIONS = 4;

interface Member {
  consumer: Consumer;
  assignment: number[] | null;
  joins: number;
}

async function join(side: Side, groupId: string, topic: string): Promise<Member> {
  const consumer = kafkajs(side).consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000,
    heartbeatInterval: 300, maxWaitTimeInMs: 200 });
  const member: Member = { consumer, assignment: null, joins: 0 };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.joins++;
    member.assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: async () => {} });
  return member;
}

async function until(what: string, ok: () => boolean, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const covers = (members: Member[]) => {
  const all = members.flatMap((m) => m.assignment ?? []).sort((a, b) => a - b);
  return all.length === PARTITIONS && all.every((p, i) => p === i);
};

export async function groupRebalance(side: Side) {
  const topic = 'diff-group-topic';
  const groupId = 'diff-group-rebalance';
  await createTopic(side, topic, PARTITIONS);
  const a = await join(side, groupId, topic);
  let b: Member | undefined;
  try {
    await until('the first member to own every partition', () => covers([a]));
    const alone = a.assignment;
    const joinsBefore = a.joins;
    b = await join(side, groupId, topic);
    await until('both members to share the partitions', () => a.joins > joinsBefore && b!.assignment !== null && covers([a, b!]));
    const shared = [a.assignment!.length, b.assignment!.length].sort();
    const admin = kafkajs(side).admin();
    await admin.connect();
    const described = (await admin.describeGroups([groupId])).groups[0]!;
    const listed = (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith('diff-')).map((g) => ({ ...g })).sort();
    await admin.disconnect();
    const joinsBeforeLeave = a.joins;
    await b.consumer.disconnect();
    b = undefined;
    await until('the remaining member to own every partition again', () => a.joins > joinsBeforeLeave && covers([a]));
    return {
      alone, shared, afterLeave: a.assignment,
      group: { state: described.state, protocolType: described.protocolType,
        protocol: described.protocol, members: described.members.length },
      listed,
    };
  } finally {
    await b?.consumer.disconnect();
    await a.consumer.disconnect();
  }
}

export async function offsetCommitFetch(side: Side) {
  const topic = 'diff-offsets-topic';
  const groupId = 'diff-offsets';
  await createTopic(side, topic, 2);
  const producer = kafkajs(side).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % 2, value: `v${i}`, timestamp: String(BASE_TS + i) })) });
  await producer.disconnect();
  const admin = kafkajs(side).admin();
  await admin.connect();
  try {
    const unknownGroup = await admin.fetchOffsets({ groupId: 'diff-offsets-nobody', topics: [topic] });
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '3' }] });
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.resetOffsets({ groupId, topic, earliest: true });
    const reset = await admin.fetchOffsets({ groupId, topics: [topic] });
    // A consumer in its own group reads everything and commits what it read. (Not the group the
    // admin committed for: on Kafka 4.1 a classic consumer joining a group that exists only
    // through admin commits sometimes never got its assignment within a minute.)
    const consumerGroup = 'diff-offsets-consumer';
    const consumer = kafkajs(side).consumer({ groupId: consumerGroup, sessionTimeout: 10_000, rebalanceTimeout: 10_000,
      heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ autoCommit: true, autoCommitThreshold: 1, eachMessage: async ({ partition, message }) => {
      seen.push(`${partition}@${message.offset}`);
    } });
    await until('the consumer to read every record', () => seen.length >= 6);
    await consumer.disconnect();
    const afterConsume = await admin.fetchOffsets({ groupId: consumerGroup, topics: [topic] });
    const deleted = await admin.deleteGroups([groupId]).then((r) => r.map((g) => ({ groupId: g.groupId, errorCode: g.errorCode })),
      (err: Error) => `error ${err.name}`);
    const afterDelete = await admin.fetchOffsets({ groupId, topics: [topic] });
    return { unknownGroup, committed, reset, seen: seen.sort(), afterConsume, deleted, afterDelete };
  } finally {
    await admin.disconnect();
  }
}
