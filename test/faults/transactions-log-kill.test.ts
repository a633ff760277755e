/**
 * The log side of transactions survives kill -9: aborted transactions (.txnindex), the open
 * transaction that holds the last stable offset, and every marker are found again after the
 * broker is killed with transactions behind it and one open; the open one is then aborted at its
 * timeout by the restarted coordinator and the LSO catches up with the high watermark. The
 * compiled CLI broker runs as a child process (crash-harness.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTxnEntries } from '../../storage/transactions/txn-index.js';
import { fetchPartition, latest } from '../differential/transaction-scenarios.js';
import { spawnBroker } from './crash-harness.js';

const TOPIC = 'txn-log-kill';
/** Long enough that the restart is looked at before the timeout aborts the open transaction. */
const TXN_TIMEOUT_MS = 15_000;
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

type Child = Awaited<ReturnType<typeof spawnBroker>>;

async function start(dataDir: string): Promise<Child> {
  process.env.BROOKLET_TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS = '200';
  try {
    return await spawnBroker(dataDir, 'never', 4096, undefined);
  } finally {
    delete process.env.BROOKLET_TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS;
  }
}

/** The offsets first, then the fetch: an abort written between the two calls shows in the fetch. */
async function view(bootstrap: string) {
  const highWatermark = await latest(bootstrap, TOPIC, 0);
  const lastStableOffset = await latest(bootstrap, TOPIC, 1);
  const committed = await fetchPartition(bootstrap, TOPIC, 0, 1);
  return {
    highWatermark,
    lastStableOffset,
    aborted: (committed.abortedTransactions ?? []).map((a: { firstOffset: bigint }) => Number(a.firstOffset)),
  };
}

function txnIndexEntries(dataDir: string): number[] {
  const dir = path.join(dataDir, `${TOPIC}-0`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.txnindex')).sort()
    .flatMap((f) => decodeTxnEntries(fs.readFileSync(path.join(dir, f))).map((e) => e.firstOffset));
}

describe('kill -9 with transactions on the log', () => {
  it('finds the aborts, the markers and the LSO held by the open transaction again, then the timeout aborts it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-txn-log-kill-'));
    dirs.push(dataDir);
    let broker = await start(dataDir);
    const kafka = new Kafka({ clientId: 'txn-log-kill', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer({ transactionalId: 'log-kill', idempotent: true, maxInFlightRequests: 1, transactionTimeout: TXN_TIMEOUT_MS });
    await producer.connect();
    // Enough transactions to roll several 4 KiB segments: aborts land in different .txnindex files.
    for (let i = 0; i < 24; i++) {
      const txn = await producer.transaction();
      await txn.send({ topic: TOPIC, messages: Array.from({ length: 4 }, (_, j) => ({ value: `t${i}-${j}-${'x'.repeat(200)}` })) });
      if (i % 3 === 1) await txn.abort();
      else await txn.commit();
    }
    const open = await producer.transaction();
    await open.send({ topic: TOPIC, messages: [{ value: 'left-open' }] });
    const before = await view(broker.bootstrap);
    expect(before.lastStableOffset).toBe(before.highWatermark - 1);
    expect(before.aborted).toHaveLength(8);
    broker.child.kill('SIGKILL');
    await broker.exited;
    await producer.disconnect().catch(() => {});
    expect(fs.existsSync(path.join(dataDir, '.kafka_cleanshutdown'))).toBe(false);
    const indexed = txnIndexEntries(dataDir);
    expect(indexed).toEqual(before.aborted);

    broker = await start(dataDir);
    try {
      const after = await view(broker.bootstrap);
      expect(after).toEqual(before);
      expect(txnIndexEntries(dataDir)).toEqual(indexed);
      // The restarted coordinator aborts the open transaction at its timeout: the LSO catches up.
      const deadline = Date.now() + TXN_TIMEOUT_MS + 60_000;
      let settled = after;
      while (Date.now() < deadline) {
        settled = await view(broker.bootstrap);
        if (settled.lastStableOffset === settled.highWatermark) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(settled.lastStableOffset).toBe(settled.highWatermark);
      expect(settled.highWatermark).toBe(before.highWatermark + 1); // the abort marker
      expect(settled.aborted).toEqual([...before.aborted, before.lastStableOffset]);
    } finally {
      broker.child.kill('SIGKILL');
      await broker.exited;
    }
  }, 180_000);
});
