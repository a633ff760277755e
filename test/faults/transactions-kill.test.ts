/**
 * kill -9 in every phase of a transaction (after AddPartitionsToTxn, after some produces, after
 * the commit decision before any marker, between the markers of a three-partition commit or
 * abort): after the restart every transaction is committed on all its partitions or aborted on
 * all, a read_committed consumer sees no aborted record and skips no committed one, and the
 * transactional id carries on. The compiled CLI broker runs as a child process (crash-harness.ts);
 * BROOKLET_TEST_TXN_KILL_AFTER_MARKERS makes it kill itself at an exact marker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../protocol/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { consumeUntil } from '../coordinator/transactions/kafkajs-txn-scenario.js';
import { spawnBroker } from './crash-harness.js';

const TOPIC = 'txn-kill';
const PARTITIONS = [0, 1, 2];
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

type Child = Awaited<ReturnType<typeof spawnBroker>>;

async function start(dataDir: string, killAfterMarkers?: number): Promise<Child> {
  process.env.BROOKLET_TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS = '200';
  if (killAfterMarkers === undefined) delete process.env.BROOKLET_TEST_TXN_KILL_AFTER_MARKERS;
  else process.env.BROOKLET_TEST_TXN_KILL_AFTER_MARKERS = String(killAfterMarkers);
  try {
    return await spawnBroker(dataDir, 'never', 1024 * 1024, undefined);
  } finally {
    delete process.env.BROOKLET_TEST_TXN_KILL_AFTER_MARKERS;
    delete process.env.BROOKLET_TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS;
  }
}

async function kill(broker: Child): Promise<void> {
  broker.child.kill('SIGKILL');
  await broker.exited;
}

function kafkaFor(broker: Child): Kafka {
  return new Kafka({ clientId: 'txn-kill', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000, retry: { retries: 2, initialRetryTime: 100 } });
}

async function freshBroker(killAfterMarkers?: number): Promise<{ dataDir: string; broker: Child }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-txn-kill-'));
  dirs.push(dataDir);
  const broker = await start(dataDir, killAfterMarkers);
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS.length }] });
  await admin.disconnect();
  return { dataDir, broker };
}

/**
 * A short transaction timeout where the test waits for the broker to abort after the restart; a
 * long one where a timeout abort before the commit arrives (a loaded machine) must not happen.
 */
function producerFor(kafka: Kafka, transactionTimeout = 30_000) {
  return kafka.producer({ transactionalId: 'tx-kill', maxInFlightRequests: 1, idempotent: true, transactionTimeout });
}

/** One record per partition, values `${prefix}${partition}`. */
const messages = (prefix: string) => PARTITIONS.map((partition) => ({ value: `${prefix}${partition}`, partition }));

async function describeState(bootstrap: string, id: string): Promise<string> {
  const client = await RawClient.connect(bootstrap);
  try {
    const { body } = await client.request(65, 0, { transactionalIds: [id] });
    return body.transactionStates[0].transactionState;
  } finally {
    client.socket.destroy();
  }
}

async function waitForState(bootstrap: string, id: string, state: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    last = await describeState(bootstrap, id);
    if (last === state) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${id} stayed ${last}, never ${state}`);
}

/** Latest offsets per partition: the high watermark (isolation 0) or the last stable offset (1). */
async function latestOffsets(bootstrap: string, isolationLevel: number): Promise<number[]> {
  const client = await RawClient.connect(bootstrap);
  try {
    const { body } = await client.request(2, 2, {
      replicaId: -1, isolationLevel,
      topics: [{ name: TOPIC, partitions: PARTITIONS.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 })) }],
    });
    return body.topics[0].partitions.map((p: { offset: number }) => Number(p.offset));
  } finally {
    client.socket.destroy();
  }
}

/** After the restart: a new transaction of the same id commits `s*`; both isolation levels read up to it. */
async function readAfterRestart(broker: Child): Promise<{ committed: Record<number, string[]>; uncommitted: Record<number, string[]> }> {
  const kafka = kafkaFor(broker);
  const producer = producerFor(kafka);
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic: TOPIC, messages: messages('s') });
  await txn.commit();
  await producer.disconnect();
  const sentinels = PARTITIONS.map((p) => `s${p}`);
  const strip = (seen: Record<number, string[]>) => Object.fromEntries(Object.entries(seen).map(([p, v]) => [p, v.map((x) => x.split('@')[0])]));
  return {
    committed: strip(await consumeUntil(kafka, TOPIC, 'after-restart-committed', false, sentinels)),
    uncommitted: strip(await consumeUntil(kafka, TOPIC, 'after-restart-uncommitted', true, sentinels)),
  };
}

describe('kill -9 during a transaction', () => {
  it('after AddPartitionsToTxn: the transaction is aborted at its timeout after the restart, markers on every partition', async () => {
    const { dataDir, broker } = await freshBroker();
    const client = await RawClient.connect(broker.bootstrap);
    const init = await client.request(22, 1, { transactionalId: 'tx-kill', transactionTimeoutMs: 1000 });
    expect(init.body.errorCode).toBe(0);
    const add = await client.request(24, 1, {
      v3AndBelowTransactionalId: 'tx-kill', v3AndBelowProducerId: init.body.producerId, v3AndBelowProducerEpoch: init.body.producerEpoch,
      v3AndBelowTopics: [{ name: TOPIC, partitions: PARTITIONS }],
    });
    expect(add.body.resultsByTopicV3AndBelow[0].resultsByPartition.map((p: { partitionErrorCode: number }) => p.partitionErrorCode)).toEqual([0, 0, 0]);
    client.socket.destroy();
    await kill(broker);

    const restarted = await start(dataDir);
    try {
      await waitForState(restarted.bootstrap, 'tx-kill', 'CompleteAbort');
      // An abort marker alone on each partition; nothing left unstable.
      expect(await latestOffsets(restarted.bootstrap, 0)).toEqual([1, 1, 1]);
      expect(await latestOffsets(restarted.bootstrap, 1)).toEqual([1, 1, 1]);
      const seen = await readAfterRestart(restarted);
      expect(seen.committed).toEqual({ 0: ['s0'], 1: ['s1'], 2: ['s2'] });
    } finally {
      await kill(restarted);
    }
  });

  it('after some produces: the open transaction is aborted on all partitions after the restart', async () => {
    const { dataDir, broker } = await freshBroker();
    const producer = producerFor(kafkaFor(broker), 1000);
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: TOPIC, messages: messages('r') });
    await kill(broker);
    await producer.disconnect().catch(() => {});

    const restarted = await start(dataDir);
    try {
      await waitForState(restarted.bootstrap, 'tx-kill', 'CompleteAbort');
      const seen = await readAfterRestart(restarted);
      expect(seen.committed).toEqual({ 0: ['s0'], 1: ['s1'], 2: ['s2'] });
      expect(seen.uncommitted).toEqual({ 0: ['r0', 's0'], 1: ['r1', 's1'], 2: ['r2', 's2'] });
    } finally {
      await kill(restarted);
    }
  });

  for (const killAt of ['after TxnOffsetCommit', 'after the commit decision'] as const) {
    it(`${killAt}: the transaction's offsets survive with it and are committed with its records`, async () => {
      const { dataDir, broker } = await freshBroker(killAt === 'after TxnOffsetCommit' ? undefined : 0);
      let client = await RawClient.connect(broker.bootstrap);
      const call = async (apiKey: number, version: number, body: object) => (await client.request(apiKey, version, body)).body;
      const { producerId, producerEpoch } = await call(22, 4, { transactionalId: 'tx-offsets', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
      await call(24, 3, { v3AndBelowTransactionalId: 'tx-offsets', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }] });
      const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('r0') }], producerId, producerEpoch, baseSequence: 0, isTransactional: true });
      const produced = await call(0, 8, { transactionalId: 'tx-offsets', acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
      expect(produced.responses[0].partitionResponses[0].errorCode).toBe(0);
      expect((await call(25, 3, { transactionalId: 'tx-offsets', producerId, producerEpoch, groupId: 'kill-group' })).errorCode).toBe(0);
      const offsets = await call(28, 3, { transactionalId: 'tx-offsets', groupId: 'kill-group', producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, committedOffset: 33, committedLeaderEpoch: -1, committedMetadata: 'm' }] }] });
      expect(offsets.topics[0].partitions[0].errorCode).toBe(0);
      const end = { transactionalId: 'tx-offsets', producerId, producerEpoch, committed: true };
      if (killAt === 'after TxnOffsetCommit') await kill(broker);
      else {
        await call(26, 3, end).catch(() => {}); // the broker kills itself before answering
        await broker.exited;
      }
      client.socket.destroy();

      const restarted = await start(dataDir);
      try {
        client = await RawClient.connect(restarted.bootstrap);
        if (killAt === 'after TxnOffsetCommit') {
          expect(await describeState(restarted.bootstrap, 'tx-offsets')).toBe('Ongoing');
          expect((await call(26, 3, end)).errorCode).toBe(0);
        }
        expect(await describeState(restarted.bootstrap, 'tx-offsets')).toBe('CompleteCommit');
        const fetched = await call(9, 7, { groupId: 'kill-group', topics: [{ name: TOPIC, partitionIndexes: [1] }], requireStable: true });
        expect(fetched.topics[0].partitions[0]).toMatchObject({ errorCode: 0, committedOffset: 33, metadata: 'm' });
        expect(await latestOffsets(restarted.bootstrap, 1)).toEqual([2, 0, 0]); // the record and its commit marker, all stable
      } finally {
        client.socket.destroy();
        await kill(restarted);
      }
    });
  }

  for (const [killAfterMarkers, commit] of [[0, true], [1, true], [2, true], [1, false]] as const) {
    it(`${commit ? 'commit' : 'abort'} killed after ${killAfterMarkers} of 3 markers: ${commit ? 'committed' : 'aborted'} on all partitions after the restart`, async () => {
      const { dataDir, broker } = await freshBroker(killAfterMarkers);
      const producer = producerFor(kafkaFor(broker));
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic: TOPIC, messages: messages('r') });
      await (commit ? txn.commit() : txn.abort()).catch(() => {}); // the broker dies under it
      await broker.exited;
      await producer.disconnect().catch(() => {});

      const restarted = await start(dataDir);
      try {
        // Completed while loading: the decision was in __transaction_state.
        expect(await describeState(restarted.bootstrap, 'tx-kill')).toBe(commit ? 'CompleteCommit' : 'CompleteAbort');
        const seen = await readAfterRestart(restarted);
        expect(seen.committed).toEqual(commit ? { 0: ['r0', 's0'], 1: ['r1', 's1'], 2: ['r2', 's2'] } : { 0: ['s0'], 1: ['s1'], 2: ['s2'] });
        expect(seen.uncommitted).toEqual({ 0: ['r0', 's0'], 1: ['r1', 's1'], 2: ['r2', 's2'] });
      } finally {
        await kill(restarted);
      }
    });
  }
});
