/**
 * kafkajs 2.2.4 admin against the group coordinator: listGroups, describeGroups (state, members,
 * assignment), fetchOffsets, setOffsets and resetOffsets (which a consumer of the group then
 * starts from), and deleteGroups (refused while the group has members).
 */
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { createTopic, FAST_GROUP, kafkaFor, produceNumbered, waitFor } from './groups-helpers.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

const TOPIC = 'admin-topic';
const GROUP = 'admin-group';

describe('kafkajs admin on consumer groups', () => {
  let broker: Broker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = kafkaFor(broker.bootstrap, 'groups-admin');
    await createTopic(kafka, TOPIC, 2);
    await produceNumbered(kafka, TOPIC, 0, 100, 2);
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await broker?.close();
  });

  const offsets = async () => (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0]!.partitions
    .sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));

  /** Runs a consumer of the group until it has `count` records; returns them. */
  async function consume(count: number): Promise<number[]> {
    const seen: number[] = [];
    const consumer = kafka.consumer({ groupId: GROUP, ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(Number(message.value!.toString())); } });
    await waitFor(`${count} records`, () => seen.length >= count);
    await new Promise((r) => setTimeout(r, 300)); // nothing more should come
    await consumer.disconnect();
    return seen;
  }

  it('describes and lists a running group, and refuses to delete it', async () => {
    const seen: number[] = [];
    const consumer = kafka.consumer({ groupId: GROUP, ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(Number(message.value!.toString())); } });
    await waitFor('every record', () => seen.length === 100);

    const { groups } = await admin.describeGroups([GROUP]);
    expect(groups[0]).toMatchObject({ groupId: GROUP, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(groups[0]!.members).toHaveLength(1);
    const member = groups[0]!.members[0]!;
    expect(member.clientId).toBe('groups-admin');
    expect(member.clientHost).toBe('/127.0.0.1');
    expect(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)!.assignment).toEqual({ [TOPIC]: [0, 1] });
    expect((await admin.listGroups()).groups).toContainEqual({ groupId: GROUP, protocolType: 'consumer' });
    await expect(admin.deleteGroups([GROUP])).rejects.toThrow();

    await consumer.disconnect();
    expect((await admin.describeGroups([GROUP])).groups[0]).toMatchObject({ state: 'Empty', members: [] });
    expect(await offsets()).toEqual([50, 50]);
  });

  it('setOffsets and resetOffsets move where the group resumes', async () => {
    await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '40' }, { partition: 1, offset: '45' }] });
    expect(await offsets()).toEqual([40, 45]);
    const resumed = await consume(15);
    expect(resumed).toHaveLength(15);
    expect(resumed.filter((v) => v % 2 === 0).sort((a, b) => a - b)).toEqual([80, 82, 84, 86, 88, 90, 92, 94, 96, 98]);
    expect(await offsets()).toEqual([50, 50]);

    await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: true });
    expect(await consume(100)).toHaveLength(100);
  });

  it('deletes the empty group with its offsets', async () => {
    await admin.deleteGroups([GROUP]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(GROUP);
    expect((await admin.describeGroups([GROUP])).groups[0]!.state).toBe('Dead');
    expect(await offsets()).toEqual([-1, -1]);
  });
});
