/**
 * The `always` flush policy through the Kafka protocol: an acks=-1 or acks=1 answer comes only
 * after the batch's bytes were fdatasync'd (checked against the sync log, storage/sync-log.ts),
 * and concurrent producers share syncs (group commit): far fewer syncs than requests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, expect, it } from 'vitest';
import { startBrokerWithSyncLog } from '../helpers/broker.js';
import { DURABILITY, fmt, recordFigure, writeFigures } from '../reliability/record.js';

/** Answers that came before their bytes were synced, per acks and policy, from passing tests only. */
const unsynced = new Map<string, number>();
let shared: { requests: number; syncs: number } | undefined;
afterAll(() => {
  if (shared && unsynced.size === 4) {
    recordFigure(DURABILITY, 'Group commit under `always`: 10 concurrent kafkajs producers x 20 sequential acks=-1 requests', {
      figure: `${fmt(shared.requests)} requests, ${fmt(shared.syncs)} fdatasyncs of the partition's .log; `
        + `acks=-1 and acks=1 answers that came before their bytes were synced: ${unsynced.get('-1:always')} and ${unsynced.get('1:always')} of 20 `
        + `(under \`never\`: ${unsynced.get('-1:never')} and ${unsynced.get('1:never')} of 20)`,
      command: 'npx vitest run test/faults/group-commit.test.ts',
      ...shared, ...Object.fromEntries([...unsynced].map(([k, v]) => [`unsynced(acks:policy=${k})`, v])),
    });
  }
  writeFigures(import.meta.url);
});

const quiet = { logLevel: logLevel.NOTHING, connectionTimeout: 10_000 };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function brokerWithSyncLog(flushPolicy: 'never' | 'always') {
  const { broker, syncLog, syncedBytes } = await startBrokerWithSyncLog({ flushPolicy });
  cleanups.push(() => broker.close());
  const kafka = new Kafka({ clientId: 'gc', brokers: [broker.bootstrap], ...quiet });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'gc', numPartitions: 1 }] });
  await admin.disconnect();
  const logFile = path.join(broker.dataDir, 'gc-0', '00000000000000000000.log');
  const syncLines = () => fs.readFileSync(syncLog, 'utf8').split('\n').filter((l) => l.startsWith(logFile + '\t')).length;
  return { broker, kafka, logFile, synced: () => syncedBytes(logFile), syncLines };
}

for (const acks of [-1, 1]) {
  it(`always: every acks=${acks} answer comes after its bytes were synced; never: not`, async () => {
    for (const policy of ['always', 'never'] as const) {
      const { kafka, logFile, synced } = await brokerWithSyncLog(policy);
      const producer = kafka.producer();
      await producer.connect();
      cleanups.push(() => producer.disconnect());
      let unsyncedAnswers = 0;
      for (let i = 0; i < 20; i++) {
        await producer.send({ topic: 'gc', acks, messages: [{ value: `v${i}` }, { value: `w${i}` }] });
        if (synced() < fs.statSync(logFile).size) unsyncedAnswers++;
      }
      if (policy === 'always') expect(unsyncedAnswers).toBe(0);
      else expect(unsyncedAnswers).toBe(20);
      unsynced.set(`${acks}:${policy}`, unsyncedAnswers);
    }
  });
}

it('always: 10 concurrent producers x 20 requests share syncs (group commit)', async () => {
  const { kafka, logFile, synced, syncLines } = await brokerWithSyncLog('always');
  const producers = await Promise.all(Array.from({ length: 10 }, async () => {
    const p = kafka.producer();
    await p.connect();
    cleanups.push(() => p.disconnect());
    return p;
  }));
  let requests = 0;
  await Promise.all(producers.map(async (producer, id) => {
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic: 'gc', acks: -1, messages: [{ value: `p${id}-${i}` }] });
      requests++;
    }
  }));
  const syncs = syncLines();
  console.log(`group commit: ${requests} acks=-1 requests from 10 producers, ${syncs} syncs of the partition's .log`);
  expect(requests).toBe(200);
  expect(syncs).toBeGreaterThan(0);
  expect(syncs).toBeLessThan(requests / 2);
  expect(synced()).toBe(fs.statSync(logFile).size);
  shared = { requests, syncs };
});
