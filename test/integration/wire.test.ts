/**
 * Wire-level behaviour seen by a bare TCP client: the handshake, KIP-511, ordering of pipelined and
 * acks=0 requests, per-partition produce errors, and the connection-closing tier for malformed
 * input, while the broker keeps serving everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, decodeResponseFrame, encodeRecordBatch, encodeRequestFrame } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const PRODUCE = 0, FETCH = 1, LIST_OFFSETS = 2, METADATA = 3, API_VERSIONS = 18, CREATE_TOPICS = 19, INIT_PID = 22, OFFSET_FOR_EPOCH = 23;

const batch = (values: string[], extra: Partial<Parameters<typeof encodeRecordBatch>[0]> = {}) =>
  encodeRecordBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })), timestamp: 1_700_000_000_000, ...extra });

const produceBody = (topic: string, partition: number, records: Buffer | null, acks = -1) => ({
  transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
});

describe('wire protocol', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startTestBroker();
    client = await RawClient.connect(broker.bootstrap);
    const created = await client.request(CREATE_TOPICS, 7, {
      topics: [{ name: 'wire', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    });
    expect(created.body.topics[0].errorCode).toBe(ErrorCode.NONE);
  });
  afterAll(async () => {
    client?.close();
    await broker?.close();
  });

  it('answers ApiVersions v0-v4 with the advertised ranges', async () => {
    for (let v = 0; v <= 4; v++) {
      const { body } = await client.request(API_VERSIONS, v, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
      expect(body.errorCode).toBe(0);
      const ranges = Object.fromEntries(body.apiKeys.map((k: any) => [k.apiKey, [k.minVersion, k.maxVersion]]));
      expect(ranges[PRODUCE]).toEqual([0, 8]);
      expect(ranges[FETCH]).toEqual([4, 17]);
      expect(ranges[METADATA]).toEqual([0, 12]);
      expect(ranges[API_VERSIONS]).toEqual([0, 4]);
    }
  });

  it('answers an unknown ApiVersions version with UNSUPPORTED_VERSION in the v0 body and keeps the connection', async () => {
    client.write(encodeRequestFrame(API_VERSIONS, 4, 4242, 'future', { clientSoftwareName: 'x', clientSoftwareVersion: '9' }).map((b, i) => {
      if (i !== 0) return b;
      const copy = Buffer.from(b);
      copy.writeInt16BE(9, 6); // request api_version lives after the size (4) and api_key (2)
      return copy;
    }));
    const frame = await client.readFrame();
    const { correlationId, body } = decodeResponseFrame(API_VERSIONS, 0, frame!) as any;
    expect(correlationId).toBe(4242);
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys.length).toBeGreaterThan(5);
    const again = await client.request(API_VERSIONS, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    expect(again.body.errorCode).toBe(0);
  });

  it('answers pipelined requests in order, and acks=0 produce answers nothing without stalling the next', async () => {
    const a = client.send(METADATA, 9, { topics: [{ name: 'wire' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    client.send(PRODUCE, 8, produceBody('wire', 1, batch(['fire-and-forget']), 0));
    const b = client.send(API_VERSIONS, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    const first = decodeResponseFrame(METADATA, 9, (await client.readFrame())!);
    const second = decodeResponseFrame(API_VERSIONS, 3, (await client.readFrame())!);
    expect([first.correlationId, second.correlationId]).toEqual([a, b]);
    const latest = await client.request(LIST_OFFSETS, 5, {
      replicaId: -1, isolationLevel: 0, topics: [{ name: 'wire', partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1 }] }],
    });
    expect(latest.body.topics[0].partitions[0].offset).toBe(1);
  });

  it('returns per-partition errors: unknown partition, old produce versions, corrupt batch', async () => {
    const unknown = await client.request(PRODUCE, 8, produceBody('wire', 7, batch(['x'])));
    expect(unknown.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const old = await client.request(PRODUCE, 2, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'wire', partitionData: [{ index: 0, records: batch(['x']) }] }] });
    expect(old.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const corrupt = batch(['y']);
    corrupt[corrupt.length - 1] ^= 0xff;
    const bad = await client.request(PRODUCE, 8, produceBody('wire', 0, corrupt));
    expect(bad.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('refuses produce to and deletion of the internal offsets topic', async () => {
    const produced = await client.request(PRODUCE, 8, produceBody('__consumer_offsets', 0, batch(['forged'])));
    expect(produced.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const commit = await client.request(8, 8, {
      groupId: 'wire-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: 'wire', partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(commit.body.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const deleted = await client.request(20, 6, { topics: [{ name: '__consumer_offsets', topicId: Buffer.alloc(16) }], topicNames: [], timeoutMs: 5000 });
    expect(deleted.body.responses[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('deduplicates an idempotent producer and rejects a sequence gap', async () => {
    const init = await client.request(INIT_PID, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    const producerId = init.body.producerId;
    expect(producerId).toBeGreaterThanOrEqual(0);
    const idem = (seq: number, values: string[]) => batch(values, { producerId, producerEpoch: 0, baseSequence: seq });
    const first = await client.request(PRODUCE, 8, produceBody('wire', 0, idem(0, ['a', 'b'])));
    const p1 = first.body.responses[0].partitionResponses[0];
    expect(p1.errorCode).toBe(0);
    const retry = await client.request(PRODUCE, 8, produceBody('wire', 0, idem(0, ['a', 'b'])));
    expect(retry.body.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: p1.baseOffset });
    const gap = await client.request(PRODUCE, 8, produceBody('wire', 0, idem(5, ['c'])));
    expect(gap.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const next = await client.request(PRODUCE, 8, produceBody('wire', 0, idem(2, ['c'])));
    expect(next.body.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: p1.baseOffset + 2 });
  });

  it('answers OffsetForLeaderEpoch and fetches out of range', async () => {
    const epoch = await client.request(OFFSET_FOR_EPOCH, 3, {
      replicaId: -1, topics: [{ topic: 'wire', partitions: [{ partition: 1, currentLeaderEpoch: 0, leaderEpoch: 0 }] }],
    });
    expect(epoch.body.topics[0].partitions[0]).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 1 });
    const fetched = await client.request(FETCH, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'wire', partitions: [{ partition: 1, currentLeaderEpoch: -1, fetchOffset: 99, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    // Kafka answers out of range with -1 watermarks (test/differential shows it).
    expect(fetched.body.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1 });
  });

  it('closes only the offending connection on malformed input', async () => {
    const cases: Buffer[] = [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 0]),
      Buffer.from([0x7f, 0xff, 0xff, 0xff]),
      // api key 999
      Buffer.from([0, 0, 0, 10, 0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0xff, 0xff]),
      // Metadata v1 whose topic array claims 1,000,000 entries in 4 bytes
      Buffer.from([0, 0, 0, 14, 0, 3, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0x00, 0x0f, 0x42, 0x40]),
    ];
    for (const bytes of cases) {
      const bad = await RawClient.connect(broker.bootstrap);
      bad.write(bytes);
      expect(await bad.waitClosed()).toBe(true);
    }
    const healthy = await client.request(API_VERSIONS, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    expect(healthy.body.errorCode).toBe(0);
  });
});
