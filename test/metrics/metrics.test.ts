/**
 * /metrics against a known kafkajs workload: records in equal the records produced per topic,
 * records out equal what a consumer group read, lag equals the unconsumed count, and the
 * exposition parses as Prometheus text with the types and units the names promise.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { encodeRecordBatch } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { parsePrometheusText, type Exposition } from './prom-text.js';

async function scrape(broker: RunningBroker): Promise<Exposition> {
  const res = await fetch(`${broker.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

describe('/metrics', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await startTestBroker({ flushPolicy: 'always' });
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'metrics-test', logLevel: logLevel.NOTHING });
  });
  afterAll(() => broker?.close());

  it('counts records and bytes in per topic from the batch headers, without decoding', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'metrics-a', numPartitions: 2 }, { topic: 'metrics-b', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    // 30 records to metrics-a in batches of 1, 4 and 25 (spread over both partitions), 7 to metrics-b.
    for (const n of [1, 4, 25]) {
      await producer.send({ topic: 'metrics-a', messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `value-${n}-${i}` })) });
    }
    await producer.send({ topic: 'metrics-b', messages: Array.from({ length: 7 }, (_, i) => ({ value: `b${i}` })) });
    await producer.disconnect();

    const m = await scrape(broker);
    expect(m.value('brooklet_topic_produced_records_total', { topic: 'metrics-a' })).toBe(30);
    expect(m.value('brooklet_topic_produced_records_total', { topic: 'metrics-b' })).toBe(7);
    expect(m.value('brooklet_topic_produced_bytes_total', { topic: 'metrics-a' })).toBeGreaterThan(30 * 10);
    // The log holds what came in: sizes summed per partition equal the bytes counted in.
    const sizeA = m.all('brooklet_log_size_bytes', { topic: 'metrics-a' }).reduce((n, s) => n + s.value, 0);
    expect(sizeA).toBe(m.value('brooklet_topic_produced_bytes_total', { topic: 'metrics-a' }));
    const endA = m.all('brooklet_log_end_offset', { topic: 'metrics-a' }).reduce((n, s) => n + s.value, 0);
    expect(endA).toBe(30);
    expect(m.value('brooklet_log_segments', { topic: 'metrics-b', partition: '0' })).toBe(1);
    expect(m.value('brooklet_partitions')).toBeGreaterThanOrEqual(3);
    expect(m.value('brooklet_requests_total', { api: 'Produce', version: '7' })).toBe(4);
    expect(m.value('brooklet_request_duration_seconds_count', { api: 'Produce', version: '7' })).toBe(4);
    expect(m.types.get('brooklet_request_duration_seconds')).toBe('histogram');
    // flush policy always: every produce waited on a group-commit round.
    expect(m.value('brooklet_fsyncs_total')).toBeGreaterThan(0);
    expect(m.value('brooklet_fsync_round_duration_seconds_count')).toBeGreaterThan(0);
    expect(m.value('brooklet_group_commit_batch_appends_sum')).toBeGreaterThanOrEqual(4);
    expect(m.value('brooklet_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(m.value('brooklet_event_loop_lag_max_seconds')).toBeGreaterThanOrEqual(0);
    expect(m.value('brooklet_connections')).toBeGreaterThanOrEqual(0);
  });

  it('counts records out per topic and shows lag equal to the unconsumed count', async () => {
    const consumer = kafka.consumer({ groupId: 'metrics-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'metrics-a', fromBeginning: true });
    let seen = 0;
    const allSeen = new Promise<void>((resolve) => {
      void consumer.run({ eachMessage: async () => { if (++seen === 30) resolve(); } });
    });
    await allSeen;
    await consumer.disconnect(); // commits what it read
    const admin = kafka.admin();
    await admin.connect();
    // A group that read 2 of metrics-b's 7 records: lag 5.
    await admin.setOffsets({ groupId: 'metrics-lagging', topic: 'metrics-b', partitions: [{ partition: 0, offset: '2' }] });
    await admin.disconnect();

    let m = await scrape(broker);
    expect(m.value('brooklet_topic_fetched_records_total', { topic: 'metrics-a' })).toBe(30);
    for (const p of ['0', '1']) expect(m.value('brooklet_consumer_group_lag_records', { group: 'metrics-reader', topic: 'metrics-a', partition: p })).toBe(0);
    expect(m.value('brooklet_consumer_group_lag_records', { group: 'metrics-lagging', topic: 'metrics-b', partition: '0' })).toBe(5);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'metrics-b', messages: [{ value: 'x' }, { value: 'y' }, { value: 'z' }] });
    await producer.disconnect();
    m = await scrape(broker);
    expect(m.value('brooklet_consumer_group_lag_records', { group: 'metrics-lagging', topic: 'metrics-b', partition: '0' })).toBe(8);
    expect(m.value('brooklet_topic_produced_records_total', { topic: 'metrics-b' })).toBe(10);
  });

  it('follows Prometheus conventions: brooklet_ prefix, counters end in _total, units in names', async () => {
    const m = await scrape(broker);
    for (const [name, type] of m.types) {
      expect(name).toMatch(/^brooklet_/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
    }
    for (const name of m.types.keys()) {
      if (/bytes|seconds|size/.test(name)) expect(name).toMatch(/_(bytes|seconds|bytes_total|seconds_total)$/);
    }
  });

  it('counts error codes answered to clients', async () => {
    const client = await RawClient.connect(broker.bootstrap);
    try {
      const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('nowhere') }] });
      const answer = await client.request(0, 8, {
        transactionalId: null, acks: -1, timeoutMs: 5000,
        topicData: [{ name: 'metrics-b', partitionData: [{ index: 7, records }] }],
      });
      expect(answer.body.responses[0].partitionResponses[0].errorCode).toBe(3);
    } finally {
      client.close();
    }
    const m = await scrape(broker);
    expect(m.value('brooklet_errors_total', { code: 'UNKNOWN_TOPIC_OR_PARTITION' })).toBe(1);
    // Nothing was appended, so nothing counted in.
    expect(m.value('brooklet_topic_produced_records_total', { topic: 'metrics-b' })).toBe(10);
  });
});
