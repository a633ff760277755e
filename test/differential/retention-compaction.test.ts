/**
 * Retention, DeleteRecords and compaction, Kafka vs Brooklet, through kafkajs and the files on
 * disk: the same workload on both, then what survives compared field by field - log start
 * offsets, the surviving segments' base offsets, low watermarks and DeleteRecords errors, and
 * the records a compacted topic keeps (key, value, offset), and the same for topics that
 * librdkafka fills with snappy, lz4 and zstd batches (with the codecs the surviving batches carry
 * on disk: each cleaner writes a batch back with its own codec). Both brokers check retention
 * every second and the cleaner backs off 500 ms, so the test polls until each has done its work.
 * Kafka 4 segments are at least 1 MiB (segment.bytes' minimum), so the workloads write a few MiB.
 * Kafka runs from the jars (its segment files are read from its log dir).
 * Without Java or the Kafka jars the file skips with one line; with CI=true it fails instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedPeer, type KeyedRecord } from '../compat/keyed-peer.js';
import { runPeer } from '../compat/peers.js';
import { codecName } from '../../protocol/codecs/index.js';
import { Recorder } from '../matrix/results.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from './brokers.js';
import { differential } from './compare.js';
import { createTopic, kafkajs, withAdmin } from './kafkajs-scenarios.js';

const CLIENT = 'kafkajs';
/** The compatibility matrix's name for librdkafka through Python (test/matrix/clients.test.ts). */
const LIBRDKAFKA = 'Python confluent-kafka (librdkafka)';
const missing = realKafkaMissing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping the retention and compaction differential suite: ${missing}`);
const rec = new Recorder('differential-retention');

const DAY = 24 * 60 * 60 * 1000;
/** Timestamps fixed once, so both sides get the same records. */
const NOW = Date.now();
const OLD = NOW - 10 * DAY;
const VALUE = 'v'.repeat(10_000);

function startRetentionPair(): Promise<BrokerPair> {
  return startPair({ kafka: { mode: 'jars', serverProps: { 'log.retention.check.interval.ms': '1000', 'log.cleaner.backoff.ms': '500', 'log.initial.task.delay.ms': '1000' } }, brooklet: { logRetentionCheckIntervalMs: 1000, logCleanerBackoffMs: 500 } });
}

function segmentBases(side: Side, topic: string, partition = 0): number[] {
  const dir = path.join(side.dataDir!, `${topic}-${partition}`);
  return fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).map((n) => Number(n.slice(0, 20))).sort((a, b) => a - b);
}

async function offsets(side: Side, topic: string): Promise<Array<{ partition: number; low: string; high: string }>> {
  const all = await withAdmin(side, (a) => a.fetchTopicOffsets(topic));
  return all.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Polls until `done` holds and the observation stayed the same across three polls spanning more than one retention check. */
async function untilSettled<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    const value = await probe();
    seen.push(JSON.stringify(value));
    if ((done(value) && seen.length >= 3 && seen.slice(-3).every((v) => v === seen.at(-1))) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 700));
  }
}

async function produceOneByOne(side: Side, topic: string, messages: Array<{ key?: string; value: string | null; timestamp?: number }>): Promise<void> {
  const producer = kafkajs(side).producer();
  await producer.connect();
  try {
    for (const m of messages) {
      await producer.send({ topic, acks: -1, messages: [{ key: m.key ?? null, value: m.value, timestamp: m.timestamp === undefined ? undefined : String(m.timestamp) }] });
    }
  } finally {
    await producer.disconnect();
  }
}

async function retentionByTime(side: Side) {
  const topic = 'diff-retention-time';
  await createTopic(side, topic, 1, [{ name: 'segment.bytes', value: String(1 << 20) }, { name: 'retention.ms', value: String(7 * DAY) }]);
  const old = Array.from({ length: 250 }, () => ({ value: VALUE, timestamp: OLD }));
  const fresh = Array.from({ length: 150 }, () => ({ value: VALUE, timestamp: NOW }));
  await produceOneByOne(side, topic, [...old, ...fresh]);
  const after = await untilSettled('retention', async () => ({ offsets: await offsets(side, topic), segments: segmentBases(side, topic) }), (o) => o.offsets[0]!.low !== '0');
  return after;
}

async function retentionBySize(side: Side) {
  const topic = 'diff-retention-size';
  await createTopic(side, topic, 1, [{ name: 'segment.bytes', value: String(1 << 20) }, { name: 'retention.bytes', value: String(Math.floor(2.5 * (1 << 20))) }]);
  await produceOneByOne(side, topic, Array.from({ length: 450 }, () => ({ value: VALUE, timestamp: NOW })));
  const after = await untilSettled('retention', async () => ({ offsets: await offsets(side, topic), segments: segmentBases(side, topic) }), (o) => o.offsets[0]!.low !== '0');
  return after;
}

async function deleteRecordsWatermarks(side: Side) {
  const topic = 'diff-delete-records';
  await createTopic(side, topic, 2, [{ name: 'segment.bytes', value: String(1 << 20) }]);
  const producer = kafkajs(side).producer();
  await producer.connect();
  for (let i = 0; i < 150; i++) await producer.send({ topic, acks: -1, messages: [{ partition: i % 2, value: VALUE }] });
  await producer.disconnect();
  const errors: unknown[] = [];
  const attempt = async (partitions: Array<{ partition: number; offset: string }>) => {
    try {
      await withAdmin(side, async (a) => {
        await a.fetchTopicMetadata({ topics: [topic] });
        await a.deleteTopicRecords({ topic, partitions });
      });
      errors.push(null);
    } catch (err) {
      const e = err as { name?: string; partitions?: Array<{ partition: number; error?: { type?: string } }> };
      errors.push({ name: e.name, partitions: e.partitions?.map((p) => ({ partition: p.partition, type: p.error?.type })) });
    }
  };
  await attempt([{ partition: 0, offset: '37' }, { partition: 1, offset: '-1' }]);
  await attempt([{ partition: 0, offset: '10' }]); // below the low watermark: nothing moves
  await attempt([{ partition: 0, offset: '76' }]); // past the high watermark
  const watermarks = await offsets(side, topic);
  // Segments wholly below the new start go at the next retention pass (Kafka) or at once (Brooklet).
  const segments = await until('segments', async () => segmentBases(side, topic, 1), (s) => s.length === 1);
  return { errors, watermarks, segmentsOfPartition1: segments };
}

/** A keyed workload, one batch per round; segment.ms rolls a segment between rounds. */
async function compaction(side: Side) {
  const topic = 'diff-compaction';
  await createTopic(side, topic, 1, [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'segment.ms', value: '100' },
    { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    { name: 'delete.retention.ms', value: String(DAY) },
  ]);
  const producer = kafkajs(side).producer();
  await producer.connect();
  const rounds = 8;
  const keys = 12;
  for (let round = 0; round < rounds; round++) {
    const messages = Array.from({ length: keys }, (_, k) => ({
      key: `key-${k}`,
      // the last round deletes every third key, and leaves every other key as it was
      value: round === rounds - 1 && k % 3 === 0 ? null : round === rounds - 1 && k % 2 === 0 ? null : `r${round}-k${k}`,
      timestamp: String(NOW + round * 1000), // segment.ms counts between record timestamps
    })).filter((m) => !(round === rounds - 1 && m.value === null && Number(m.key.slice(4)) % 3 !== 0));
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.send({ topic, acks: -1, messages: [{ key: 'trigger', value: 'roll', timestamp: String(NOW + rounds * 1000) }] });
  await producer.disconnect();
  const consumerView = async () => {
    const records: Array<{ offset: number; key: string; value: string | null }> = [];
    const consumer = kafkajs(side).consumer({ groupId: `diff-compaction-${side.kind}-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          records.push({ offset: Number(message.offset), key: String(message.key), value: message.value === null ? null : String(message.value) });
          if (String(message.key) === 'trigger') resolve();
        },
      });
    });
    await consumer.disconnect();
    return records;
  };
  // Compacted: each key once (the trigger's segment is active and never cleaned).
  const survivors = await until('compaction', consumerView, (r) => new Set(r.map((x) => x.key)).size === r.length);
  return { survivors };
}

/**
 * The keyed workload of test/compat/python/compacted_client.py, compressed with `codec` by
 * librdkafka: 4 rounds over 40 keys (the last one the even keys only, some of them tombstones)
 * at one timestamp, then a sentinel 60 s later that segment.ms rolls into a segment of its own.
 */
async function compressedCompaction(side: Side, codec: string) {
  const topic = `diff-compaction-${codec}`;
  await createTopic(side, topic, 1, [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'segment.ms', value: '100' },
    { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    { name: 'delete.retention.ms', value: String(DAY) },
  ]);
  const produced = await runPeer(keyedPeer, ['produce', '--bootstrap', side.bootstrap, '--topic', topic, '--codec', codec,
    '--keys', '40', '--rounds', '4', '--timestamp', String(NOW)], 90_000);
  if (produced.code !== 0) throw new Error(`librdkafka produce failed: ${produced.stderr}`);
  const consumerView = async () => {
    const run = await runPeer(keyedPeer, ['consume', '--bootstrap', side.bootstrap, '--topic', topic, '--timeout-ms', '30000'], 60_000);
    if (run.code !== 0) throw new Error(`librdkafka consume failed: ${run.stderr}`);
    return run.records as unknown as KeyedRecord[];
  };
  const survivors = await until('compaction', consumerView, (r) => new Set(r.map((x) => x.key)).size === r.length);
  // The codecs of the batches that still hold records, as the files on disk have them.
  const codecs = new Set<string>();
  const dir = path.join(side.dataDir!, `${topic}-0`);
  for (const name of fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n))) {
    const bytes = fs.readFileSync(path.join(dir, name));
    for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
      if (bytes.readInt32BE(at + 57) > 0) codecs.add(codecName(bytes.readInt16BE(at + 21) & 7));
    }
  }
  return { survivors, codecs: [...codecs].sort() };
}

describe.skipIf(missing !== null && !mustRun)('differential: retention, DeleteRecords, compaction', () => {
  let pair: BrokerPair | undefined;
  beforeAll(async () => {
    if (missing) throw new Error(`real Kafka is required when CI=true: ${missing}`);
    pair = await startRetentionPair();
  }, 180_000);
  afterAll(async () => {
    await pair?.close();
    rec.flush();
  }, 60_000);

  it('retention.ms: surviving segments and log start', async () => {
    const { brooklet } = await differential(rec, CLIENT, 'retention by time', pair!, retentionByTime);
    expect(Number(brooklet.offsets[0]!.low)).toBeGreaterThan(0);
  }, 180_000);
  it('retention.bytes: surviving segments and log start', async () => {
    const { brooklet } = await differential(rec, CLIENT, 'retention by size', pair!, retentionBySize);
    expect(Number(brooklet.offsets[0]!.low)).toBeGreaterThan(0);
  }, 180_000);
  it('DeleteRecords: low watermarks and errors', () => differential(rec, CLIENT, 'DeleteRecords low watermarks', pair!, deleteRecordsWatermarks), 180_000);
  it('compaction: surviving keys, values and offsets', async () => {
    const { brooklet } = await differential(rec, CLIENT, 'compaction with tombstones', pair!, compaction);
    // Compacted on both (not merely equal): 12 keys, four of them tombstones, and the trigger.
    expect(brooklet.survivors).toHaveLength(13);
    expect(brooklet.survivors.filter((r) => r.value === null)).toHaveLength(4);
  }, 180_000);
  for (const codec of ['snappy', 'lz4', 'zstd']) {
    it(`compaction of ${codec} batches from librdkafka: surviving keys, values, offsets and codecs`, async () => {
      if (keyedPeer.missing() !== null) throw new Error(`this scenario needs librdkafka: ${keyedPeer.missing()}`);
      const { brooklet } = await differential(rec, LIBRDKAFKA, `compaction of ${codec} batches`, pair!, (side) => compressedCompaction(side, codec));
      // Compacted on both (not merely equal): 40 keys, the tombstones among them, and the sentinel.
      expect(brooklet.survivors).toHaveLength(41);
      expect(brooklet.survivors.filter((r) => r.value === null).length).toBeGreaterThan(0);
      // librdkafka sends a batch that does not shrink (the lone sentinel) uncompressed.
      expect(brooklet.codecs).toContain(codec);
    }, 240_000);
  }
});
