/**
 * Many connections at once against one broker: idle sockets that have done one ApiVersions
 * exchange, and active raw producers and consumers whose every record is checked. Shared by
 * test/faults/hostile-connections.test.ts (1,000) and bench/connections.ts (5,000).
 */
import { ErrorCode, encodeRecordBatch } from '../../protocol/index.js';
import { RawClient } from '../helpers/raw-client.js';

export async function openIdle(bootstrap: string, count: number, parallel = 100): Promise<RawClient[]> {
  const out: RawClient[] = [];
  for (let i = 0; i < count; i += parallel) {
    out.push(...await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, async () => {
      const c = await RawClient.connect(bootstrap);
      const { body } = await c.request(18, 3, { clientSoftwareName: 'idle', clientSoftwareVersion: '1' });
      if (body.errorCode !== 0) throw new Error(`ApiVersions error ${body.errorCode}`);
      return c;
    })));
  }
  return out;
}

/** Next offset after the record batches in `records` (base offset + last offset delta + 1). */
function nextOffset(records: Buffer | null, from: number): number {
  let next = from;
  for (let at = 0; records && at + 61 <= records.length;) {
    const base = Number(records.readBigInt64BE(at));
    const length = records.readInt32BE(at + 8);
    if (at + 12 + length > records.length) break;
    next = Math.max(next, base + records.readInt32BE(at + 23) + 1);
    at += 12 + length;
  }
  return next;
}

/**
 * `producers` raw clients each send `requests` Produce requests of 10 records to partition
 * i % partitions; `consumers` raw clients each read one partition to its expected end.
 */
export async function runActive(bootstrap: string, topic: string, partitions: number, producers: number, consumers: number, requests: number): Promise<{ records: number; ms: number }> {
  const started = Date.now();
  const perPartition = new Map<number, number>();
  for (let i = 0; i < producers; i++) perPartition.set(i % partitions, (perPartition.get(i % partitions) ?? 0) + requests * 10);
  const produce = Array.from({ length: producers }, async (_, i) => {
    const c = await RawClient.connect(bootstrap);
    for (let r = 0; r < requests; r++) {
      const records = encodeRecordBatch({ records: Array.from({ length: 10 }, (_, k) => ({ key: null, value: Buffer.from(`p${i}-r${r}-${k}`) })), timestamp: Date.now() });
      const res = await c.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: i % partitions, records }] }] });
      const code = res.body.responses[0].partitionResponses[0].errorCode;
      if (code !== ErrorCode.NONE) throw new Error(`produce error ${code}`);
    }
    c.close();
  });
  const consume = Array.from({ length: consumers }, async (_, j) => {
    const c = await RawClient.connect(bootstrap);
    const partition = j % partitions;
    const want = perPartition.get(partition) ?? 0;
    let offset = 0;
    while (offset < want) {
      if (Date.now() - started > 60_000) throw new Error(`consumer ${j} stuck at ${offset}/${want}`);
      const res = await c.request(1, 12, {
        replicaId: -1, maxWaitMs: 200, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const p = res.body.responses[0].partitions[0];
      if (p.errorCode !== ErrorCode.NONE) throw new Error(`fetch error ${p.errorCode}`);
      offset = nextOffset(p.records, offset);
    }
    c.close();
    return offset;
  });
  await Promise.all(produce);
  const ends = await Promise.all(consume);
  return { records: ends.reduce((a, b) => a + b, 0), ms: Date.now() - started };
}

export async function createTopic(bootstrap: string, name: string, partitions: number): Promise<void> {
  const c = await RawClient.connect(bootstrap);
  const { body } = await c.request(19, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  c.close();
  if (body.topics[0].errorCode !== ErrorCode.NONE) throw new Error(`create ${name}: ${body.topics[0].errorCode}`);
}
