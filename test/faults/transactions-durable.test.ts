/**
 * The `always` flush policy for transaction state: InitProducerId, AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit and EndTxn are answered only after the __transaction_state
 * record they wrote was fdatasync'd (checked against the sync log, storage/sync-log.ts); under
 * `never` the answers come straight from the page cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../protocol/index.js';
import { startBrokerWithSyncLog } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs `rounds` whole transactions; counts the answers that came before the state log was synced. */
async function unsyncedAnswers(flushPolicy: 'always' | 'never', rounds: number): Promise<{ unsynced: number; answers: number }> {
  const { broker, syncedBytes } = await startBrokerWithSyncLog({ flushPolicy });
  cleanups.push(() => broker.close());
  const client = await RawClient.connect(broker.bootstrap);
  cleanups.push(() => { client.socket.destroy(); });
  const call = async (apiKey: number, version: number, body: object) => (await client.request(apiKey, version, body)).body;
  await call(19, 4, { topics: [{ name: 'durable-txn', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  const stateFile = path.join(broker.dataDir, '__transaction_state-0', '00000000000000000000.log');
  let unsynced = 0;
  let answers = 0;
  const check = (errorCode: number) => {
    expect(errorCode).toBe(0);
    answers++;
    if (syncedBytes(stateFile) < fs.statSync(stateFile).size) unsynced++;
  };
  const id = 'durable-id';
  for (let round = 0; round < rounds; round++) {
    const init = await call(22, 4, { transactionalId: id, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    check(init.errorCode);
    const { producerId, producerEpoch } = init;
    const add = await call(24, 3, { v3AndBelowTransactionalId: id, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: 'durable-txn', partitions: [0] }] });
    check(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode);
    const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from(`r${round}`) }], producerId, producerEpoch, baseSequence: 0, isTransactional: true });
    const produced = await call(0, 8, { transactionalId: id, acks: -1, timeoutMs: 5000, topicData: [{ name: 'durable-txn', partitionData: [{ index: 0, records }] }] });
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(0);
    check((await call(25, 3, { transactionalId: id, producerId, producerEpoch, groupId: 'durable-group' })).errorCode);
    const offsets = await call(28, 3, { transactionalId: id, groupId: 'durable-group', producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'durable-txn', partitions: [{ partitionIndex: 0, committedOffset: round, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    check(offsets.topics[0].partitions[0].errorCode);
    check((await call(26, 3, { transactionalId: id, producerId, producerEpoch, committed: round % 2 === 0 })).errorCode);
  }
  return { unsynced, answers };
}

it('always: every transaction API answer comes after its state record was synced', async () => {
  const always = await unsyncedAnswers('always', 8);
  expect(always).toEqual({ unsynced: 0, answers: 40 });
  // The same run under `never` shows the check can fail: answers there do not wait.
  const never = await unsyncedAnswers('never', 8);
  expect(never.answers).toBe(40);
  expect(never.unsynced).toBeGreaterThan(0);
}, 120_000);
