/**
 * test/harness path 2 for real: Apache Kafka in a container started through testcontainers
 * (startRealKafka with BROOKLET_REAL_KAFKA's 'docker' mode), on this machine's network on
 * 127.0.0.1, from the apache/kafka image (built here by scripts/docker/base-images.sh where no
 * registry answers). kafkajs produces and consumes; close() removes the container.
 * The differential suite runs the same way with BROOKLET_REAL_KAFKA=docker (.ci/run runs a part).
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealKafka, type RealKafka } from '../harness/kafka.js';
import { docker, skipReason } from './docker-cli.js';

const skip = skipReason();

describe.skipIf(skip !== '')('real Kafka through testcontainers', () => {
  let kafka: RealKafka;

  beforeAll(async () => {
    kafka = await startRealKafka({ mode: 'docker', startTimeoutMs: 120_000 });
  }, 180_000);
  afterAll(async () => kafka?.close());

  it('runs from the pinned image on 127.0.0.1 and serves kafkajs', async () => {
    expect(kafka.source).toBe('docker');
    expect(kafka.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    const client = new Kafka({ clientId: 'tc', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 'tc-topic', messages: [{ key: 'k', value: 'through testcontainers' }] });
    await producer.disconnect();
    const consumer = client.consumer({ groupId: 'tc-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'tc-topic', fromBeginning: true });
    const value = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    await consumer.disconnect();
    expect(value).toBe('through testcontainers');
  }, 120_000);

  it('removes its container on close', async () => {
    const port = kafka.bootstrap.split(':')[1];
    const before = await docker(['ps', '-q', '--filter', `label=org.testcontainers=true`]);
    expect(before).not.toBe('');
    await kafka.close();
    const after = await docker(['ps', '-aq', '--filter', `label=org.testcontainers=true`, '--filter', 'status=running']);
    const running = after ? await docker(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', ...after.split('\n')]) : '';
    expect(running).not.toContain(`:${port},`);
  }, 60_000);
});
