/**
 * Transactional workloads for the differential suite, and the log-side observations compared
 * field by field: high watermark, last stable offset (Fetch and ListOffsets under both
 * isolation levels), the aborted transactions a read_committed fetch lists (from the start and
 * from an abort marker), and where every batch and marker sits (base/last offset, transactional
 * and control flags, marker type and coordinator epoch).
 *
 * Producer ids differ between two brokers by allocation, so they are replaced by their order of
 * first appearance. Kafka writes markers after EndTxn has answered (its coordinator sends them
 * asynchronously), so an observation after a commit or abort first waits until ListOffsets under
 * read_committed shows the LSO at the expected place.
 */
import { Kafka, logLevel } from 'kafkajs';
import { decodeRecordBatch, encodeRecordBatch } from '../../protocol/index.js';
import { rawRequest } from './raw.js';
import type { Side } from './brokers.js';

export interface Batch {
  base: number;
  last: number;
  transactional: boolean;
  control: boolean;
  producer: number;
  /** For a marker: COMMIT or ABORT and the coordinator epoch. */
  marker?: string;
}

export interface LogView {
  highWatermark: number;
  lastStableOffset: number;
  latestUncommitted: number;
  latestCommitted: number;
  /** Fetch read_committed from offset 0: LSO, HW, aborted list, last offset returned. */
  committedFromStart: { highWatermark: number; lastStableOffset: number; aborted: { producer: number; firstOffset: number }[]; lastOffsetReturned: number };
  batches: Batch[];
}

/** Names producer ids by first appearance (0, 1, ...), so two brokers' allocations compare. */
export class ProducerNames {
  private readonly names = new Map<string, number>();
  of(id: bigint | number): number {
    const key = String(id);
    if (!this.names.has(key)) this.names.set(key, this.names.size);
    return this.names.get(key)!;
  }
}

function chunksOf(records: Buffer | readonly Buffer[] | null | undefined): Buffer {
  if (!records) return Buffer.alloc(0);
  return Buffer.isBuffer(records) ? records : Buffer.concat(records as Buffer[]);
}

export async function fetchPartition(bootstrap: string, topic: string, offset: number, isolationLevel: number) {
  const res = await rawRequest(bootstrap, 1, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 8 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 8 << 20 }] }], forgottenTopicsData: [], rackId: '' });
  return res.responses[0].partitions[0];
}

export async function latest(bootstrap: string, topic: string, isolationLevel: number, timestamp = -1): Promise<number> {
  const res = await rawRequest(bootstrap, 2, 5, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] });
  return Number(res.topics[0].partitions[0].offset);
}

/** Every batch of the partition, markers decoded. */
export function batchesOf(records: Buffer, names: ProducerNames): Batch[] {
  const out: Batch[] = [];
  for (let at = 0; at + 12 <= records.length;) {
    const size = 12 + records.readInt32BE(at + 8);
    if (at + size > records.length) break; // a partial batch at the end of a fetch
    const { header, records: recs } = decodeRecordBatch(records.subarray(at, at + size));
    const batch: Batch = { base: header.baseOffset, last: header.baseOffset + header.lastOffsetDelta, transactional: header.isTransactional, control: header.isControl,
      producer: header.producerId < 0 ? -1 : names.of(header.producerId) };
    if (header.isControl) {
      const key = recs[0]!.key!;
      const value = recs[0]!.value!;
      batch.marker = `${key.readInt16BE(2) === 1 ? 'COMMIT' : 'ABORT'} epoch ${value.readInt32BE(2)}`;
    }
    out.push(batch);
    at += size;
  }
  return out;
}

/** Waits until read_committed ListOffsets answers `expected` (Kafka's markers land after EndTxn answers). */
export async function waitForStable(bootstrap: string, topic: string, expected: () => Promise<number>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const want = await expected();
    if ((await latest(bootstrap, topic, 1)) === want) return;
    if (Date.now() > deadline) throw new Error(`LSO of ${topic} never reached ${want}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the partition holds `count` markers (Kafka writes them after EndTxn answers). */
export async function waitForMarkers(bootstrap: string, topic: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const all = await fetchPartition(bootstrap, topic, 0, 0);
    if (batchesOf(chunksOf(all.records), new ProducerNames()).filter((b) => b.control).length >= count) return;
    if (Date.now() > deadline) throw new Error(`${topic} never held ${count} markers`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function observe(bootstrap: string, topic: string, names: ProducerNames): Promise<LogView> {
  const all = await fetchPartition(bootstrap, topic, 0, 0);
  const committed = await fetchPartition(bootstrap, topic, 0, 1);
  const committedBatches = batchesOf(chunksOf(committed.records), names);
  return {
    highWatermark: Number(all.highWatermark),
    lastStableOffset: Number(all.lastStableOffset),
    latestUncommitted: await latest(bootstrap, topic, 0),
    latestCommitted: await latest(bootstrap, topic, 1),
    committedFromStart: {
      highWatermark: Number(committed.highWatermark),
      lastStableOffset: Number(committed.lastStableOffset),
      aborted: (committed.abortedTransactions ?? []).map((a: { producerId: bigint; firstOffset: bigint }) => ({ producer: names.of(a.producerId), firstOffset: Number(a.firstOffset) })),
      lastOffsetReturned: committedBatches.at(-1)?.last ?? -1,
    },
    batches: batchesOf(chunksOf(all.records), names),
  };
}

/** A kafkajs client of `side` and a fresh 1-partition `topic` on it. */
async function kafkaWithTopic(side: Side, topic: string): Promise<Kafka> {
  const kafka = new Kafka({ clientId: 'txn-diff', brokers: [side.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  return kafka;
}

/**
 * Two kafkajs transactional producers and a plain one interleave on one partition: commits,
 * aborts, a transaction held open across the others, an empty one. Observed at each stage.
 */
export async function interleavedTransactions(side: Side) {
  const topic = 'txn-interleaved';
  const kafka = await kafkaWithTopic(side, topic);
  const names = new ProducerNames();
  const a = kafka.producer({ transactionalId: 'diff-a', idempotent: true, maxInFlightRequests: 1 });
  const b = kafka.producer({ transactionalId: 'diff-b', idempotent: true, maxInFlightRequests: 1 });
  const plain = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([a.connect(), b.connect(), plain.connect()]);
  const hw = () => latest(side.bootstrap, topic, 0);
  const stages: Record<string, LogView> = {};
  try {
    const held = await a.transaction(); // held open while b commits and aborts
    await held.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
    const bt1 = await b.transaction();
    await bt1.send({ topic, messages: [{ value: 'b1' }] });
    await bt1.commit();
    await waitForMarkers(side.bootstrap, topic, 1);
    await plain.send({ topic, messages: [{ value: 'p1' }] });
    stages.heldOpen = await observe(side.bootstrap, topic, names);
    // Between the LSO and the high watermark: read_committed reads nothing (no error); by time,
    // the first record (in the open transaction, at the LSO) is not found under read_committed.
    const between = await fetchPartition(side.bootstrap, topic, stages.heldOpen.lastStableOffset + 1, 1);
    const heldOpenEdges = {
      fetchBetween: { errorCode: between.errorCode, highWatermark: Number(between.highWatermark), lastStableOffset: Number(between.lastStableOffset),
        bytes: chunksOf(between.records).length, aborted: between.abortedTransactions },
      byTimeUncommitted: await latest(side.bootstrap, topic, 0, 0),
      byTimeCommitted: await latest(side.bootstrap, topic, 1, 0),
    };
    const bt2 = await b.transaction();
    await bt2.send({ topic, messages: [{ value: 'b2' }, { value: 'b3' }, { value: 'b4' }] });
    await bt2.abort();
    await waitForMarkers(side.bootstrap, topic, 2);
    await held.send({ topic, messages: [{ value: 'a3' }] });
    await held.abort();
    await waitForStable(side.bootstrap, topic, hw);
    stages.bothEnded = await observe(side.bootstrap, topic, names);
    const at3 = await a.transaction();
    await at3.send({ topic, messages: [{ value: 'a4' }] });
    await at3.commit();
    const empty = await b.transaction(); // no partition added: no marker anywhere
    await empty.commit();
    await waitForStable(side.bootstrap, topic, hw);
    stages.afterCommit = await observe(side.bootstrap, topic, names);
    // A read_committed fetch starting at each abort marker lists that abort.
    const markers = stages.afterCommit.batches.filter((x) => x.marker?.startsWith('ABORT'));
    const fromMarkers = [];
    for (const marker of markers) {
      const p = await fetchPartition(side.bootstrap, topic, marker.base, 1);
      fromMarkers.push({ marker: marker.base, aborted: (p.abortedTransactions ?? []).map((x: { producerId: bigint; firstOffset: bigint }) => ({ producer: names.of(x.producerId), firstOffset: Number(x.firstOffset) })) });
    }
    return { stages, heldOpenEdges, fromMarkers };
  } finally {
    await Promise.all([a.disconnect(), b.disconnect(), plain.disconnect()]);
  }
}

/** A plain (idempotent, non-transactional) write of a producer whose transaction is open: Kafka's error code. */
export async function plainWriteDuringTransaction(side: Side) {
  const topic = 'txn-plain-write';
  const kafka = await kafkaWithTopic(side, topic);
  const names = new ProducerNames();
  const producer = kafka.producer({ transactionalId: 'diff-plain', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: 'in-txn' }] });
    const view = await observe(side.bootstrap, topic, names);
    const [first] = view.batches;
    const header = decodeRecordBatch(chunksOf((await fetchPartition(side.bootstrap, topic, 0, 0)).records)).header;
    const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('outside') }], producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: 1 });
    const res = await rawRequest(side.bootstrap, 0, 8, { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    const answer = res.responses[0].partitionResponses[0];
    await txn.abort();
    return { first, errorCode: answer.errorCode, baseOffset: Number(answer.baseOffset) };
  } finally {
    await producer.disconnect();
  }
}
