/**
 * /health and /ready through a restart on the same data directory and HTTP port, as a Docker
 * healthcheck sees them: ready once storage is recovered and Kafka accepts connections, gone
 * while stopped, ready again after the restart with the data still there.
 */
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { startBroker } from '../../src/index.js';
import { tempDataDir } from '../helpers/broker.js';
import { freePort } from '../harness/net.js';

const quiet = { logLevel: 'warn' };

async function status(url: string): Promise<number | 'refused'> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 'refused';
  }
}

describe('/health and /ready', () => {
  it('answer 200 while running, nothing while stopped, and 200 again after a restart', async () => {
    const dataDir = tempDataDir();
    const httpPort = await freePort();
    let broker = await startBroker({ port: 0, dataDir, httpPort, ...quiet });
    expect(broker.httpUrl).toBe(`http://127.0.0.1:${httpPort}`);
    const health = await fetch(`${broker.httpUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${broker.httpUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const kafka = () => new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'health-restart', messages: [{ value: 'kept' }] });
    await producer.disconnect();

    await broker.close();
    expect(await status(`http://127.0.0.1:${httpPort}/health`)).toBe('refused');
    expect(await status(`http://127.0.0.1:${httpPort}/ready`)).toBe('refused');

    broker = await startBroker({ port: 0, dataDir, httpPort, ...quiet });
    try {
      expect(await status(`${broker.httpUrl}/ready`)).toBe(200);
      const admin = kafka().admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets('health-restart');
      await admin.disconnect();
      expect(offsets[0]!.high).toBe('1');
    } finally {
      await broker.close();
    }
  });

  it('says "stopping" with 503 while shutdown drains Kafka connections', async () => {
    const broker = await startBroker({ port: 0, dataDir: tempDataDir(), ...quiet });
    // A peer that never finishes its side holds the drain for its grace period (5 s).
    const [host, port] = broker.bootstrap.split(':');
    const peer = net.connect({ host, port: Number(port), allowHalfOpen: true });
    await new Promise((resolve) => peer.once('connect', resolve));
    const closing = broker.close();
    const res = await fetch(`${broker.httpUrl}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'stopping' });
    expect((await fetch(`${broker.httpUrl}/health`)).status).toBe(200);
    await closing;
    peer.destroy();
  });

  it('refuses a taken HTTP port in one line naming the flag, and leaves nothing bound', async () => {
    const first = await startBroker({ port: 0, dataDir: tempDataDir(), ...quiet });
    try {
      const httpPort = Number(new URL(first.httpUrl!).port);
      const err = await startBroker({ port: 0, dataDir: tempDataDir(), httpPort, ...quiet }).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is in use \(change it with --http-port/);
      expect(err!.message.split('\n')).toHaveLength(1);
    } finally {
      await first.close();
    }
  });

  it('is not started with http: false (--no-http)', async () => {
    const broker = await startBroker({ port: 0, dataDir: tempDataDir(), http: false, ...quiet });
    expect(broker.httpUrl).toBeNull();
    await broker.close();
  });
});
