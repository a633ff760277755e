/**
 * The group APIs at the versions kafkajs never sends (flexible ones, as Java, librdkafka and
 * @platformatic/kafka send them), over a raw socket: FindCoordinator v4 batched keys, the v6
 * two-step JoinGroup, SyncGroup v4, Heartbeat v4, OffsetCommit v8, OffsetFetch v8 (several
 * groups) and v1, DescribeGroups v5, ListGroups v5 with filters, LeaveGroup v4, OffsetDelete v0,
 * DeleteGroups v2; and a JoinGroup that waits holds the requests behind it on its connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

const OFFSET_COMMIT = 8;
const OFFSET_FETCH = 9;
const FIND_COORDINATOR = 10;
const JOIN_GROUP = 11;
const HEARTBEAT = 12;
const LEAVE_GROUP = 13;
const SYNC_GROUP = 14;
const DESCRIBE_GROUPS = 15;
const LIST_GROUPS = 16;
const API_VERSIONS = 18;
const CREATE_TOPICS = 19;
const DELETE_GROUPS = 42;
const OFFSET_DELETE = 47;

const join = (memberId: string, groupInstanceId: string | null = null) => ({
  groupId: 'wire', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, memberId, groupInstanceId,
  protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
});

describe('group APIs on the wire', () => {
  let broker: Broker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startTestBroker();
    client = await RawClient.connect(broker.bootstrap);
    await client.request(CREATE_TOPICS, 7, { topics: [{ name: 'wt', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
  });
  afterAll(async () => {
    client?.close();
    await broker?.close();
  });

  it('FindCoordinator answers this broker, per key in v4, for groups and for transactional ids', async () => {
    const v4 = await client.request(FIND_COORDINATOR, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect(v4.body.coordinators).toEqual([
      expect.objectContaining({ key: 'a', nodeId: 1, host: '127.0.0.1', port: broker.port, errorCode: 0 }),
      expect.objectContaining({ key: 'b', nodeId: 1, port: broker.port, errorCode: 0 }),
    ]);
    const v0 = await client.request(FIND_COORDINATOR, 0, { key: 'a' });
    expect(v0.body).toMatchObject({ errorCode: 0, nodeId: 1, port: broker.port });
    const txn = await client.request(FIND_COORDINATOR, 4, { keyType: 1, coordinatorKeys: ['t'] });
    expect(txn.body.coordinators).toEqual([
      expect.objectContaining({ key: 't', nodeId: 1, host: '127.0.0.1', port: broker.port, errorCode: 0 }),
    ]);
  });

  it('a group from the two-step join to deletion, at the flexible versions', async () => {
    const first = await client.request(JOIN_GROUP, 6, join(''));
    expect(first.body.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const memberId = first.body.memberId as string;
    expect(memberId).toMatch(/^raw-client-/);
    const joined = await client.request(JOIN_GROUP, 6, join(memberId));
    expect(joined.body).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leader: memberId, memberId });
    expect(joined.body.members).toEqual([{ memberId, groupInstanceId: null, metadata: Buffer.from('sub') }]);

    const synced = await client.request(SYNC_GROUP, 4, {
      groupId: 'wire', generationId: 1, memberId, groupInstanceId: null, assignments: [{ memberId, assignment: Buffer.from('p0,p1') }],
    });
    expect(synced.body).toMatchObject({ errorCode: 0, assignment: Buffer.from('p0,p1') });
    const beat = await client.request(HEARTBEAT, 4, { groupId: 'wire', generationId: 1, memberId, groupInstanceId: null });
    expect(beat.body.errorCode).toBe(0);

    const committed = await client.request(OFFSET_COMMIT, 8, {
      groupId: 'wire', generationIdOrMemberEpoch: 1, memberId, groupInstanceId: null,
      topics: [{ name: 'wt', partitions: [
        { partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 0, committedMetadata: 'm' },
        { partitionIndex: 9, committedOffset: 5, committedLeaderEpoch: 0, committedMetadata: null },
      ] }],
    });
    expect(committed.body.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode))
      .toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);

    const fetched = await client.request(OFFSET_FETCH, 8, { groups: [
      { groupId: 'wire', topics: null }, { groupId: 'nobody', topics: [{ name: 'wt', partitionIndexes: [1] }] },
    ], requireStable: true });
    expect(fetched.body.groups).toEqual([
      { groupId: 'wire', errorCode: 0, topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 0, metadata: 'm', errorCode: 0 }] }] },
      { groupId: 'nobody', errorCode: 0, topics: [{ name: 'wt', partitions: [{ partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }] },
    ]);
    const v1 = await client.request(OFFSET_FETCH, 1, { groupId: 'wire', topics: [{ name: 'wt', partitionIndexes: [0, 1] }] });
    expect(v1.body.topics[0].partitions.map((p: { committedOffset: number }) => p.committedOffset)).toEqual([5, -1]);

    const described = await client.request(DESCRIBE_GROUPS, 5, { groups: ['wire', 'nobody'], includeAuthorizedOperations: true });
    expect(described.body.groups[0]).toMatchObject({
      errorCode: 0, groupId: 'wire', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', authorizedOperations: 328,
    });
    expect(described.body.groups[0].members[0]).toMatchObject({
      memberId, clientId: 'raw-client', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('sub'), memberAssignment: Buffer.from('p0,p1'),
    });
    expect(described.body.groups[1]).toMatchObject({ errorCode: 0, groupId: 'nobody', groupState: 'Dead', members: [] });

    const stable = await client.request(LIST_GROUPS, 5, { statesFilter: ['STABLE'], typesFilter: [] });
    expect(stable.body.groups).toEqual([{ groupId: 'wire', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]);
    const empty = await client.request(LIST_GROUPS, 4, { statesFilter: ['Empty'] });
    expect(empty.body.groups).toEqual([]);

    const busy = await client.request(DELETE_GROUPS, 2, { groupsNames: ['wire', 'nobody'] });
    expect(busy.body.results).toEqual([
      { groupId: 'wire', errorCode: ErrorCode.NON_EMPTY_GROUP }, { groupId: 'nobody', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    const subscribed = await client.request(OFFSET_DELETE, 0, { groupId: 'wire', topics: [{ name: 'wt', partitions: [{ partitionIndex: 0 }] }] });
    expect(subscribed.body).toMatchObject({ errorCode: 0 });
    // "sub" is not a readable subscription: every topic counts as subscribed (Kafka's cautious answer).
    expect(subscribed.body.topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);

    const left = await client.request(LEAVE_GROUP, 4, { groupId: 'wire', members: [{ memberId, groupInstanceId: null }, { memberId: 'x', groupInstanceId: null }] });
    expect(left.body).toMatchObject({ errorCode: 0, members: [
      { memberId, groupInstanceId: null, errorCode: 0 }, { memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
    ] });

    const deletedOffsets = await client.request(OFFSET_DELETE, 0, { groupId: 'wire', topics: [{ name: 'wt', partitions: [{ partitionIndex: 0 }] }] });
    expect(deletedOffsets.body.topics[0].partitions[0].errorCode).toBe(0);
    const deleted = await client.request(DELETE_GROUPS, 2, { groupsNames: ['wire'] });
    expect(deleted.body.results).toEqual([{ groupId: 'wire', errorCode: 0 }]);
    expect((await client.request(LIST_GROUPS, 5, { statesFilter: [], typesFilter: [] })).body.groups).toEqual([]);
  });

  it('a waiting JoinGroup holds the requests behind it on its connection', async () => {
    const leader = await RawClient.connect(broker.bootstrap);
    const follower = await RawClient.connect(broker.bootstrap);
    try {
      const a = await leader.request(JOIN_GROUP, 3, { ...join(''), groupId: 'held' });
      expect(a.body.errorCode).toBe(0);
      const joinId = follower.send(JOIN_GROUP, 3, { ...join(''), groupId: 'held' });
      const versionsId = follower.send(API_VERSIONS, 2, {});
      await expect(follower.readFrame(300)).rejects.toThrow(/timed out/); // nothing, not even ApiVersions
      await leader.request(JOIN_GROUP, 3, { ...join(a.body.memberId), groupId: 'held' });
      const first = (await follower.readFrame())!;
      const second = (await follower.readFrame())!;
      expect(first.readInt32BE(0)).toBe(joinId);
      expect(second.readInt32BE(0)).toBe(versionsId);
    } finally {
      leader.close();
      follower.close();
    }
  });
});

describe('group.initial.rebalance.delay.ms', () => {
  it('holds a new group\'s first JoinGroup for the configured delay', async () => {
    const broker = await startTestBroker({ groupInitialRebalanceDelayMs: 800 });
    const client = await RawClient.connect(broker.bootstrap);
    try {
      const started = Date.now();
      const joined = await client.request(JOIN_GROUP, 3, { ...join(''), groupId: 'delayed' });
      expect(joined.body.errorCode).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(750);
    } finally {
      client.close();
      await broker.close();
    }
  });
});
