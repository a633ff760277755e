/**
 * A client that pipelines Fetch requests and never reads its responses, end to end: real Fetch
 * requests over a real socket against a topic holding 4 MB. The broker stops processing and
 * reading that connection once one response is waiting for the kernel, so its unsent output stays
 * under 2 x fetch.max.bytes (the request's max_bytes), while other clients are served; when the
 * client finally reads, every response arrives, in order.
 *
 * The broker is assembled here as startBroker assembles it, to read the listener's per-connection
 * figures (unsent bytes, paused reading) that the public API does not expose.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, decodeResponseFrame, encodeRecordBatch } from '../../protocol/index.js';
import { Broker } from '../../src/broker/broker.js';
import { BrokerRequestProcessor } from '../../src/broker/request-processor.js';
import { resolveConfig } from '../../src/config.js';
import { Listener } from '../../src/server/listener.js';
import { tempDataDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const FETCH = 1, PRODUCE = 0, API_VERSIONS = 18, CREATE_TOPICS = 19;
const FETCH_MAX_BYTES = 1 << 20;
const PIPELINED = 300;

const fetchBody = (offset: number) => ({
  replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: FETCH_MAX_BYTES, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{ topic: 'big', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: FETCH_MAX_BYTES }] }],
  forgottenTopicsData: [], rackId: '',
});

describe('a client that pipelines fetches and never reads', () => {
  let broker: Broker;
  let listener: Listener;
  let bootstrap: string;

  beforeAll(async () => {
    const config = resolveConfig({ port: 0, dataDir: tempDataDir(), segmentBytes: 1 << 20 });
    const log = pino({ level: 'silent' });
    broker = new Broker(config, log);
    listener = new Listener(new BrokerRequestProcessor(broker), {
      maxRequestBytes: config.maxRequestBytes, maxQueuedOutputBytes: config.maxQueuedOutputBytes,
      maxQueuedRequestBytes: config.maxRequestBytes, idleMs: config.connectionsMaxIdleMs,
    }, log);
    broker.advertisedPort = await listener.listen('127.0.0.1', 0);
    bootstrap = `127.0.0.1:${broker.advertisedPort}`;
    const admin = await RawClient.connect(bootstrap);
    const created = await admin.request(CREATE_TOPICS, 7, {
      topics: [{ name: 'big', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    });
    expect(created.body.topics[0].errorCode).toBe(ErrorCode.NONE);
    // 4 MB in 64 batches of one 64 KiB record
    for (let i = 0; i < 64; i++) {
      const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(64 * 1024, i) }], timestamp: 1_700_000_000_000 });
      const res = await admin.request(PRODUCE, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'big', partitionData: [{ index: 0, records }] }] });
      expect(res.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    }
    admin.close();
  });

  afterAll(async () => {
    await listener?.close(500);
    broker?.close();
    writeFigures(import.meta.url);
  });

  it(`buffers under 2 x fetch.max.bytes for ${PIPELINED} pipelined 1 MB fetches, pauses reading, then answers all in order`, async () => {
    const reader = await RawClient.connect(bootstrap);
    reader.socket.pause(); // never read: the kernel buffers fill, then the broker's
    const ids: number[] = [];
    for (let i = 0; i < PIPELINED; i++) ids.push(reader.send(FETCH, 12, fetchBody((i * 16) % 64)));
    await new Promise((r) => setTimeout(r, 1500));

    const stalled = listener.connectionStats().find((s) => s.unsentBytes > 0);
    expect(stalled, 'the stalled connection has output waiting').toBeDefined();
    console.log(`slow reader: ${stalled!.unsentBytes} unsent bytes held by the broker, reading paused: ${stalled!.readingPaused}`);
    expect(stalled!.unsentBytes).toBeLessThan(2 * FETCH_MAX_BYTES);
    expect(stalled!.readingPaused).toBe(true);

    // everyone else is still served meanwhile
    const other = await RawClient.connect(bootstrap);
    expect((await other.request(API_VERSIONS, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })).body.errorCode).toBe(0);
    other.close();

    // once it reads, every response arrives, in order, each about 1 MB
    reader.socket.resume();
    for (const id of ids) {
      const frame = await reader.readFrame(20_000);
      const { correlationId, body } = decodeResponseFrame(FETCH, 12, frame!) as any;
      expect(correlationId).toBe(id);
      expect(body.responses[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
      expect(frame!.length).toBeGreaterThan(FETCH_MAX_BYTES / 2);
    }
    reader.close();
    recordFigure(HOSTILE, `A client that pipelines ${PIPELINED} Fetch requests (max_bytes 1 MB) against a 4 MB topic and never reads`, {
      figure: `broker holds ${fmt(stalled!.unsentBytes / 1048576, 2)} MB unsent for it (limit 2 x fetch.max.bytes = 2 MB) and stops reading it; `
        + `other clients served; all ${PIPELINED} answered in order once it reads`,
      command: 'npx vitest run test/faults/hostile-slow-reader.test.ts',
      pipelined: PIPELINED, unsentBytes: stalled!.unsentBytes, readingPaused: stalled!.readingPaused,
    });
  });
});
