/**
 * Smoke test of the real-Kafka harness: start Kafka from the Maven jars (or KAFKA_BOOTSTRAP),
 * produce and consume one record with kafkajs, stop it. Skipped with a one-line reason when
 * the jars are not installed, unless CI=true, where a missing peer is a failure.
 */
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealKafka, type RealKafka } from './kafka.js';
import { kafkaJarsDir } from './repo-paths.js';

const installed = Boolean(process.env.KAFKA_BOOTSTRAP) || fs.existsSync(kafkaJarsDir());
const mustRun = process.env.CI === 'true';
if (!installed && !mustRun) {
  console.warn(`skipping real-Kafka smoke test: no jars in ${kafkaJarsDir()}; run scripts/install-peers.sh`);
}

describe.skipIf(!installed && !mustRun)('startRealKafka', () => {
  let kafka: RealKafka;
  beforeAll(async () => {
    kafka = await startRealKafka();
  }, 120_000);
  afterAll(async () => {
    await kafka?.close();
  });

  it('serves a produce and a fetch from a kafkajs client', async () => {
    const client = new Kafka({ clientId: 'harness-smoke', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const topic = `smoke-${Date.now()}`;
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = client.producer();
    await producer.connect();
    const [ack] = await producer.send({ topic, messages: [{ key: 'k', value: 'hello real kafka' }] });
    await producer.disconnect();
    expect(ack.errorCode).toBe(0);

    const consumer = client.consumer({ groupId: `smoke-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; offset: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => resolve({
          key: String(message.key), value: String(message.value), offset: message.offset,
        }),
      });
    });
    await consumer.disconnect();
    expect(received).toEqual({ key: 'k', value: 'hello real kafka', offset: '0' });
    expect(fs.readFileSync(kafka.logFile, 'utf8')).toContain('Kafka Server started');
  }, 90_000);
});
