/**
 * The transaction coordinator's side of the differential suite: what a client meets, compared
 * between real Kafka and Brooklet field by field. kafkajs transactions (commit, abort,
 * sendOffsets) read back in both isolation levels with their data and marker offsets, last stable
 * offsets and committed group offsets; a zombie producer; and the coordinator's error codes on
 * the wire per API version (fencing, unknown producer ids, ending what never began, a timeout
 * above the maximum, produce to a partition never added, an init while a transaction is open,
 * require_stable while offsets are pending). Producer ids differ by allocation and are left out;
 * epochs are compared as steps from the first.
 */
import { encodeRecordBatch } from '../../protocol/index.js';
import { rawRequest } from './raw.js';
import { createTopic, kafkajs } from './kafkajs-scenarios.js';
import type { Side } from './brokers.js';
import { consumeUntil, runTransactions, settledOffsets, zombie } from '../coordinator/transactions/kafkajs-txn-scenario.js';

export async function kafkajsCommitAbortSendOffsets(side: Side) {
  await createTopic(side, 'dtx-in', 1);
  await createTopic(side, 'dtx-out', 2);
  await groupCoordinatorReady(side.bootstrap, 'dtx-group');
  const kafka = kafkajs(side);
  const result = await runTransactions(kafka, side.bootstrap, 'dtx-out', 'dtx-in', 'dtx-group');
  const readCommitted = await consumeUntil(kafka, 'dtx-out', 'dtx-read-committed', false, ['c4', 'c5']);
  const readUncommitted = await consumeUntil(kafka, 'dtx-out', 'dtx-read-uncommitted', true, ['c4', 'c5']);
  return { ...result, readCommitted, readUncommitted };
}

export async function kafkajsZombie(side: Side) {
  await createTopic(side, 'dtx-zombie', 1);
  const kafka = kafkajs(side);
  const outcome = await zombie(kafka, 'dtx-zombie', 'dtx-zombie-id');
  const offsets = await settledOffsets(side.bootstrap, 'dtx-zombie', [0]);
  const readCommitted = await consumeUntil(kafka, 'dtx-zombie', 'dtx-zombie-reader', false, ['from-successor']);
  return { ...outcome, ...offsets, readCommitted };
}

const TOPIC = 'dtx-codes';

/** The coordinator's answers on the wire, one request at a time. */
export async function coordinatorErrorCodes(side: Side) {
  await createTopic(side, TOPIC, 2);
  const b = side.bootstrap;
  const id = 'dtx-codes-id';
  const init = (version: number, transactionalId: string, transactionTimeoutMs: number, producerId = -1, producerEpoch = -1) =>
    rawRequest(b, 22, version, { transactionalId, transactionTimeoutMs, producerId, producerEpoch });
  const add = async (version: number, producerId: number, producerEpoch: number, topics: { name: string; partitions: number[] }[], transactionalId = id) => {
    const res = await rawRequest(b, 24, version, { v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: topics });
    return res.resultsByTopicV3AndBelow.map((t: { name: string; resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[] }) =>
      `${t.name}: ${t.resultsByPartition.map((p) => `${p.partitionIndex}=${p.partitionErrorCode}`).join(' ')}`);
  };
  const end = async (version: number, producerId: number, producerEpoch: number, committed: boolean) =>
    (await rawRequest(b, 26, version, { transactionalId: id, producerId, producerEpoch, committed })).errorCode;
  const produce = async (partition: number, producerId: number, producerEpoch: number, baseSequence: number) => {
    const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from(`v${baseSequence}`) }], producerId, producerEpoch, baseSequence, isTransactional: true });
    const res = await rawRequest(b, 0, 8, { transactionalId: id, acks: -1, timeoutMs: 10_000,
      topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }] });
    return res.responses[0].partitionResponses[0].errorCode;
  };

  // Kafka creates __transaction_state on the first lookup and answers COORDINATOR_NOT_AVAILABLE
  // until it is loaded; clients retry, and so does this.
  let findCoordinator = (await rawRequest(b, 10, 3, { key: id, keyType: 1 })).errorCode;
  for (let i = 0; i < 600 && findCoordinator === 15; i++) {
    await new Promise((r) => setTimeout(r, 100));
    findCoordinator = (await rawRequest(b, 10, 3, { key: id, keyType: 1 })).errorCode;
  }
  const timeoutAboveMax = (await init(4, id, 900_001)).errorCode;
  // ... and NOT_COORDINATOR (16) or COORDINATOR_LOAD_IN_PROGRESS (14) while it takes the partition up.
  let first = await init(4, id, 60_000);
  for (let i = 0; i < 600 && [14, 15, 16].includes(first.errorCode); i++) {
    await new Promise((r) => setTimeout(r, 100));
    first = await init(4, id, 60_000);
  }
  const pid = first.producerId;
  const e0 = first.producerEpoch;
  const codes: Record<string, unknown> = { findCoordinator, timeoutAboveMax, init: first.errorCode };
  codes.endBeforeBegin = await end(3, pid, e0, true);
  codes.addUnknownProducerId = await add(3, pid + 1000, e0, [{ name: TOPIC, partitions: [0] }]);
  codes.addWrongEpochV1 = await add(1, pid, e0 + 1, [{ name: TOPIC, partitions: [0] }]);
  codes.addWrongEpochV3 = await add(3, pid, e0 + 1, [{ name: TOPIC, partitions: [0] }]);
  codes.addUnknownTopic = await add(3, pid, e0, [{ name: TOPIC, partitions: [0] }, { name: 'dtx-no-such-topic', partitions: [0] }]);
  codes.addUnknownTransactionalId = await add(3, pid, e0, [{ name: TOPIC, partitions: [0] }], 'dtx-never-initialised');
  codes.produceBeforeAdd = await produce(1, pid, e0, 0);
  codes.add = await add(3, pid, e0, [{ name: TOPIC, partitions: [0] }]);
  codes.produce = await produce(0, pid, e0, 0);
  codes.produceToPartitionNotAdded = await produce(1, pid, e0, 0);
  // A second init while the transaction is open: the open transaction is aborted, the init retried.
  codes.initWhileOpen = (await init(4, id, 60_000)).errorCode;
  let next = await init(4, id, 60_000);
  for (let i = 0; i < 100 && next.errorCode === 51; i++) {
    await new Promise((r) => setTimeout(r, 50));
    next = await init(4, id, 60_000);
  }
  codes.initAfterFence = { errorCode: next.errorCode, sameProducerId: next.producerId === pid, epochSteps: next.producerEpoch - e0 };
  codes.endFencedV1 = await end(1, pid, e0, true);
  codes.endFencedV3 = await end(3, pid, e0, true);
  codes.produceFenced = await produce(0, pid, e0, 1);
  const offsets = await settledOffsets(b, TOPIC, [0, 1]);
  return { codes, offsets };
}

/**
 * Kafka creates __consumer_offsets on the first group lookup and answers
 * COORDINATOR_NOT_AVAILABLE until it is loaded; kafkajs's sendOffsets does not retry that.
 */
async function groupCoordinatorReady(bootstrap: string, groupId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const found = await rawRequest(bootstrap, 10, 3, { key: groupId, keyType: 0 });
    const fetched = found.errorCode === 0 ? await rawRequest(bootstrap, 9, 7, { groupId, topics: null, requireStable: true }) : found;
    if (fetched.errorCode === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the group coordinator for ${groupId} never became ready`);
}
