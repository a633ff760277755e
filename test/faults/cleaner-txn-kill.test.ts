/**
 * kill -9 at random moments of the cleaning of a transactional compacted log (the built CLI
 * broker cleaning every 50 ms, delete.retention.ms 50, so markers are stamped and removed while a
 * kafkajs transactional producer commits and aborts), then a restart, 12 cycles. After each
 * restart (and the coordinator's abort of the transaction the kill left open), a read_committed
 * reading of the partition, done as a consumer does it (the fetch's aborted list,
 * the markers):
 *  - holds no record of an aborted transaction;
 *  - holds every committed record at the offset it was acknowledged at, or a later value of its key;
 *  - the last stable offset reaches the high watermark (no transaction left open by a lost marker);
 *  - no .swap file survives startup.
 * At the end some markers were removed by the cleaner (the rule ran between the kills).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecordBatch } from '../../protocol/records.js';
import { tempDataDir } from '../helpers/broker.js';
import { spawnCli, type CliBroker } from '../helpers/cli-process.js';
import { RawClient } from '../helpers/raw-client.js';

const TOPIC = 'txn-compacted-kill';
const running: CliBroker[] = [];
afterEach(() => {
  for (const b of running.splice(0)) b.child.kill('SIGKILL');
});

interface Committed {
  offset: number;
  key: string;
  value: string;
}

/** What a read_committed consumer reads from the log start, and the partition's LSO and high watermark. */
async function readCommitted(bootstrap: string): Promise<{ records: Committed[]; lso: number; high: number; markers: number }> {
  const client = await RawClient.connect(bootstrap);
  try {
    const records: Committed[] = [];
    let markers = 0;
    const { body: earliest } = await client.request(2, 1, { replicaId: -1, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: -2 }] }] });
    let offset = Number(earliest.topics[0].partitions[0].offset);
    const abortedProducers = new Set<number>();
    for (;;) {
      const { body } = await client.request(1, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' });
      const p = body.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode} at ${offset}`);
      const lso = Number(p.lastStableOffset);
      const aborted = ((p.abortedTransactions ?? []) as Array<{ producerId: bigint | number; firstOffset: bigint | number }>)
        .map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) }))
        .sort((a, b) => a.firstOffset - b.firstOffset);
      const bytes: Buffer = Buffer.isBuffer(p.records) ? p.records : Buffer.concat(p.records ?? []);
      let at = 0;
      let next = offset;
      while (at + 61 <= bytes.length) {
        const size = 12 + bytes.readInt32BE(at + 8);
        if (at + size > bytes.length) break;
        const { header, records: batchRecords } = decodeRecordBatch(bytes, at);
        while (aborted.length > 0 && aborted[0]!.firstOffset <= header.baseOffset) abortedProducers.add(aborted.shift()!.producerId);
        const control = (header.attributes & 0x20) !== 0;
        if (control) {
          markers++;
          abortedProducers.delete(header.producerId);
        } else if ((header.attributes & 0x10) === 0 || !abortedProducers.has(header.producerId)) {
          for (const r of batchRecords) if (r.offset >= offset) records.push({ offset: r.offset, key: r.key!.toString(), value: r.value!.toString() });
        }
        next = header.baseOffset + header.lastOffsetDelta + 1;
        at += size;
      }
      if (next >= lso) return { records, lso, high: Number(p.highWatermark), markers };
      if (next === offset) throw new Error(`no progress at ${offset}`);
      offset = next;
    }
  } finally {
    client.close();
  }
}

describe('kill -9 while a transactional compacted log is cleaned', () => {
  it('read_committed never shows aborted data nor loses committed data across kills mid-clean (12 cycles)', async () => {
    const dataDir = tempDataDir();
    const committed = new Map<number, Committed>();
    let transactions = 0;
    let lastMarkers = 0;
    for (let cycle = 0; cycle < 12; cycle++) {
      const broker = await spawnCli(['--port', '0', '--data-dir', dataDir, '--no-http', '--no-schema-registry', '--log-cleaner-backoff-ms', '50', '--transaction-abort-timed-out-interval-ms', '500']);
      running.push(broker);
      const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'txn-kill', logLevel: logLevel.NOTHING, retry: { retries: 2 } });
      if (cycle === 0) {
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, configEntries: [
          { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '4096' },
          { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'delete.retention.ms', value: '50' },
        ] }] });
        await admin.disconnect();
      }
      // Connecting the transactional producer (InitProducerId) aborts what the last kill left open.
      const producer = kafka.producer({ transactionalId: 'txn-kill', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 3000 });
      await producer.connect();
      if (cycle > 0) {
        // A transaction the kill left open holds the LSO until the coordinator aborts it
        // (transaction.timeout.ms 3 s, checked every 500 ms here): wait for that, which is not the cleaner's doing.
        let view = await readCommitted(broker.bootstrap);
        for (const deadline = Date.now() + 20_000; view.lso < view.high && Date.now() < deadline; view = await readCommitted(broker.bootstrap)) {
          await new Promise((r) => setTimeout(r, 200));
        }
        expect({ cycle, open: view.lso < view.high, lso: view.lso }).toEqual({ cycle, open: false, lso: view.high });
        expect({ cycle, aborted: view.records.filter((r) => r.value.includes('-abort-')) }).toEqual({ cycle, aborted: [] });
        const present = new Map(view.records.map((r) => [r.offset, r]));
        const lastPresent = new Map<string, number>();
        for (const r of view.records) lastPresent.set(r.key, r.offset);
        for (const r of committed.values()) {
          const found = present.get(r.offset);
          if (found !== undefined) expect({ cycle, found }).toEqual({ cycle, found: r });
          else expect({ cycle, key: r.key, superseded: (lastPresent.get(r.key) ?? -1) > r.offset }).toEqual({ cycle, key: r.key, superseded: true });
        }
        lastMarkers = view.markers;
        const dir = path.join(dataDir, `${TOPIC}-0`);
        // A swap is one synchronous step of the broker, which this process may list the directory
        // in the middle of: a .swap must be gone a moment later, never stay.
        const listSwaps = () => fs.readdirSync(dir).filter((n) => n.endsWith('.swap'));
        let swaps = listSwaps();
        for (let i = 0; i < 20 && swaps.length > 0; i++, swaps = listSwaps()) await new Promise((r) => setTimeout(r, 100));
        expect({ cycle, swaps }).toEqual({ cycle, swaps: [] });
      }
      let stop = false;
      const producing = (async () => {
        for (let i = 0; !stop; i++) {
          const commit = Math.random() < 0.6;
          const messages = Array.from({ length: 1 + (i % 3) }, (_, k) => ({ key: `key-${(i * 3 + k) % 25}`, value: `c${cycle}-t${i}-${k}-${commit ? 'commit' : 'abort'}-${'p'.repeat(150)}` }));
          const txn = await producer.transaction();
          const [meta] = await txn.send({ topic: TOPIC, messages });
          if (!commit) {
            await txn.abort();
            continue;
          }
          await txn.commit();
          transactions++;
          messages.forEach((m, k) => committed.set(Number(meta!.baseOffset) + k, { offset: Number(meta!.baseOffset) + k, key: m.key, value: m.value }));
        }
      })().catch(() => {}); // the kill cuts the connection
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1200));
      broker.child.kill('SIGKILL');
      await broker.exited;
      running.splice(running.indexOf(broker), 1);
      stop = true;
      await Promise.race([producing, new Promise((r) => setTimeout(r, 1000))]);
      await producer.disconnect().catch(() => {});
    }
    expect(transactions).toBeGreaterThan(20);
    // Far fewer markers than transactions are left: the cleaner removed markers between the kills.
    expect(lastMarkers).toBeLessThan(transactions / 2);
  }, 240_000);
});
