/**
 * Bare-protocol requests for the differential scenarios that a client library hides (exact error
 * codes, duplicate batches, ListOffsets by time): Brooklet's own codec and RawClient, one
 * connection per call. Responses are reduced to plain JSON without topic ids or throttle times.
 */
import { encodeRecordBatch, type RecordInput } from '../../protocol/index.js';
import { RawClient } from '../helpers/raw-client.js';

export async function rawRequest<T = any>(bootstrap: string, apiKey: number, version: number, body: object): Promise<T> {
  const client = await RawClient.connect(bootstrap);
  try {
    return (await client.request<T>(apiKey, version, body)).body;
  } finally {
    client.socket.destroy();
  }
}

/** Drops fields that name one broker instance rather than behaviour (ids, throttle). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => {
    if (k === 'topicId' || k === 'throttleTimeMs' || k === 'clusterId') return undefined;
    if (v && typeof v === 'object' && v.type === 'Buffer') return Buffer.from(v.data).toString('hex');
    return typeof v === 'bigint' ? String(v) : v;
  })) as T;
}

export function batch(records: RecordInput[], opts: { producerId?: number; producerEpoch?: number;
  baseSequence?: number; timestamp?: number } = {}): Buffer {
  return encodeRecordBatch({ records, ...opts });
}

/** Produce v8 of one batch to one partition; returns the partition's response. */
export async function produceRaw(bootstrap: string, topic: string, partition: number, records: Buffer, acks = -1) {
  const res = await rawRequest(bootstrap, 0, 8, { transactionalId: null, acks, timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  const p = res.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: p.baseOffset, logStartOffset: p.logStartOffset,
    logAppendTimeMs: p.logAppendTimeMs, recordErrors: p.recordErrors };
}

/** ListOffsets v5 for one partition at `timestamp` (-1 latest, -2 earliest). */
export async function listOffsetRaw(bootstrap: string, topic: string, partition: number, timestamp: number) {
  const res = await rawRequest(bootstrap, 2, 5, { replicaId: -1, isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }] });
  const p = res.topics[0].partitions[0];
  return { errorCode: p.errorCode, timestamp: p.timestamp, offset: p.offset, leaderEpoch: p.leaderEpoch };
}

/** Fetch v11 of one partition from `offset`; returns error, watermarks and the batch bytes' size. */
export async function fetchRaw(bootstrap: string, topic: string, partition: number, offset: number) {
  const res = await rawRequest(bootstrap, 1, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
    isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1,
      partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' });
  const p = res.responses[0].partitions[0];
  return { topLevelError: res.errorCode, errorCode: p.errorCode, highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset, logStartOffset: p.logStartOffset,
    recordBytes: byteLength(p.records) };
}

function byteLength(records: Buffer | readonly Buffer[] | null | undefined): number {
  if (!records) return 0;
  return Buffer.isBuffer(records) ? records.length : records.reduce((n, b) => n + b.length, 0);
}
