/**
 * Compaction of compressed topics end to end, with real clients: librdkafka (confluent-kafka for
 * Python, test/compat/python/compacted_client.py) produces a keyed workload with tombstones to a
 * compacted topic, compressed with gzip, snappy (librdkafka sends raw blocks), lz4 or zstd;
 * Brooklet's cleaner (every 200 ms) rewrites the sealed segments, re-compressing the batches
 * that keep some of their records with their own codec; then librdkafka and the Java
 * client (which reads snappy through snappy-java and lz4 through Kafka's own strict frame reader)
 * consume the topic and must see exactly the last value of every key, tombstones included, at
 * their original offsets; so must the console's message browser. Every batch left in the
 * cleaned segments must still carry its codec.
 *
 * A peer that is not installed fails the file when CI=true, and otherwise skips it with one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecId } from '../../protocol/codecs/index.js';
import { decodeRecordBatch } from '../../protocol/records.js';
import { startTestBroker } from '../helpers/broker.js';
import { keyedPeer, lastPerKey, type KeyedRecord } from './keyed-peer.js';
import { javaPeer, librdkafkaPeer, runPeer } from './peers.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const KEYS = 60;
const ROUNDS = 4;

interface Field {
  base64: string;
}

function fieldText(field: Field | null): string | null {
  return field === null ? null : Buffer.from(field.base64, 'base64').toString('utf8');
}

type Rec = KeyedRecord;

/** The records of every sealed segment (all but the last file), with each batch's codec; null while a swap moved a file. */
function sealedBatches(dir: string): Array<{ codec: number; records: Rec[] }> | null {
  const names = fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).sort();
  const out: Array<{ codec: number; records: Rec[] }> = [];
  try {
    for (const name of names.slice(0, -1)) {
      const bytes = fs.readFileSync(path.join(dir, name));
      for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
        const batch = bytes.subarray(at, at + 12 + bytes.readInt32BE(at + 8));
        const records = decodeRecordBatch(batch).records.map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null }));
        out.push({ codec: batch.readInt16BE(21) & 7, records });
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return out;
}

async function waitFor<T>(what: string, probe: () => T | null | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const missing = librdkafkaPeer.missing() ?? javaPeer.missing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping compressed compaction tests: ${missing}`);

describe.skipIf(missing !== null && !mustRun)('compaction of compressed topics, produced and consumed by real clients', () => {
  let broker: Broker;
  let kafka: Kafka;

  beforeAll(async () => {
    if (missing) throw new Error(`the librdkafka and Java peers are required when CI=true: ${missing}`);
    broker = await startTestBroker({ logCleanerBackoffMs: 200 });
    kafka = new Kafka({ clientId: 'compacted-codecs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  }, 60_000);
  afterAll(async () => broker?.close());

  for (const codec of CODECS) {
    it(`${codec}: librdkafka, the Java client and the console read exactly the last value of every key after cleaning`, async () => {
      const topic = `compacted-${codec}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{
          topic,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '4096' },
            { name: 'segment.ms', value: '30000' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          ],
        }],
      });
      await admin.disconnect();

      const produced = await runPeer(keyedPeer, ['produce', '--bootstrap', broker.bootstrap, '--topic', topic, '--codec', codec,
        '--keys', String(KEYS), '--rounds', String(ROUNDS), '--timestamp', String(Date.now())], 90_000);
      expect(produced.code, produced.stderr).toBe(0);
      const acked = produced.records as unknown as Rec[];
      expect(acked).toHaveLength(KEYS * (ROUNDS - 1) + KEYS / 2 + 1);
      const expected = lastPerKey(acked);
      expect(expected.filter((r) => r.value === null).length).toBeGreaterThan(0);

      // Cleaned: the sealed segments hold every key once (the sentinel alone is in the active one).
      const dir = path.join(broker.dataDir, `${topic}-0`);
      const cleaned = await waitFor(`the cleaner to compact ${topic}`, () => {
        const batches = sealedBatches(dir);
        const records = batches?.flatMap((b) => b.records) ?? [];
        return records.length === KEYS && new Set(records.map((r) => r.key)).size === KEYS ? batches : null;
      });
      const withRecords = cleaned!.filter((b) => b.records.length > 0);
      expect(withRecords.length).toBeGreaterThan(1);
      for (const b of withRecords) expect(b.codec).toBe(codecId(codec));
      // Some batches lost records but kept others: those were rewritten (re-compressed) by the cleaner.
      const rewritten = withRecords.filter((b) => b.records.at(-1)!.offset - b.records[0]!.offset + 1 > b.records.length);
      expect(rewritten.length).toBeGreaterThan(0);

      const rdkafka = await runPeer(keyedPeer, ['consume', '--bootstrap', broker.bootstrap, '--topic', topic, '--timeout-ms', '30000'], 60_000);
      expect(rdkafka.code, rdkafka.stderr).toBe(0);
      expect(rdkafka.records as unknown as Rec[]).toEqual(expected);

      // The console's message browser decodes the same records, cleaned batches included.
      const page = await (await fetch(`${broker.httpUrl}/api/topics/${topic}/partitions/0/messages?order=oldest&limit=100`)).json() as {
        messages: Array<{ offset: number; key: Field | null; value: Field | null }>; skipped: unknown[];
      };
      expect(page.skipped).toEqual([]);
      expect(page.messages.map((m) => ({ offset: m.offset, key: fieldText(m.key), value: fieldText(m.value) }))).toEqual(expected);

      const java = await runPeer(javaPeer, ['consume', '--bootstrap', broker.bootstrap, '--topic', topic, '--partitions', '1',
        '--count', String(expected.length), '--timeout-ms', '30000'], 90_000);
      expect(java.code, java.stderr).toBe(0);
      expect(java.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value }))).toEqual(expected);
    }, 240_000);
  }
});
