/**
 * Committed offsets outlive the broker: a consumer restarted with the same group id after a
 * broker restart continues from its committed offset (nothing again, nothing skipped), and
 * offsets acknowledged before a kill -9 are all there after the restart.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli-process.js';
import { createTopic, FAST_GROUP, kafkaFor, produceNumbered, waitFor } from './groups-helpers.js';

describe('committed offsets across broker restarts', () => {
  it('a consumer restarted with the same group id continues from its committed offset', async () => {
    const dataDir = tempDataDir();
    let broker = await startTestBroker({ dataDir });
    const port = broker.port;
    let kafka = kafkaFor(broker.bootstrap, 'resume');
    await createTopic(kafka, 'resume', 2);
    await produceNumbered(kafka, 'resume', 0, 1000, 2);

    const first: number[] = [];
    const consumer = kafka.consumer({ groupId: 'resume-group', ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: 'resume', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { first.push(Number(message.value!.toString())); } });
    await waitFor('the first 1000 records', () => first.length >= 1000);
    await consumer.disconnect();
    await broker.close();

    broker = await startTestBroker({ dataDir, port });
    onTestFinished(() => broker.close());
    kafka = kafkaFor(broker.bootstrap, 'resume');
    await produceNumbered(kafka, 'resume', 1000, 500, 2);
    const second: number[] = [];
    const again = kafka.consumer({ groupId: 'resume-group', ...FAST_GROUP });
    await again.connect();
    await again.subscribe({ topic: 'resume', fromBeginning: true });
    await again.run({ eachMessage: async ({ message }) => { second.push(Number(message.value!.toString())); } });
    await waitFor('the next 500 records', () => second.length >= 500);
    await new Promise((r) => setTimeout(r, 500));
    await again.disconnect();
    expect(first.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(second.sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => 1000 + i));
  });

  it('keeps every acknowledged commit through kill -9', async () => {
    const dataDir = tempDataDir();
    const first = await spawnCli(['--port', '0', '--data-dir', dataDir]);
    onTestFinished(() => { first.child.kill('SIGKILL'); });
    const kafka = kafkaFor(first.bootstrap, 'kill9-groups');
    await createTopic(kafka, 'k9', 3);
    await produceNumbered(kafka, 'k9', 0, 3000, 3);

    const committed = new Map<number, number>();
    let seen = 0;
    const consumer = kafka.consumer({ groupId: 'k9-group', ...FAST_GROUP, maxBytesPerPartition: 2048 });
    consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
      for (const t of e.payload.topics) for (const p of t.partitions) committed.set(Number(p.partition), Number(p.offset));
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'k9', fromBeginning: true });
    await consumer.run({ eachMessage: async () => { seen++; } });
    await waitFor('some commits', () => committed.size === 3 && seen > 1000);
    first.child.kill('SIGKILL'); // mid-stream, with the consumer still in the group
    await first.exited;
    const acknowledged = new Map(committed);
    // The client would retry against the dead broker for a long time; do not wait for it.
    await Promise.race([consumer.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);

    const second = await spawnCli(['--port', '0', '--data-dir', dataDir]);
    onTestFinished(() => { second.child.kill('SIGKILL'); });
    const admin = kafkaFor(second.bootstrap, 'kill9-groups').admin();
    await admin.connect();
    const [topic] = await admin.fetchOffsets({ groupId: 'k9-group', topics: ['k9'] });
    await admin.disconnect();
    const restored = new Map(topic!.partitions.map((p) => [p.partition, Number(p.offset)]));
    // Every acknowledged commit is there; a commit in flight at the kill may have landed too.
    for (const [partition, offset] of acknowledged) {
      expect(restored.get(partition)).toBeGreaterThanOrEqual(offset);
      expect(restored.get(partition)).toBeLessThanOrEqual(1000);
    }
  });
});
