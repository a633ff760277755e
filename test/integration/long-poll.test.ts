/**
 * Long-polling Fetch: a waiting fetch is woken by a produce to its partition (well before its
 * max_wait_ms), and without data it returns after max_wait_ms. The bounds are loose on purpose:
 * they distinguish "woken by the append" from "timed out", not fast from slow.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { KafkajsFetcher } from '../helpers/kafkajs-fetch.js';

describe('long-polling fetch', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let kafka: Kafka;
  let fetcher: KafkajsFetcher;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'long-poll', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'poll', numPartitions: 2 }] });
    await admin.disconnect();
    fetcher = new KafkajsFetcher(broker.bootstrap);
    await fetcher.connect('poll');
  });
  afterAll(async () => {
    await fetcher?.disconnect();
    await broker?.close();
  });

  it('returns as soon as a produce lands on the partition', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const maxWaitTime = 5_000;
    const started = Date.now();
    const pending = fetcher.fetch('poll', 0, 0, { maxWaitTime, minBytes: 1 });
    await new Promise((r) => setTimeout(r, 300));
    await producer.send({ topic: 'poll', messages: [{ partition: 0, value: 'wake up' }] });
    const acked = Date.now();
    const result = await pending;
    const returned = Date.now();
    await producer.disconnect();
    expect(result.messages.map((m) => m.value!.toString())).toEqual(['wake up']);
    expect(returned - started).toBeGreaterThanOrEqual(250);
    expect(returned - acked).toBeLessThan(1_000);
  });

  it('returns empty after max_wait_ms when nothing arrives', async () => {
    const started = Date.now();
    const result = await fetcher.fetch('poll', 1, 0, { maxWaitTime: 600, minBytes: 1 });
    const elapsed = Date.now() - started;
    expect(result.messages).toEqual([]);
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(4_000);
  });

  it('is not woken by a produce to another partition', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const started = Date.now();
    const pending = fetcher.fetch('poll', 1, 0, { maxWaitTime: 800, minBytes: 1 });
    await producer.send({ topic: 'poll', messages: [{ partition: 0, value: 'elsewhere' }] });
    const result = await pending;
    await producer.disconnect();
    expect(result.messages).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
  });
});
