/**
 * Durability across restarts: a clean restart keeps topics and data; kill -9 in the middle of a
 * produce stream loses no acknowledged record, and offsets stay dense.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { CLEAN_SHUTDOWN_FILE } from '../../storage/checkpoint.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli-process.js';
import { KafkajsFetcher } from '../helpers/kafkajs-fetch.js';

const quiet = { logLevel: logLevel.NOTHING, connectionTimeout: 10_000 };

describe('restart', () => {
  it('keeps topics, configs and data across a clean restart', async () => {
    const dataDir = tempDataDir();
    let broker = await startTestBroker({ dataDir });
    let kafka = new Kafka({ clientId: 'restart', brokers: [broker.bootstrap], ...quiet });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 2, configEntries: [{ name: 'segment.bytes', value: '4096' }] }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic: 'kept', messages: Array.from({ length: 50 }, (_, j) => ({ partition: j % 2, key: `k${i}-${j}`, value: `v${i}-${j}` })) });
    }
    await producer.disconnect();
    await broker.close();

    broker = await startTestBroker({ dataDir });
    kafka = new Kafka({ clientId: 'restart', brokers: [broker.bootstrap], ...quiet });
    const admin2 = kafka.admin();
    await admin2.connect();
    const meta = await admin2.fetchTopicMetadata({ topics: ['kept'] });
    expect(meta.topics[0]!.partitions).toHaveLength(2);
    const offsets = await admin2.fetchTopicOffsets('kept');
    expect(offsets.map((o) => Number(o.high)).sort()).toEqual([500, 500]);
    await admin2.disconnect();
    const fetcher = new KafkajsFetcher(broker.bootstrap);
    await fetcher.connect('kept');
    const all = await fetcher.readAll('kept', 1);
    expect(all.map((m) => Number(m.offset))).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(all[499]!.value!.toString()).toBe('v19-49');
    await fetcher.disconnect();
    await broker.close();
  });

  it('loses no acknowledged record when killed with SIGKILL mid-stream', async () => {
    const dataDir = tempDataDir();
    const args = ['--port', '0', '--data-dir', dataDir, '--segment-bytes', '65536'];
    const first = await spawnCli(args);
    onTestFinished(() => { first.child.kill('SIGKILL'); });
    const kafka = new Kafka({ clientId: 'kill9', brokers: [first.bootstrap], ...quiet });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'crash', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } });
    await producer.connect();

    const acked: string[] = [];
    let stop = false;
    const stream = (async () => {
      for (let i = 0; !stop; i++) {
        const values = Array.from({ length: 20 }, (_, j) => `r${i}-${j}`);
        try {
          await producer.send({ topic: 'crash', acks: -1, messages: values.map((value) => ({ partition: 0, value })) });
        } catch {
          return;
        }
        acked.push(...values);
      }
    })();
    await new Promise((r) => setTimeout(r, 700));
    first.child.kill('SIGKILL');
    await first.exited;
    stop = true;
    await stream;
    await producer.disconnect().catch(() => {});
    expect(acked.length).toBeGreaterThan(100);

    const second = await spawnCli(args);
    onTestFinished(() => { second.child.kill('SIGKILL'); });
    try {
      const fetcher = new KafkajsFetcher(second.bootstrap);
      await fetcher.connect('crash');
      const all = await fetcher.readAll('crash', 0);
      await fetcher.disconnect();
      expect(all.map((m) => Number(m.offset))).toEqual(Array.from({ length: all.length }, (_, i) => i));
      const stored = all.map((m) => m.value!.toString());
      expect(stored.slice(0, acked.length)).toEqual(acked);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('shuts down cleanly on SIGTERM and leaves the clean-shutdown marker', async () => {
    const dataDir = tempDataDir();
    const broker = await spawnCli(['--port', '0', '--data-dir', dataDir]);
    onTestFinished(() => { broker.child.kill('SIGKILL'); });
    broker.child.kill('SIGTERM');
    expect(await broker.exited).toBe(0);
    expect(broker.lines.some((l) => l.includes('stopped cleanly'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(true);
  });
});
