/**
 * Records out per topic stay exact where the fetch path counts them without walking the answer
 * (a dense log: the read's offset span, src/metrics/batch-counts.ts) and where it must walk (a
 * compacted log, whose batches keep their offsets but lose records). The broker's own request
 * processor answers encoded Fetch frames; the records of each answer, read from its decoded
 * batch headers, must add up to the counter's growth. Reads start inside batches, span segments,
 * stop at small byte limits and at the last stable offset.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeResponseFrame, encodeRecordBatch, encodeRequestFrame, readBatchHeader, type FetchResponse } from '../../protocol/index.js';
import { Broker } from '../../src/broker/broker.js';
import { BrokerRequestProcessor } from '../../src/broker/request-processor.js';
import { resolveConfig } from '../../src/config.js';
import { BrokerMetrics } from '../../src/metrics/broker-metrics.js';
import { parsePrometheusText } from './prom-text.js';

const conn = { id: 1, remote: 'test' };
const dirs: string[] = [];
const brokers: Broker[] = [];

afterEach(() => {
  for (const b of brokers.splice(0)) b.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-fetch-'));
  dirs.push(dataDir);
  const broker = new Broker(resolveConfig({ dataDir, port: 0 }), pino({ level: 'silent' }));
  brokers.push(broker);
  broker.metrics = new BrokerMetrics();
  const processor = new BrokerRequestProcessor(broker);
  let correlation = 0;
  const call = (apiKey: number, version: number, body: object): object => {
    const frame = Buffer.concat(encodeRequestFrame(apiKey, version, ++correlation, 'test', body)).subarray(4);
    const out = processor.process(frame, conn);
    if (out === null || out instanceof Promise) throw new Error('expected a synchronous answer');
    return decodeResponseFrame(apiKey, version, Buffer.concat(out as Buffer[]).subarray(4)).body;
  };
  const produce = (topic: string, sizes: number[], keyOf: (i: number) => string) => {
    let n = 0;
    for (const size of sizes) {
      const records = Array.from({ length: size }, () => ({ key: Buffer.from(keyOf(n++)), value: Buffer.alloc(50, 0x62) }));
      const answer = call(0, 8, {
        transactionalId: null, acks: 1, timeoutMs: 5000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeRecordBatch({ records }) }] }],
      }) as { responses: { partitionResponses: { errorCode: number }[] }[] };
      expect(answer.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
  };
  /** One Fetch (v12 names the topic, v13+ gives its id); answers the records its batches hold, by their headers. */
  const fetchRecords = (topic: string, fetchOffset: number, maxBytes: number, isolationLevel = 0, version = 12): number => {
    const topicId = version >= 13 ? broker.logs.getTopic(topic)!.topicId : Buffer.alloc(16);
    const answer = call(1, version, {
      clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1 }, maxWaitMs: 0, minBytes: 1, maxBytes,
      isolationLevel, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: version >= 13 ? '' : topic, topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: maxBytes, replicaDirectoryId: Buffer.alloc(16) }] }],
      forgottenTopicsData: [], rackId: '',
    }) as FetchResponse;
    const partition = answer.responses![0]!.partitions![0]!;
    expect(partition.errorCode).toBe(0);
    const data = partition.records as Buffer | null;
    let records = 0;
    for (let at = 0; data && at < data.length;) {
      const header = readBatchHeader(data, at);
      records += header.recordsCount;
      at += 12 + header.batchLength;
    }
    return records;
  };
  const fetchedTotal = async (topic: string) =>
    parsePrometheusText(await broker.metrics!.registry.metrics()).value('brooklet_topic_fetched_records_total', { topic }) ?? 0;
  return { broker, produce, fetchRecords, fetchedTotal };
}

const SIZES = [1, 4, 9, 2, 7, 3, 5, 1, 8, 6, 2, 9, 4, 3];
const TOTAL = SIZES.reduce((a, b) => a + b, 0);

describe('records out per topic', () => {
  it('equal the records in the answers of a dense log, from every offset, across segments and byte limits', async () => {
    const t = setup();
    // Small segments: most reads span two or three of them.
    t.broker.createTopic('dense', 1, { 'segment.bytes': '1500' });
    t.produce('dense', SIZES, (i) => `k${i}`);
    expect(t.broker.logs.partition('dense', 0)!.segmentList.length).toBeGreaterThan(3);
    let expected = 0;
    for (const maxBytes of [1, 700, 2000, 1 << 20]) {
      for (let offset = 0; offset <= TOTAL; offset++) expected += t.fetchRecords('dense', offset, maxBytes);
    }
    // read_committed with no transaction open reads to the log end like read_uncommitted.
    expected += t.fetchRecords('dense', 3, 1 << 20, 1);
    // Fetch v13+ names the topic by id only: still counted under its name.
    expected += t.fetchRecords('dense', 5, 1 << 20, 0, 13) + t.fetchRecords('dense', 0, 1 << 20, 0, 17);
    expect(expected).toBeGreaterThan(TOTAL * 4);
    expect(await t.fetchedTotal('dense')).toBe(expected);
  });

  it('equal the records in the answers of reads that jump ahead through the offset index', async () => {
    const t = setup();
    // A dense index and reads of 4 KiB and more: the read path jumps to the last indexed batch
    // boundary that fits instead of walking every header (storage/batch-picker.ts).
    t.broker.createTopic('indexed', 1, { 'index.interval.bytes': '200' });
    t.produce('indexed', [...SIZES, ...SIZES, ...SIZES, ...SIZES], (i) => `k${i}`);
    let expected = 0;
    for (const maxBytes of [4096, 5000, 9000, 1 << 20]) {
      for (let offset = 0; offset <= TOTAL * 4; offset += 3) expected += t.fetchRecords('indexed', offset, maxBytes);
    }
    expect(expected).toBeGreaterThan(TOTAL * 4);
    expect(await t.fetchedTotal('indexed')).toBe(expected);
  });

  it('equal the records in the answers of a compacted log, whose batches lost records to the cleaner', async () => {
    const t = setup();
    t.broker.createTopic('compacted', 1, { 'cleanup.policy': 'compact', 'segment.bytes': '1500' });
    // Eight keys written over and over: the cleaner keeps one record per key in the sealed segments.
    t.produce('compacted', SIZES, (i) => `k${i % 8}`);
    const log = t.broker.logs.partition('compacted', 0)!;
    const cleaned = await t.broker.logs.cleanNow(log, Date.now(), true);
    expect(cleaned).not.toBeNull();
    expect(cleaned!.stats.recordsKept).toBeLessThan(cleaned!.stats.recordsRead);
    let expected = 0;
    for (const maxBytes of [1, 700, 1 << 20]) {
      for (let offset = 0; offset <= TOTAL; offset++) expected += t.fetchRecords('compacted', offset, maxBytes);
    }
    // The log now holds fewer records than offsets, so an offset span would count too many.
    const whole = t.fetchRecords('compacted', 0, 1 << 20);
    expect(whole).toBeLessThan(TOTAL);
    expected += whole;
    expect(await t.fetchedTotal('compacted')).toBe(expected);
  });
});
