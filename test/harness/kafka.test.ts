/**
 * Which path startRealKafka takes (KAFKA_BOOTSTRAP, the jars, a Docker engine, and the forcing
 * switches), decided without starting Kafka; then a smoke test of the real thing: start Kafka
 * (whichever path this machine gets; the jars where they are installed), produce and
 * consume one record with kafkajs, stop it. The smoke test is skipped with a one-line reason
 * when the jars are not installed, unless CI=true, where a missing peer is a failure.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DockerProbe } from './docker-engine.js';
import { chooseRealKafkaSource, startRealKafka, type RealKafka } from './kafka.js';
import { kafkaJarsDir } from './repo-paths.js';

describe('chooseRealKafkaSource', () => {
  const absentSocket = `unix://${path.join(os.tmpdir(), `no-docker-${process.pid}.sock`)}`;
  const noEngine = { DOCKER_HOST: absentSocket };
  const engineUp = async (): Promise<DockerProbe> => ({ reachable: true, endpoint: 'unix:///fake.sock' });
  const mustNotProbe = async (): Promise<DockerProbe> => {
    throw new Error('the Docker engine was probed');
  };

  it('takes KAFKA_BOOTSTRAP first, whatever else is set, without asking Docker', async () => {
    const env = { KAFKA_BOOTSTRAP: 'kafka:9092', BROOKLET_REAL_KAFKA: 'docker' };
    expect((await chooseRealKafkaSource({ mode: 'docker' }, env, mustNotProbe)).source).toBe('external');
  });

  it('takes the jars when installed without asking Docker; else Docker when an engine answers; else the jars', async () => {
    const installed = () => true;
    const notInstalled = () => false;
    expect(await chooseRealKafkaSource({}, {}, mustNotProbe, installed)).toEqual({ source: 'jars', why: 'the jars and Java are installed' });
    expect((await chooseRealKafkaSource({}, {}, engineUp, notInstalled)).source).toBe('docker');
    const jars = await chooseRealKafkaSource({}, noEngine, undefined, notInstalled);
    expect(jars.source).toBe('jars');
    expect(jars.why).toContain(absentSocket);
    expect(jars.why).toContain('no such socket');
  });

  it('takes Docker when DOCKER_HOST points at something that answers /_ping like an engine', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-engine-'));
    const socketPath = path.join(dir, 'docker.sock');
    const server = http.createServer((req, res) => res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK'));
    await new Promise<void>((r) => server.listen(socketPath, r));
    try {
      const choice = await chooseRealKafkaSource({}, { DOCKER_HOST: `unix://${socketPath}` }, undefined, () => false);
      expect(choice).toEqual({ source: 'docker', why: `a Docker engine answers at unix://${socketPath}` });
    } finally {
      await new Promise((r) => server.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forces the jars without asking Docker: by option or by BROOKLET_REAL_KAFKA', async () => {
    expect((await chooseRealKafkaSource({ mode: 'jars' }, {}, mustNotProbe)).source).toBe('jars');
    expect((await chooseRealKafkaSource({}, { BROOKLET_REAL_KAFKA: 'jars' }, mustNotProbe)).source).toBe('jars');
  });

  it('lets an explicit option win over BROOKLET_REAL_KAFKA', async () => {
    expect((await chooseRealKafkaSource({ mode: 'jars' }, { BROOKLET_REAL_KAFKA: 'docker' }, engineUp)).source).toBe('jars');
    expect((await chooseRealKafkaSource({ mode: 'docker' }, { BROOKLET_REAL_KAFKA: 'jars' }, engineUp)).source).toBe('docker');
    expect((await chooseRealKafkaSource({ mode: 'auto' }, { BROOKLET_REAL_KAFKA: 'jars' }, engineUp)).source).toBe('jars');
  });

  it('refuses to force Docker where no engine answers, naming the endpoint and the reason', async () => {
    await expect(chooseRealKafkaSource({ mode: 'docker' }, noEngine))
      .rejects.toThrow(`mode 'docker' asks for Docker, but no Docker engine answers at ${absentSocket}: no such socket`);
    await expect(chooseRealKafkaSource({}, { ...noEngine, BROOKLET_REAL_KAFKA: 'docker' }))
      .rejects.toThrow(`BROOKLET_REAL_KAFKA=docker asks for Docker, but no Docker engine answers at ${absentSocket}`);
  });

  it('rejects an unknown BROOKLET_REAL_KAFKA value', async () => {
    await expect(chooseRealKafkaSource({}, { BROOKLET_REAL_KAFKA: 'podman' }, engineUp))
      .rejects.toThrow('BROOKLET_REAL_KAFKA=podman: expected jars, docker or auto');
  });
});

describe('startRealKafka forced to Docker without an engine', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('throws the one-line reason instead of starting anything', async () => {
    const socket = path.join(os.tmpdir(), `no-docker-${process.pid}.sock`);
    vi.stubEnv('KAFKA_BOOTSTRAP', '');
    vi.stubEnv('DOCKER_HOST', `unix://${socket}`);
    vi.stubEnv('BROOKLET_REAL_KAFKA', 'docker');
    const error = await startRealKafka().then(() => null, (e: Error) => e);
    expect(error?.message).toBe(`BROOKLET_REAL_KAFKA=docker asks for Docker, but no Docker engine answers at unix://${socket}: no such socket`);
  });
});

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
