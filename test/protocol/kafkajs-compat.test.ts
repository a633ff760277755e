// Cross-checks against kafkajs 2.2.4's own protocol code: requests kafkajs encodes are decoded
// by Brooklet; responses Brooklet encodes are decoded by kafkajs.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  Writer, decodeRecordBatch, decodeRequestBody, encodeRecordBatch, encodeResponseBody, verifyBatchCrc,
} from '../../protocol/index.js';

const require = createRequire(import.meta.url);
type KafkajsRequest = { apiKey: number; apiVersion: number; encode: () => Promise<{ buffer: Buffer }> };
const kafkajsRequest = (path: string) => require(`kafkajs/src/protocol/requests/${path}/request`) as (o: object) => KafkajsRequest;
const kafkajsResponse = (path: string) =>
  require(`kafkajs/src/protocol/requests/${path}/response`) as { decode: (b: Buffer) => Promise<Record<string, unknown>> };

const encodeBody = (apiKey: number, version: number, body: object) => {
  const w = new Writer();
  encodeResponseBody(apiKey, version, body, w);
  return Buffer.concat(w.finish());
};

describe('requests encoded by kafkajs', () => {
  it('Produce v7: topics, partitions and a valid record batch', async () => {
    const req = kafkajsRequest('produce/v7')({
      acks: -1, timeout: 30000, transactionalId: null,
      topicData: [{ topic: 'orders', partitions: [{ partition: 3, firstSequence: 0, messages: [
        { key: 'k1', value: 'v1', timestamp: 1000 }, { key: null, value: 'v2', timestamp: 1001 },
      ] }] }],
    });
    const body = decodeRequestBody(0, 7, (await req.encode()).buffer, 0);
    expect(body).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30000 });
    const part = body.topicData[0]!.partitionData[0]!;
    expect(body.topicData[0]!.name).toBe('orders');
    expect(part.index).toBe(3);
    expect(verifyBatchCrc(part.records!, 0)).toBe(true);
    expect(decodeRecordBatch(part.records!, 0).records.map((r) => r.value?.toString())).toEqual(['v1', 'v2']);
  });

  it('Fetch v11: isolation level, session and rack id', async () => {
    const req = kafkajsRequest('fetch/v11')({
      replicaId: -1, maxWaitTime: 5000, minBytes: 1, maxBytes: 10485760, rackId: 'rack-a',
      topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '42', maxBytes: 1048576 }] }],
    });
    const body = decodeRequestBody(1, 11, (await req.encode()).buffer, 0);
    expect(body).toMatchObject({
      replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 10485760, isolationLevel: 1,
      sessionId: 0, sessionEpoch: -1, rackId: 'rack-a', forgottenTopicsData: [],
    });
    expect(body.topics[0]).toMatchObject({ topic: 'orders', partitions: [{ partition: 0, fetchOffset: 42, partitionMaxBytes: 1048576 }] });
  });
});

describe('responses decoded by kafkajs', () => {
  it('ApiVersions v2', async () => {
    const decoded = await kafkajsResponse('apiVersions/v2').decode(encodeBody(18, 2, {
      errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 8 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }],
    }));
    expect(decoded).toMatchObject({ errorCode: 0, apiVersions: [
      { apiKey: 0, minVersion: 0, maxVersion: 8 }, { apiKey: 18, minVersion: 0, maxVersion: 4 },
    ] });
  });

  it('Metadata v6', async () => {
    const decoded = await kafkajsResponse('metadata/v6').decode(encodeBody(3, 6, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'brooklet', controllerId: 1,
      topics: [{ errorCode: 0, name: 'orders', isInternal: false, partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
      ] }],
    }));
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }], clusterId: 'brooklet', controllerId: 1,
      topicMetadata: [{ topicErrorCode: 0, topic: 'orders', isInternal: false, partitionMetadata: [
        { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] },
      ] }],
    });
  });

  it('Fetch v11 with record data passed as slices', async () => {
    const batch = encodeRecordBatch({ baseOffset: 10, timestamp: 5000, records: [
      { key: Buffer.from('a'), value: Buffer.from('x') }, { key: null, value: Buffer.from('y') },
    ] });
    const decoded = await kafkajsResponse('fetch/v11').decode(encodeBody(1, 11, {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 'orders', partitions: [{
        partitionIndex: 0, errorCode: 0, highWatermark: 12, lastStableOffset: 12, logStartOffset: 0,
        abortedTransactions: [], preferredReadReplica: -1, records: [batch.subarray(0, 30), batch.subarray(30)],
      }] }],
    })) as { responses: { topicName: string; partitions: { highWatermark: string; messages: { offset: string; value: Buffer }[] }[] }[] };
    const p = decoded.responses[0]!.partitions[0]!;
    expect(decoded.responses[0]!.topicName).toBe('orders');
    expect(p.highWatermark).toBe('12');
    expect(p.messages.map((m) => [m.offset, m.value.toString()])).toEqual([['10', 'x'], ['11', 'y']]);
  });
});
