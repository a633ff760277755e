/**
 * The `always` flush policy for committed offsets: an OffsetCommit is answered only after its
 * __consumer_offsets record was fdatasync'd (checked against the sync log, storage/sync-log.ts),
 * both for a standalone commit (generation -1, as admin tools send) and for a group member's
 * commits; under `never` the answer comes straight from the page cache. (Group metadata records,
 * written at SyncGroup and LeaveGroup, are not waited for: only commits are checked here.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, expect, it } from 'vitest';
import { startBrokerWithSyncLog } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { DURABILITY, recordFigure, writeFigures } from '../reliability/record.js';

/** OffsetCommit answers that came before their record was synced, per case, from passing tests only. */
const unsynced = new Map<string, { unsynced: number; of: number }>();
afterAll(() => {
  const [always, never, members] = ['always', 'never', 'members'].map((k) => unsynced.get(k));
  if (always && never && members) {
    recordFigure(DURABILITY, 'OffsetCommit under `always`: standalone commits (generation -1, as admin tools send) and a kafkajs group member committing each message', {
      figure: `answers that came before their __consumer_offsets record was synced: ${always.unsynced} of ${always.of} standalone, `
        + `${members.unsynced} of ${members.of} from the member (under \`never\`: ${never.unsynced} of ${never.of}); committed offsets read back`,
      command: 'npx vitest run test/faults/offset-commit-durable.test.ts',
      standaloneUnsynced: always.unsynced, standaloneCommits: always.of, memberUnsynced: members.unsynced, memberCommits: members.of,
      neverUnsynced: never.unsynced, neverCommits: never.of,
    });
  }
  writeFigures(import.meta.url);
});

const OFFSET_COMMIT = 8;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function brokerWithSyncLog(flushPolicy: 'never' | 'always') {
  const { broker, syncedBytes } = await startBrokerWithSyncLog({ flushPolicy });
  cleanups.push(() => broker.close());
  const kafka = new Kafka({ clientId: 'oc', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'oc', numPartitions: 2 }] });
  const offsetsFile = path.join(broker.dataDir, '__consumer_offsets-0', '00000000000000000000.log');
  /** True when every byte of __consumer_offsets written so far is covered by a sync. */
  const allSynced = () => syncedBytes(offsetsFile) >= fs.statSync(offsetsFile).size;
  return { broker, kafka, admin, allSynced };
}

it('always: a standalone OffsetCommit is answered after its record was synced; never: not', async () => {
  for (const policy of ['always', 'never'] as const) {
    const { broker, admin, allSynced } = await brokerWithSyncLog(policy);
    const client = await RawClient.connect(broker.bootstrap);
    cleanups.push(() => { client.socket.destroy(); });
    let unsyncedAnswers = 0;
    for (let i = 1; i <= 15; i++) {
      // Generation -1 and no member id: an admin's commit into an Empty group (no group records).
      const answer = await client.request(OFFSET_COMMIT, 8, {
        groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 'oc', partitions: [
          { partitionIndex: 0, committedOffset: i, committedLeaderEpoch: -1, committedMetadata: null },
          { partitionIndex: 1, committedOffset: 2 * i, committedLeaderEpoch: -1, committedMetadata: null },
        ] }],
      });
      const body = answer.body as { topics: { partitions: { errorCode: number }[] }[] };
      expect(body.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([0, 0]);
      if (!allSynced()) unsyncedAnswers++;
    }
    if (policy === 'always') expect(unsyncedAnswers).toBe(0);
    else expect(unsyncedAnswers).toBe(15);
    const [fetched] = await admin.fetchOffsets({ groupId: 'g', topics: ['oc'] });
    expect(fetched!.partitions.map((p) => Number(p.offset)).sort((a, b) => a - b)).toEqual([15, 30]);
    unsynced.set(policy, { unsynced: unsyncedAnswers, of: 15 });
    for (const c of cleanups.splice(0).reverse()) await c();
  }
});

it('always: a group member\'s commits are answered after their records were synced', async () => {
  const { kafka, admin, allSynced } = await brokerWithSyncLog('always');
  const producer = kafka.producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  await producer.send({ topic: 'oc', messages: Array.from({ length: 40 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
  const consumer = kafka.consumer({ groupId: 'members', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  cleanups.push(() => consumer.disconnect());
  await consumer.subscribe({ topic: 'oc', fromBeginning: true });
  let commits = 0;
  let unsyncedAnswers = 0;
  let processed = 0;
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        // The answer to commitOffsets is the OffsetCommit response: the record must be on disk.
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
        commits++;
        if (!allSynced()) unsyncedAnswers++;
        if (++processed === 40) resolve();
      },
    }).catch(reject);
  });
  expect(commits).toBe(40);
  expect(unsyncedAnswers).toBe(0);
  const [fetched] = await admin.fetchOffsets({ groupId: 'members', topics: ['oc'] });
  expect(fetched!.partitions.map((p) => Number(p.offset))).toEqual([20, 20]);
  unsynced.set('members', { unsynced: unsyncedAnswers, of: commits });
});
