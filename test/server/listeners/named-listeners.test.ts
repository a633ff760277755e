/**
 * Named listeners over real sockets: one broker, three listeners. Each answers Metadata and
 * FindCoordinator with its own advertised address (the raw client reads the answers as sent);
 * kafkajs, which reconnects to whatever it is told, produces through one listener and consumes
 * in a group through another, each client seeing only its own listener's address.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

const METADATA = 3;
const FIND_COORDINATOR = 10;

describe('a broker with three named listeners', () => {
  let broker: Broker;

  beforeAll(async () => {
    broker = await startTestBroker({
      // HOST and DOCKER are reachable (all of 127/8 is loopback); FAKE advertises a name no
      // one can resolve, to show the advertised address is sent as configured, not the bound one.
      listeners: 'HOST://127.0.0.1:0,DOCKER://127.0.0.2:0,FAKE://127.0.0.1:0',
      advertisedListeners: 'FAKE://brooklet.internal:9092',
      listenerSecurityProtocolMap: 'HOST:PLAINTEXT,DOCKER:PLAINTEXT,FAKE:PLAINTEXT',
    });
  });
  afterAll(async () => broker?.close());

  const listener = (name: string) => broker.listeners.find((l) => l.name === name)!;
  const bound = (name: string) => `${listener(name).host}:${listener(name).port}`;

  it('binds one socket per listener and reports each with its advertised address', () => {
    expect(broker.listeners.map((l) => l.name)).toEqual(['HOST', 'DOCKER', 'FAKE']);
    expect(new Set(broker.listeners.map((l) => l.port)).size).toBe(3);
    expect(listener('HOST').bootstrap).toBe(`127.0.0.1:${listener('HOST').port}`);
    expect(listener('DOCKER').bootstrap).toBe(`127.0.0.2:${listener('DOCKER').port}`);
    expect(listener('FAKE').bootstrap).toBe('brooklet.internal:9092');
    expect(broker.bootstrap).toBe(listener('HOST').bootstrap);
    expect(broker.port).toBe(listener('HOST').port);
  });

  it.each(['HOST', 'DOCKER', 'FAKE'])('answers Metadata and FindCoordinator on %s with that listener\'s address', async (name) => {
    const client = await RawClient.connect(bound(name));
    try {
      const { advertisedHost: host, advertisedPort: port } = listener(name);
      const metadata = await client.request(METADATA, 9, { topics: null, allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      expect(metadata.body.brokers).toEqual([expect.objectContaining({ nodeId: 1, host, port })]);
      const v4 = await client.request(FIND_COORDINATOR, 4, { keyType: 0, coordinatorKeys: ['g'] });
      expect(v4.body.coordinators).toEqual([expect.objectContaining({ key: 'g', errorCode: 0, nodeId: 1, host, port })]);
      const v0 = await client.request(FIND_COORDINATOR, 0, { key: 'g' });
      expect(v0.body).toMatchObject({ errorCode: 0, host, port });
    } finally {
      client.close();
    }
  });

  it('serves kafkajs on two listeners, each client told its own address', async () => {
    const onHost = new Kafka({ clientId: 'on-host', brokers: [listener('HOST').bootstrap], logLevel: logLevel.NOTHING });
    const onDocker = new Kafka({ clientId: 'on-docker', brokers: [listener('DOCKER').bootstrap], logLevel: logLevel.NOTHING });
    for (const [kafka, name] of [[onHost, 'HOST'], [onDocker, 'DOCKER']] as const) {
      const admin = kafka.admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.disconnect();
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: listener(name).advertisedHost, port: listener(name).advertisedPort }]);
    }

    const topic = 'two-listeners';
    const producer = onHost.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();

    // A group consumer finds its coordinator through FindCoordinator and connects to the
    // address it is given: on DOCKER that must be DOCKER's, or the join never happens.
    const consumer = onDocker.consumer({ groupId: 'two-listeners-group', sessionTimeout: 10_000 });
    const seen: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(String(message.value));
            if (seen.length === 20) resolve();
          },
        });
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
  }, 60_000);
});

describe('one-listener shorthand', () => {
  it('still takes port and advertisedHost, as the listener PLAINTEXT', async () => {
    const broker = await startTestBroker({ host: '127.0.0.1', advertisedHost: 'localhost' });
    try {
      expect(broker.listeners).toEqual([expect.objectContaining({ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT',
        host: '127.0.0.1', port: broker.port, advertisedHost: 'localhost', advertisedPort: broker.port })]);
      expect(broker.bootstrap).toBe(`localhost:${broker.port}`);
      const client = await RawClient.connect(`127.0.0.1:${broker.port}`);
      const metadata = await client.request(METADATA, 1, { topics: null });
      client.close();
      expect(metadata.body.brokers).toEqual([expect.objectContaining({ host: 'localhost', port: broker.port })]);
    } finally {
      await broker.close();
    }
  });

  it('fails to start with a one-line error naming the listener whose port is taken', async () => {
    const first = await startTestBroker();
    try {
      const attempt = startTestBroker({
        listeners: `A://127.0.0.1:0,B://127.0.0.1:${first.port}`, listenerSecurityProtocolMap: 'A:PLAINTEXT,B:PLAINTEXT',
      });
      await expect(attempt).rejects.toThrow(new RegExp(`^cannot listen on B://127\\.0\\.0\\.1:${first.port}: .*EADDRINUSE`));
    } finally {
      await first.close();
    }
  });
});
