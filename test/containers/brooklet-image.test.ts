/**
 * The Brooklet image for real (Docker engine; host networking, 127.0.0.1 only): built from the
 * repository's Dockerfile, run with two listeners. kafkajs on this machine produces and consumes
 * through the EXTERNAL listener; a second container (another app, on the host network) does the
 * same through the INTERNAL one; each is told its own listener's address. The data lives in a
 * named volume and survives `docker restart`; `docker stop` is a clean shutdown (SIGTERM: exit
 * code 0, the clean-shutdown marker in the volume).
 */
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/net.js';
import { repoRoot } from '../harness/repo-paths.js';
import { brookletImage, containerLogs, docker, skipReason, uniqueName, waitHealthy } from './docker-cli.js';

const skip = skipReason();
const COUNT = 25;

describe.skipIf(skip !== '')('the Brooklet image', () => {
  const container = uniqueName('brooklet-test');
  const volume = uniqueName('brooklet-test-data');
  let image: string;
  let external: number;
  let internal: number;

  beforeAll(async () => {
    image = await brookletImage();
    [external, internal] = [await freePort(), await freePort()];
    const http = await freePort();
    await docker(['run', '-d', '--name', container, '--network', 'host', '-v', `${volume}:/data`,
      // On the host network both listeners are on loopback; their ports tell them apart, and
      // each client must be told its own listener's port to reach the broker again.
      '-e', `BROOKLET_LISTENERS=EXTERNAL://127.0.0.1:${external},INTERNAL://127.0.0.1:${internal}`,
      '-e', `BROOKLET_ADVERTISED_LISTENERS=EXTERNAL://127.0.0.1:${external},INTERNAL://127.0.0.1:${internal}`,
      '-e', 'BROOKLET_LISTENER_SECURITY_PROTOCOL_MAP=EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT',
      '-e', `BROOKLET_HTTP_PORT=${http}`, '-e', 'BROOKLET_SCHEMA_REGISTRY_PORT=0', '-e', 'BROOKLET_LOG_FORMAT=json',
      image]);
    await waitHealthy(container);
  }, 25 * 60_000);

  afterAll(async () => {
    await docker(['rm', '-f', container]).catch(() => {});
    await docker(['volume', 'rm', '-f', volume]).catch(() => {});
  });

  const hostKafka = () => new Kafka({ clientId: 'on-host', brokers: [`127.0.0.1:${external}`], logLevel: logLevel.NOTHING });

  async function readAll(topic: string, groupId: string): Promise<string[]> {
    const consumer = hostKafka().consumer({ groupId });
    const read: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => {
          read.push(String(message.value));
          if (read.length === COUNT) resolve();
        } });
      });
    } finally {
      await consumer.disconnect();
    }
    return read;
  }

  const expected = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}-${i}`);

  it('serves kafkajs on the host through the EXTERNAL listener', async () => {
    const kafka = hostKafka();
    const admin = kafka.admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await admin.disconnect();
    expect(brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: external }]);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'from-host', messages: expected('host').map((value) => ({ value })) });
    await producer.disconnect();
    expect(await readAll('from-host', 'host-reader')).toEqual(expected('host'));
  }, 120_000);

  it('serves a kafkajs app in another container through the INTERNAL listener', async () => {
    const out = await docker(['run', '--rm', '--network', 'host',
      '-v', `${path.join(repoRoot, 'node_modules/kafkajs')}:/client/node_modules/kafkajs:ro`,
      '-v', `${path.join(repoRoot, 'test/containers/client-in-container.cjs')}:/client/client.cjs:ro`,
      '-w', '/client', 'node:20-bookworm-slim',
      'node', 'client.cjs', `127.0.0.1:${internal}`, 'from-container', 'from-host', String(COUNT)], 120_000);
    const result = JSON.parse(out.split('\n').at(-1)!) as { brokers: unknown[]; read: string[] };
    expect(result.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: internal }]);
    expect(result.read).toEqual(expected('host'));
    expect(await readAll('from-container', 'container-reader')).toEqual(expected('container'));
  }, 180_000);

  it('keeps its data in the volume across docker restart', async () => {
    await docker(['restart', '-t', '30', container], 90_000);
    await waitHealthy(container);
    expect(await readAll('from-host', 'after-restart-1')).toEqual(expected('host'));
    expect(await readAll('from-container', 'after-restart-2')).toEqual(expected('container'));
  }, 180_000);

  it('shuts down cleanly on docker stop: exit code 0 and the clean-shutdown marker written', async () => {
    await docker(['stop', '-t', '30', container], 90_000);
    expect(await docker(['inspect', '-f', '{{.State.ExitCode}}', container])).toBe('0');
    expect(await containerLogs(container)).toContain('brooklet stopped cleanly');
    const files = await docker(['run', '--rm', '-v', `${volume}:/data`, '--network', 'none', '--entrypoint', 'ls',
      image, '-a', '/data']);
    expect(files.split('\n')).toContain('.kafka_cleanshutdown');
  }, 120_000);
});
