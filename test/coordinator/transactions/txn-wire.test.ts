/**
 * The coordinator's APIs on the wire against Brooklet alone, where real Kafka would need minutes
 * or a setting the differential pair does not have: a transaction open past its timeout aborted
 * by the broker (its producer fenced), require_stable while offsets are pending, TxnOffsetCommit's
 * member checks, DescribeTransactions, ListTransactions and DescribeProducers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../../protocol/index.js';
import { startTestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
const TOPIC = 'wire-txn';

describe('transaction APIs on the wire', () => {
  let broker: Broker;
  let client: RawClient;
  const call = async (apiKey: number, version: number, body: object) => (await client.request(apiKey, version, body)).body;
  const init = (id: string, transactionTimeoutMs = 60_000) => call(22, 4, { transactionalId: id, transactionTimeoutMs, producerId: -1, producerEpoch: -1 });
  const add = (id: string, producerId: number, producerEpoch: number, partitions = [0]) =>
    call(24, 3, { v3AndBelowTransactionalId: id, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: TOPIC, partitions }] });
  const produce = async (id: string, producerId: number, producerEpoch: number, baseSequence: number, partition = 0) => {
    const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('v') }], producerId, producerEpoch, baseSequence, isTransactional: true });
    const res = await call(0, 8, { transactionalId: id, acks: -1, timeoutMs: 10_000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }] });
    return res.responses[0].partitionResponses[0].errorCode as number;
  };

  beforeAll(async () => {
    broker = await startTestBroker({ transactionAbortTimedOutIntervalMs: 100 });
    client = await RawClient.connect(broker.bootstrap);
    const created = await call(19, 4, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
    expect(created.topics[0].errorCode).toBe(0);
  });
  afterAll(async () => {
    client?.socket.destroy();
    await broker?.close();
  });

  it('aborts a transaction open past its timeout: the producer is fenced, the LSO moves past it', async () => {
    const { producerId, producerEpoch } = await init('timing-out', 2000);
    await add('timing-out', producerId, producerEpoch);
    expect(await produce('timing-out', producerId, producerEpoch, 0)).toBe(0);
    const deadline = Date.now() + 30_000;
    let state = '';
    while (Date.now() < deadline && state !== 'CompleteAbort') {
      await new Promise((r) => setTimeout(r, 100));
      state = (await call(65, 0, { transactionalIds: ['timing-out'] })).transactionStates[0].transactionState;
    }
    expect(state).toBe('CompleteAbort');
    const latest = async (isolationLevel: number) => Number((await call(2, 5, { replicaId: -1, isolationLevel,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] })).topics[0].partitions[0].offset);
    expect(await latest(1)).toBe(2); // the record and its abort marker: nothing left unstable
    expect(await latest(0)).toBe(2);
    expect(await produce('timing-out', producerId, producerEpoch, 1)).toBe(47); // INVALID_PRODUCER_EPOCH
    const end = await call(26, 3, { transactionalId: 'timing-out', producerId, producerEpoch, committed: true });
    expect(end.errorCode).toBe(90); // PRODUCER_FENCED
    const next = await init('timing-out', 2000);
    expect(next).toMatchObject({ errorCode: 0, producerId, producerEpoch: producerEpoch + 2 });
  });

  it('answers UNSTABLE_OFFSET_COMMIT to require_stable while a transaction holds offsets; the offset after commit', async () => {
    const { producerId, producerEpoch } = await init('offsets');
    expect((await call(25, 3, { transactionalId: 'offsets', producerId, producerEpoch, groupId: 'stable-group' })).errorCode).toBe(0);
    const committed = await call(28, 3, { transactionalId: 'offsets', groupId: 'stable-group', producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, committedOffset: 17, committedLeaderEpoch: -1, committedMetadata: 'm' }] }] });
    expect(committed.topics[0].partitions[0].errorCode).toBe(0);
    const fetch = (requireStable: boolean) => call(9, 7, { groupId: 'stable-group', topics: [{ name: TOPIC, partitionIndexes: [1] }], requireStable });
    expect((await fetch(true)).topics[0].partitions[0]).toMatchObject({ errorCode: 88, committedOffset: -1 });
    expect((await fetch(false)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, committedOffset: -1 });
    expect((await call(26, 3, { transactionalId: 'offsets', producerId, producerEpoch, committed: true })).errorCode).toBe(0);
    expect((await fetch(true)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, committedOffset: 17, metadata: 'm' });
  });

  it("checks TxnOffsetCommit's member, generation, transaction and partitions", async () => {
    const { producerId, producerEpoch } = await init('members');
    const commit = async (body: Partial<{ groupId: string; generationId: number; memberId: string; producerEpoch: number; topic: string }>, version = 3) => {
      const res = await call(28, version, { transactionalId: 'members', groupId: body.groupId ?? 'member-group', producerId, producerEpoch: body.producerEpoch ?? producerEpoch,
        generationId: body.generationId ?? -1, memberId: body.memberId ?? '', groupInstanceId: null,
        topics: [{ name: body.topic ?? TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }] });
      return res.topics[0].partitions[0].errorCode as number;
    };
    expect(await commit({})).toBe(48); // INVALID_TXN_STATE: the group was never added
    await call(25, 3, { transactionalId: 'members', producerId, producerEpoch, groupId: 'member-group' });
    expect(await commit({ generationId: 3 })).toBe(22); // ILLEGAL_GENERATION: no such group generation
    expect(await commit({ producerEpoch: producerEpoch + 1 })).toBe(47);
    expect(await commit({ topic: 'no-such-topic' })).toBe(3);
    expect(await commit({ groupId: '' })).toBe(24); // INVALID_GROUP_ID
    expect(await commit({})).toBe(0);
    expect(await commit({}, 0)).toBe(0);
  });

  it('describes and lists transactions, and the producers of a partition', async () => {
    const { producerId, producerEpoch } = await init('described', 45_000);
    await add('described', producerId, producerEpoch, [0, 1]);
    expect(await produce('described', producerId, producerEpoch, 0, 1)).toBe(0);
    const described = (await call(65, 0, { transactionalIds: ['described', 'never-seen'] })).transactionStates;
    expect(described[0]).toMatchObject({ errorCode: 0, transactionalId: 'described', transactionState: 'Ongoing', transactionTimeoutMs: 45_000, producerId, producerEpoch,
      topics: [{ topic: TOPIC, partitions: [0, 1] }] });
    expect(described[0].transactionStartTimeMs).toBeGreaterThan(0);
    expect(described[1]).toMatchObject({ errorCode: 105, transactionalId: 'never-seen' }); // TRANSACTIONAL_ID_NOT_FOUND

    const listed = await call(66, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1 });
    expect(listed.unknownStateFilters).toEqual(['Bogus']);
    expect(listed.transactionStates).toContainEqual({ transactionalId: 'described', producerId, transactionState: 'Ongoing' });
    expect(listed.transactionStates.every((t: { transactionState: string }) => t.transactionState === 'Ongoing')).toBe(true);
    const byProducer = await call(66, 0, { stateFilters: [], producerIdFilters: [producerId] });
    expect(byProducer.transactionStates).toEqual([{ transactionalId: 'described', producerId, transactionState: 'Ongoing' }]);

    const producers = await call(61, 0, { topics: [{ name: TOPIC, partitionIndexes: [1, 7] }] });
    const [p1, p7] = producers.topics[0].partitions;
    expect(p7.errorCode).toBe(3);
    expect(p1.activeProducers).toContainEqual(expect.objectContaining({ producerId, producerEpoch, lastSequence: 0, currentTxnStartOffset: expect.any(Number) }));
    const mine = p1.activeProducers.find((p: { producerId: number }) => p.producerId === producerId);
    expect(Number(mine.currentTxnStartOffset)).toBeGreaterThanOrEqual(0);
    expect((await call(26, 3, { transactionalId: 'described', producerId, producerEpoch, committed: false })).errorCode).toBe(0);
  });
});
