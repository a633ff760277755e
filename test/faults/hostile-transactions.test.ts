/**
 * Hostile requests to the transaction APIs (InitProducerId with a transactional id,
 * AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit, DescribeTransactions,
 * ListTransactions, DescribeProducers, transactional Produce): absurd timeouts and epochs,
 * 32 KiB ids, thousands of unknown partitions and offsets, producer ids that were never given
 * out. Each is answered with Kafka's error where it concerns one entry, nothing refused changes
 * the transaction state or the log, and the connection keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch, ErrorCode } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { HOSTILE, recordFigure, writeFigures } from '../reliability/record.js';

const INIT = 22, ADD = 24, ADD_OFFSETS = 25, END = 26, TXN_COMMIT = 28, DESCRIBE_PRODUCERS = 61, DESCRIBE = 65, LIST = 66;
const TOPIC = 'hostile-txn';
const TESTS = 4;
let passed = 0;

describe('hostile transaction requests', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let client: RawClient;
  let pid = -1;
  const call = async (apiKey: number, version: number, body: object) => (await client.request(apiKey, version, body)).body;

  beforeAll(async () => {
    broker = await startTestBroker();
    client = await RawClient.connect(broker.bootstrap);
    await call(19, 4, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const init = await call(INIT, 4, { transactionalId: 'victim', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    expect(init.errorCode).toBe(0);
    pid = init.producerId;
  });
  afterAll(async () => {
    client?.close();
    await broker?.close();
    if (passed === TESTS) {
      recordFigure(HOSTILE, 'Transaction APIs (keys 22, 24, 25, 26, 28, 61, 65, 66 and transactional Produce)', {
        figure: 'timeouts and epochs at the int limits, 32 KiB ids, 10,000 unknown partitions, offsets and ids, producer ids never given out: '
          + 'every one answered with its Kafka error, the victim transaction and the log unchanged, the connection kept answering',
        command: 'npx vitest run test/faults/hostile-transactions.test.ts', tests: TESTS,
      });
    }
    writeFigures(import.meta.url);
  });

  /** The victim's transaction is still Empty with no partitions, nothing was written to the topic, and ApiVersions answers. */
  async function unchanged(): Promise<void> {
    const described = (await call(DESCRIBE, 0, { transactionalIds: ['victim'] })).transactionStates[0];
    expect(described).toMatchObject({ errorCode: 0, transactionState: 'Empty', producerId: pid, producerEpoch: 0, topics: [] });
    const latest = await call(2, 5, { replicaId: -1, isolationLevel: 0,
      topics: [{ name: TOPIC, partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: -1 })) }] });
    expect(latest.topics[0].partitions.map((p: { offset: number }) => Number(p.offset))).toEqual([0, 0]);
    expect((await call(18, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })).errorCode).toBe(0);
  }

  it('refuses InitProducerId timeouts out of range and empty ids; takes a 32 KiB id', async () => {
    for (const timeout of [-(2 ** 31), -1, 0, 900_001, 2 ** 31 - 1]) {
      expect((await call(INIT, 4, { transactionalId: 'victim', transactionTimeoutMs: timeout, producerId: -1, producerEpoch: -1 })).errorCode)
        .toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    }
    expect((await call(INIT, 4, { transactionalId: '', transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    // A stale or invented producer id and epoch (KIP-360 resume) is fenced, not taken over.
    for (const [producerId, producerEpoch] of [[pid, 32767], [pid, -32768], [2 ** 53 - 1, 0], [-2, 5]] as const) {
      expect((await call(INIT, 4, { transactionalId: 'victim', transactionTimeoutMs: 1000, producerId, producerEpoch })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    }
    const long = 'x'.repeat(32_767);
    expect((await call(INIT, 4, { transactionalId: long, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 })).errorCode).toBe(0);
    expect((await call(DESCRIBE, 0, { transactionalIds: [long] })).transactionStates[0].transactionalId).toBe(long);
    await unchanged();
    passed++;
  });

  it('answers AddPartitionsToTxn with 10,000 unknown partitions per partition, and wrong producers as a whole', async () => {
    const partitions = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? i + 2 : i - 2 ** 31));
    const res = await call(ADD, 3, { v3AndBelowTransactionalId: 'victim', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [{ name: TOPIC, partitions: [0, ...partitions] }, { name: '../../etc', partitions: [0] }] });
    const codes = res.resultsByTopicV3AndBelow.flatMap((t: any) => t.resultsByPartition.map((p: any) => p.partitionErrorCode));
    expect(codes[0]).toBe(ErrorCode.OPERATION_NOT_ATTEMPTED);
    expect(new Set(codes.slice(1))).toEqual(new Set([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]));
    for (const [producerId, producerEpoch, code] of [[pid, 32767, 90], [pid, -32768, 90], [pid + 1, 0, 49], [-1, -1, 49]] as const) {
      const r = await call(ADD, 3, { v3AndBelowTransactionalId: 'victim', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch,
        v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }] });
      expect(r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(code);
    }
    const empty = await call(ADD, 3, { v3AndBelowTransactionalId: '', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }] });
    expect(empty.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(ErrorCode.INVALID_REQUEST);
    await unchanged();
    passed++;
  });

  it('refuses offsets, ends and produces from producers that do not hold the transaction', async () => {
    const group = 'g'.repeat(32_767);
    expect((await call(ADD_OFFSETS, 3, { transactionalId: 'victim', producerId: pid + 7, producerEpoch: 0, groupId: group })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect((await call(ADD_OFFSETS, 3, { transactionalId: 'victim', producerId: pid, producerEpoch: 0, groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    const offsets = Array.from({ length: 10_000 }, (_, i) => ({ partitionIndex: i % 3 === 0 ? 0 : i, committedOffset: 2 ** 53 - i, committedLeaderEpoch: -1, committedMetadata: 'm'.repeat(i % 5000) }));
    const committed = await call(TXN_COMMIT, 3, { transactionalId: 'victim', groupId: 'hostile-group', producerId: pid, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: TOPIC, partitions: offsets }, { name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    const codes = new Set(committed.topics.flatMap((t: any) => t.partitions.map((p: any) => p.errorCode)));
    expect(codes).toEqual(new Set([ErrorCode.INVALID_TXN_STATE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OFFSET_METADATA_TOO_LARGE]));
    const stable = await call(9, 7, { groupId: 'hostile-group', topics: [{ name: TOPIC, partitionIndexes: [0] }], requireStable: true });
    expect(stable.topics[0].partitions[0]).toMatchObject({ errorCode: 0, committedOffset: -1 });
    for (const [producerId, producerEpoch, committedFlag] of [[pid, 0, true], [pid, 0, false], [pid, 32767, true], [pid + 1, 0, false]] as const) {
      const end = await call(END, 3, { transactionalId: 'victim', producerId, producerEpoch, committed: committedFlag });
      expect(end.errorCode).toBe(producerId !== pid ? 49 : producerEpoch !== 0 ? 90 : ErrorCode.INVALID_TXN_STATE);
    }
    const produce = async (transactionalId: string | null, producerId: number, producerEpoch: number) => {
      const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('z') }], producerId, producerEpoch, baseSequence: 0, isTransactional: true });
      const res = await call(0, 8, { transactionalId, acks: -1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
      return res.responses[0].partitionResponses[0].errorCode as number;
    };
    expect(await produce('victim', pid, 0)).toBe(ErrorCode.INVALID_TXN_STATE); // no partition added
    expect(await produce(null, pid, 0)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await produce('victim', -1, -1)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await produce('no-such-id', 12345, 0)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    await unchanged();
    passed++;
  });

  it('answers describe and list requests with 10,000 entries', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `missing-${i}`);
    const described = await call(DESCRIBE, 0, { transactionalIds: ids });
    expect(described.transactionStates).toHaveLength(10_000);
    expect(described.transactionStates.every((t: any) => t.errorCode === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)).toBe(true);
    const listed = await call(LIST, 1, { stateFilters: ids.slice(0, 5000), producerIdFilters: Array.from({ length: 5000 }, (_, i) => i - 2500), durationFilter: 2 ** 53 - 1 });
    expect(listed.errorCode).toBe(0);
    expect(listed.unknownStateFilters).toHaveLength(5000);
    expect(listed.transactionStates).toEqual([]);
    const producers = await call(DESCRIBE_PRODUCERS, 0, { topics: [{ name: TOPIC, partitionIndexes: Array.from({ length: 10_000 }, (_, i) => i - 5000) }, { name: '..', partitionIndexes: [0] }] });
    const codes = producers.topics.flatMap((t: any) => t.partitions.map((p: any) => p.errorCode));
    expect(codes.filter((c: number) => c === 0)).toHaveLength(2);
    expect(codes.filter((c: number) => c === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toHaveLength(9_999);
    await unchanged();
    passed++;
  });
});
