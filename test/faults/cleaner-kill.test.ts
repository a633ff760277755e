/**
 * kill -9 at random moments of a clean and of retention (the built CLI broker, cleaning every
 * 50 ms and checking retention every 100 ms while a producer writes), then a restart that must
 * find the log whole:
 *  - compaction (20 cycles): every record read sits at the offset it was acknowledged at, with
 *    the bytes acknowledged there; each key's last acknowledged value (or a later one) is there;
 *    an offset once compacted away never comes back; no .cleaned or .swap file survives startup;
 *  - retention and DeleteRecords (10 cycles): the log start never moves back, and every
 *    acknowledged record at or past it is there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecordBatch } from '../../protocol/records.js';
import { tempDataDir } from '../helpers/broker.js';
import { spawnCli, type CliBroker } from '../helpers/cli-process.js';
import { RawClient } from '../helpers/raw-client.js';

const running: CliBroker[] = [];
afterEach(() => {
  for (const b of running.splice(0)) b.child.kill('SIGKILL');
});

async function start(dataDir: string): Promise<CliBroker> {
  const broker = await spawnCli(['--port', '0', '--data-dir', dataDir, '--no-http', '--no-schema-registry',
    '--log-cleaner-backoff-ms', '50', '--log-retention-check-interval-ms', '100']);
  running.push(broker);
  return broker;
}

async function kill9(broker: CliBroker): Promise<void> {
  broker.child.kill('SIGKILL');
  await broker.exited;
  running.splice(running.indexOf(broker), 1);
}

interface Stored {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record from the log start, batch by batch over the wire (a compacted log has gaps and may end a group with an empty batch). */
async function readPartition(bootstrap: string, topic: string): Promise<{ logStart: number; records: Stored[] }> {
  const client = await RawClient.connect(bootstrap);
  try {
    const records: Stored[] = [];
    const ask = async (offset: number) => {
      const { body } = await client.request(1, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' });
      return body.responses[0].partitions[0];
    };
    const { body: earliest } = await client.request(2, 1, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -2 }] }] });
    let offset = Number(earliest.topics[0].partitions[0].offset);
    const logStart = offset;
    for (;;) {
      const p = await ask(offset);
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode} at ${offset}`);
      const bytes: Buffer = Buffer.isBuffer(p.records) ? p.records : Buffer.concat(p.records ?? []);
      let at = 0;
      let next = offset;
      while (at + 61 <= bytes.length) {
        const size = 12 + bytes.readInt32BE(at + 8);
        if (at + size > bytes.length) break;
        const batch = decodeRecordBatch(bytes, at);
        for (const r of batch.records) if (r.offset >= offset) records.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
        next = batch.header.baseOffset + batch.header.lastOffsetDelta + 1;
        at += size;
      }
      if (next >= Number(p.highWatermark)) return { logStart, records };
      if (next === offset) throw new Error(`no progress at ${offset}`);
      offset = next;
    }
  } finally {
    client.close();
  }
}

/** Writes keyed records one by one until stopped, recording what each acknowledged offset holds. */
function keepProducing(bootstrap: string, topic: string, acked: Map<number, Stored>, cycle: number, keys: number) {
  let stop = false;
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'kill-test', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const producer = kafka.producer({ retry: { retries: 0 } });
  const done = (async () => {
    await producer.connect();
    for (let i = 0; !stop; i++) {
      const key = `key-${(i * 7) % keys}`;
      const value = `c${cycle}-n${i}-${'p'.repeat(200)}`;
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
      acked.set(Number(meta!.baseOffset), { offset: Number(meta!.baseOffset), key, value });
    }
  })().catch(() => {}); // the kill cuts the connection
  // After the kill a send may wait on a dead connection: give up on it after a moment.
  return { stop: () => { stop = true; return Promise.race([done, new Promise((r) => setTimeout(r, 1000))]).then(() => producer.disconnect().catch(() => {})); } };
}

describe('kill -9 during log maintenance', () => {
  it('a clean killed at random moments leaves the old or the new segments, never a mix (20 cycles)', async () => {
    const dataDir = tempDataDir();
    const topic = 'compacted-kill';
    const acked = new Map<number, Stored>();
    const gone = new Set<number>();
    let cleanedAway = 0;
    let killedMidClean = 0;
    const partitionDir = path.join(dataDir, `${topic}-0`);
    const unfinished = () => (fs.existsSync(partitionDir) ? fs.readdirSync(partitionDir) : []).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'));
    for (let cycle = 0; cycle < 20; cycle++) {
      if (unfinished().length > 0) killedMidClean++;
      const broker = await start(dataDir);
      if (cycle === 0) {
        const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [
          { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '8192' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' },
        ] }] });
        await admin.disconnect();
      } else {
        const { records } = await readPartition(broker.bootstrap, topic);
        const present = new Set(records.map((r) => r.offset));
        for (const r of records) {
          const sent = acked.get(r.offset);
          if (sent !== undefined) expect({ cycle, record: r }).toEqual({ cycle, record: sent });
          expect({ cycle, offset: r.offset, cameBack: gone.has(r.offset) }).toEqual({ cycle, offset: r.offset, cameBack: false });
        }
        const lastAcked = new Map<string, number>();
        for (const r of acked.values()) if ((lastAcked.get(r.key!) ?? -1) < r.offset) lastAcked.set(r.key!, r.offset);
        const lastPresent = new Map<string, number>();
        for (const r of records) lastPresent.set(r.key!, r.offset);
        for (const [key, offset] of lastAcked) expect({ cycle, key, latest: (lastPresent.get(key) ?? -1) >= offset }).toEqual({ cycle, key, latest: true });
        for (const offset of acked.keys()) if (!present.has(offset)) gone.add(offset);
        cleanedAway = gone.size;
        // A .swap exists only inside one synchronous step of the broker, which this process may
        // list the directory in the middle of: it must be gone a moment later, never stay. A
        // .cleaned file may be the running cleaner's.
        const swaps = async () => {
          for (let i = 0; i < 20; i++) {
            if (!unfinished().some((n) => n.endsWith('.swap'))) return [];
            await new Promise((r) => setTimeout(r, 100));
          }
          return unfinished().filter((n) => n.endsWith('.swap'));
        };
        expect({ cycle, swaps: await swaps() }).toEqual({ cycle, swaps: [] });
      }
      const producing = keepProducing(broker.bootstrap, topic, acked, cycle, 40);
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200));
      await kill9(broker);
      await producing.stop();
    }
    expect(cleanedAway).toBeGreaterThan(0); // the cleaner did run between the kills
    expect(killedMidClean).toBeGreaterThan(0); // and some kills landed in the middle of a clean
  }, 240_000);

  it('retention and DeleteRecords killed at random moments never bring deleted records back (10 cycles)', async () => {
    const dataDir = tempDataDir();
    const topic = 'retained-kill';
    const acked = new Map<number, Stored>();
    let lastStart = 0;
    for (let cycle = 0; cycle < 10; cycle++) {
      const broker = await start(dataDir);
      const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      if (cycle === 0) {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '8192' }, { name: 'retention.bytes', value: '40000' }] }] });
      } else {
        const { logStart, records } = await readPartition(broker.bootstrap, topic);
        expect({ cycle, backwards: logStart < lastStart }).toEqual({ cycle, backwards: false });
        lastStart = logStart;
        const present = new Map(records.map((r) => [r.offset, r]));
        for (const [offset, sent] of acked) if (offset >= logStart) expect({ cycle, offset, record: present.get(offset) }).toEqual({ cycle, offset, record: sent });
        for (const r of records) expect(r.offset).toBeGreaterThanOrEqual(logStart);
      }
      const producing = keepProducing(broker.bootstrap, topic, acked, cycle, 1000);
      const deleting = (async () => {
        await admin.fetchTopicMetadata({ topics: [topic] });
        for (let i = 0; i < 5; i++) {
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
          const high = Math.max(...acked.keys(), 0);
          await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(Math.max(0, high - 30)) }] }).catch(() => {});
        }
      })().catch(() => {});
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
      await kill9(broker);
      await Promise.all([producing.stop(), Promise.race([deleting, new Promise((r) => setTimeout(r, 1000))]), admin.disconnect().catch(() => {})]);
    }
    expect(lastStart).toBeGreaterThan(0);
  }, 240_000);
});
