/**
 * Compaction of a transactional topic, Kafka 4.1.1 vs Brooklet: a kafkajs transactional producer
 * writes six rounds over six keys on a compacted topic, one transaction per round, the odd
 * rounds aborted (the last one too), then a plain record. Both brokers clean after 500 ms
 * (segment.ms rolls a segment per round). Once even a read_uncommitted reading holds each key
 * once (the aborted rounds cleaned away), read_committed and read_uncommitted readings must be
 * the same on both brokers, record by record (offset, key, value): the last committed round of
 * each key, nothing aborted. The readings are raw Fetch v11 requests filtered as a consumer does
 * (aborted list, markers): kafkajs's consumer never reaches the record after the cleaned
 * transactions on Kafka, so it cannot be the reader here.
 * Without Java or the Kafka jars the file skips with one line; with CI=true it fails instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordBatch } from '../../protocol/records.js';
import { Recorder } from '../matrix/results.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from './brokers.js';
import { differential } from './compare.js';
import { createTopic, kafkajs } from './kafkajs-scenarios.js';
import { rawRequest } from './raw.js';

const missing = realKafkaMissing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping the transactional compaction differential: ${missing}`);
const rec = new Recorder('differential-compaction-transactions');
const NOW = Date.now();
const TOPIC = 'diff-compaction-txn';

function startCleaningPair(): Promise<BrokerPair> {
  return startPair({ kafka: { mode: 'jars', serverProps: { 'log.cleaner.backoff.ms': '500', 'log.initial.task.delay.ms': '1000' } }, brooklet: { logCleanerBackoffMs: 500 } });
}

interface Read {
  offset: number;
  key: string;
  value: string;
}

/** Every record a consumer with this isolation level reads from offset 0 up to the LSO (1) or the high watermark (0). */
async function readAll(side: Side, isolationLevel: 0 | 1): Promise<Read[]> {
  const out: Read[] = [];
  const abortedProducers = new Set<number>();
  let offset = 0;
  for (let round = 0; round < 1000; round++) {
    const res = await rawRequest(side.bootstrap, 1, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' });
    const p = res.responses[0].partitions[0];
    if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode} at ${offset}`);
    const end = Number(isolationLevel === 1 ? p.lastStableOffset : p.highWatermark);
    const aborted = ((p.abortedTransactions ?? []) as Array<{ producerId: bigint | number; firstOffset: bigint | number }>)
      .map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) }))
      .sort((a, b) => a.firstOffset - b.firstOffset);
    const bytes: Buffer = p.records === null ? Buffer.alloc(0) : Buffer.isBuffer(p.records) ? p.records : Buffer.concat(p.records);
    let at = 0;
    let next = offset;
    while (at + 61 <= bytes.length) {
      const size = 12 + bytes.readInt32BE(at + 8);
      if (at + size > bytes.length) break;
      const { header, records } = decodeRecordBatch(bytes, at);
      while (aborted.length > 0 && aborted[0]!.firstOffset <= header.baseOffset) abortedProducers.add(aborted.shift()!.producerId);
      if ((header.attributes & 0x20) !== 0) abortedProducers.delete(header.producerId);
      else if ((header.attributes & 0x10) === 0 || !abortedProducers.has(header.producerId)) {
        for (const r of records) if (r.offset >= offset && r.offset < end) out.push({ offset: r.offset, key: String(r.key), value: String(r.value) });
      }
      next = header.baseOffset + header.lastOffsetDelta + 1;
      at += size;
    }
    if (next >= end) return out;
    if (next === offset) throw new Error(`no progress at ${offset}`);
    offset = next;
  }
  throw new Error('too many fetches');
}

async function transactionalCompaction(side: Side) {
  await createTopic(side, TOPIC, 1, [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'segment.ms', value: '100' },
    { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    { name: 'delete.retention.ms', value: '100' },
  ]);
  const producer = kafkajs(side).producer({ transactionalId: `diff-compaction-txn-${side.kind}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let round = 0; round < 6; round++) {
    const txn = await producer.transaction();
    await txn.send({ topic: TOPIC, messages: Array.from({ length: 6 }, (_, k) => ({ key: `key-${k}`, value: `r${round}-k${k}`, timestamp: String(NOW + round * 1000) })) });
    await (round % 2 === 0 ? txn.commit() : txn.abort());
  }
  await producer.disconnect();
  const plain = kafkajs(side).producer();
  await plain.connect();
  await plain.send({ topic: TOPIC, acks: -1, messages: [{ key: 'trigger', value: 'roll', timestamp: String(NOW + 6000) }] });
  await plain.disconnect();
  const deadline = Date.now() + 90_000;
  let uncommitted = await readAll(side, 0);
  while (new Set(uncommitted.map((r) => r.key)).size !== uncommitted.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    uncommitted = await readAll(side, 0);
  }
  return { committed: await readAll(side, 1), uncommitted };
}

describe.skipIf(missing !== null && !mustRun)('differential: compaction of a transactional topic', () => {
  let pair: BrokerPair | undefined;
  beforeAll(async () => {
    if (missing) throw new Error(`real Kafka is required when CI=true: ${missing}`);
    pair = await startCleaningPair();
  }, 180_000);
  afterAll(async () => {
    await pair?.close();
    rec.flush();
  }, 60_000);

  it('both isolation levels read the same records after cleaning', async () => {
    const { brooklet } = await differential(rec, 'kafkajs', 'compaction with transactions', pair!, transactionalCompaction);
    // The last committed round (4) of each key and the trigger, nothing aborted.
    expect(brooklet.committed.map((r) => r.value)).toEqual([...Array.from({ length: 6 }, (_, k) => `r4-k${k}`), 'roll']);
    expect(brooklet.uncommitted).toEqual(brooklet.committed);
  }, 240_000);
});
