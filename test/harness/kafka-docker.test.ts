/**
 * The Docker path without Docker: the container spec (pure), the property -> environment
 * translation the apache/kafka image reads back, and startKafkaContainer's wiring against a
 * stand-in for testcontainers (which also shows that nothing loads testcontainers before a
 * container is actually asked for). The real container start is exercised by
 * test/containers/kafka-testcontainers.test.ts where an engine answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serverProperties } from './kafka-config.js';
import {
  CONTAINER_CONTROLLER_PORT, CONTAINER_LOG_DIR, envNameForProperty, kafkaContainerSpec, startKafkaContainer,
} from './kafka-docker.js';
import { pinnedKafkaVersion } from './repo-paths.js';

interface FakeContainerRecord {
  image: string;
  env: Record<string, string>;
  ports: { container: number; host: number }[];
  networkMode?: string;
  waitFor: unknown;
  startupTimeoutMs: number;
  stops: unknown[];
}

/** State shared with the testcontainers stand-in below (vi.mock factories run before imports). */
const fake = vi.hoisted(() => ({
  loads: 0,
  runtimeHost: 'localhost',
  failStart: false,
  containers: [] as FakeContainerRecord[],
  published: [] as import('node:net').Server[],
}));

vi.mock('testcontainers', async () => {
  fake.loads++;
  const { PassThrough } = await import('node:stream');
  const netModule = await import('node:net');
  class GenericContainer {
    private readonly record: FakeContainerRecord;
    private logConsumer?: (stream: import('node:stream').Readable) => unknown;
    constructor(image: string) {
      this.record = { image, env: {}, ports: [], waitFor: undefined, startupTimeoutMs: 0, stops: [] };
    }
    withEnvironment(env: Record<string, string>) { this.record.env = env; return this; }
    withExposedPorts(...ports: { container: number; host: number }[]) { this.record.ports = ports; return this; }
    withNetworkMode(mode: string) { this.record.networkMode = mode; return this; }
    withLogConsumer(consumer: (stream: import('node:stream').Readable) => unknown) { this.logConsumer = consumer; return this; }
    withWaitStrategy(strategy: unknown) { this.record.waitFor = strategy; return this; }
    withStartupTimeout(ms: number) { this.record.startupTimeoutMs = ms; return this; }
    async start() {
      fake.containers.push(this.record);
      const logs = new PassThrough({ encoding: 'utf8' });
      this.logConsumer?.(logs);
      logs.write('===> Launching ...\n');
      if (fake.failStart) {
        logs.end('ERROR Exiting Kafka due to fatal exception\n');
        throw new Error('Log stream ended and message "Kafka Server started" was not received');
      }
      logs.write('[KafkaRaftServer nodeId=1] Kafka Server started\n');
      // Stands in for the engine publishing the port on the host.
      const server = netModule.createServer((s) => s.destroy());
      fake.published.push(server);
      // Published port mode listens where the engine publishes; host network mode where the broker advertises.
      const advertised = /PLAINTEXT:\/\/([^:]+):(\d+)/.exec(this.record.env.KAFKA_ADVERTISED_LISTENERS!)!;
      const publishedOn = fake.runtimeHost === 'localhost' ? '127.0.0.1' : fake.runtimeHost;
      if (this.record.networkMode === 'host') await new Promise<void>((r) => server.listen(Number(advertised[2]), advertised[1], r));
      else await new Promise<void>((r) => server.listen(this.record.ports[0].host, publishedOn, r));
      const record = this.record;
      return {
        async stop(options: unknown) {
          record.stops.push(options);
          // The engine's log stream lags the stop a little, as a real one does.
          setTimeout(() => logs.end('[KafkaRaftServer nodeId=1] shut down completed\n'), 50);
          await new Promise((r) => server.close(r));
        },
      };
    }
  }
  return {
    GenericContainer,
    Wait: { forLogMessage: (message: string) => ({ logMessage: message }) },
    getContainerRuntimeClient: async () => ({ info: { containerRuntime: { host: fake.runtimeHost } } }),
  };
});

afterEach(async () => {
  fake.failStart = false;
  for (const s of fake.published.splice(0)) if (s.listening) await new Promise((r) => s.close(r));
});

/** The image's documented rule, written independently: '_' -> '.', '__' -> '_', '___' -> '-', lower case. */
function decodeAsTheImageDocuments(envName: string): string {
  return envName.replace(/^KAFKA_/, '').replace(/_+/g, (run) => ({ 1: '.', 2: '_', 3: '-' })[run.length] ?? '?')
    .toLowerCase();
}

function propertiesOf(env: Record<string, string>): Record<string, string> {
  const excluded = new Set(['KAFKA_HEAP_OPTS']);
  return Object.fromEntries(Object.entries(env)
    .filter(([k]) => k.startsWith('KAFKA_') && !excluded.has(k))
    .map(([k, v]) => [decodeAsTheImageDocuments(k), v]));
}

// Must stay the first test of the file: later tests start the stand-in, which loads it.
describe('loading', () => {
  it('importing the harness and building a spec does not load testcontainers', async () => {
    await import('./kafka.js');
    kafkaContainerSpec({}, 40000);
    expect(fake.loads).toBe(0);
  });
});

describe('kafkaContainerSpec', () => {
  const port = 45678;

  it('runs the pinned apache/kafka image as one KRaft node in combined mode', () => {
    const spec = kafkaContainerSpec({}, port, { clusterId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(spec.image).toBe(`apache/kafka:${pinnedKafkaVersion()}`);
    expect(spec.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(spec.env).toMatchObject({
      CLUSTER_ID: 'AAAAAAAAAAAAAAAAAAAAAA',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: `1@127.0.0.1:${CONTAINER_CONTROLLER_PORT}`,
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://127.0.0.1:${CONTAINER_CONTROLLER_PORT}`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_LOG_DIRS: CONTAINER_LOG_DIR,
      KAFKA_HEAP_OPTS: '-Xmx512m',
      KAFKA_NUM_PARTITIONS: '1',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
    });
    expect(spec.readyLogLine).toBe('Kafka Server started');
    expect(spec.startupTimeoutMs).toBe(120_000);
  });

  it('publishes the broker port under the same number it advertises; the controller is not published', () => {
    const spec = kafkaContainerSpec({}, port, { advertisedHost: 'docker-host.internal' });
    expect(spec.ports).toEqual([{ container: port, host: port }]);
    expect(spec.env.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://docker-host.internal:${port}`);
    expect(spec.bootstrap).toBe(`docker-host.internal:${port}`);
  });

  it('maps partitions, auto-create, heap, timeout and extra properties', () => {
    const spec = kafkaContainerSpec({
      numPartitions: 8,
      autoCreateTopics: false,
      heap: '1g',
      startTimeoutMs: 90_000,
      serverProps: { 'log.segment.bytes': '1048576', 'group.initial.rebalance.delay.ms': '3000', 'log.cleaner.enable': 'false' },
    }, port);
    expect(spec.env).toMatchObject({
      KAFKA_NUM_PARTITIONS: '8',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_HEAP_OPTS: '-Xmx1g',
      KAFKA_LOG_SEGMENT_BYTES: '1048576',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '3000', // an extra overrides a harness default, as on the jar path
      KAFKA_LOG_CLEANER_ENABLE: 'false',
    });
    expect(spec.startupTimeoutMs).toBe(90_000);
  });

  it('gives the container exactly the jar path properties, except where the container network differs', () => {
    const opts = { numPartitions: 3, autoCreateTopics: false, serverProps: { 'log.retention.ms': '60000' } };
    const jarProps = Object.fromEntries(serverProperties({
      brokerPort: port, controllerPort: CONTAINER_CONTROLLER_PORT, logDir: CONTAINER_LOG_DIR,
      numPartitions: 3, autoCreateTopics: false, extra: opts.serverProps,
    }).trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const containerProps = propertiesOf(kafkaContainerSpec(opts, port).env);
    const networkKeys = ['listeners', 'advertised.listeners', 'controller.quorum.voters'];
    expect(Object.keys(containerProps).sort()).toEqual(Object.keys(jarProps).sort());
    for (const [key, value] of Object.entries(jarProps)) {
      if (!networkKeys.includes(key)) expect(containerProps[key], key).toBe(value);
    }
  });

  it('sets every variable the image would otherwise fill with its own defaults', () => {
    // The image's startup script fills these when unset (docker/resources/common-scripts/configureDefaults).
    const imageDefaults = ['CLUSTER_ID', 'KAFKA_NODE_ID', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP', 'KAFKA_LISTENERS',
      'KAFKA_ADVERTISED_LISTENERS', 'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS',
      'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR', 'KAFKA_PROCESS_ROLES',
      'KAFKA_CONTROLLER_QUORUM_VOTERS', 'KAFKA_INTER_BROKER_LISTENER_NAME', 'KAFKA_CONTROLLER_LISTENER_NAMES',
      'KAFKA_LOG_DIRS'];
    const env = kafkaContainerSpec({}, port).env;
    expect(imageDefaults.filter((k) => !(k in env))).toEqual([]);
  });

  it('draws a fresh cluster id unless given one', () => {
    const a = kafkaContainerSpec({}, port).env.CLUSTER_ID;
    const b = kafkaContainerSpec({}, port).env.CLUSTER_ID;
    expect(a).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(a).not.toBe(b);
  });
});

describe('envNameForProperty', () => {
  it('encodes dots, underscores and dashes so the image decodes the same name', () => {
    expect(envNameForProperty('log.segment.bytes')).toBe('KAFKA_LOG_SEGMENT_BYTES');
    expect(envNameForProperty('some_prop.with-dash')).toBe('KAFKA_SOME__PROP_WITH___DASH');
    for (const name of ['log.segment.bytes', 'some_prop.with-dash', 'share.coordinator.state.topic.min.isr']) {
      expect(decodeAsTheImageDocuments(envNameForProperty(name))).toBe(name);
    }
  });

  it('refuses names the image cannot express', () => {
    expect(() => envNameForProperty('a.b.c')).toThrow(/cannot receive the property 'a.b.c'/);
    expect(() => envNameForProperty('listener.name.SASL.x')).toThrow(/cannot receive/);
  });
});

describe('startKafkaContainer (testcontainers stand-in)', () => {
  it('starts the spec on the host network for a local engine, on 127.0.0.1 only, copies the log, and removes the container on close', async () => {
    const kafka = await startKafkaContainer({ numPartitions: 2, keepDir: true });
    const record = fake.containers.at(-1)!;
    const port = Number(/:(\d+)$/.exec(kafka.bootstrap)![1]);
    expect(record.image).toBe(`apache/kafka:${pinnedKafkaVersion()}`);
    expect(record.networkMode).toBe('host');
    expect(record.ports).toEqual([]);
    expect(record.env.KAFKA_NUM_PARTITIONS).toBe('2');
    expect(record.env.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://127.0.0.1:${port}`);
    const controller = Number(/CONTROLLER:\/\/127\.0\.0\.1:(\d+)$/.exec(record.env.KAFKA_LISTENERS!)![1]);
    expect(record.env.KAFKA_LISTENERS).toBe(`PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`);
    expect(record.env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`1@127.0.0.1:${controller}`);
    expect(controller).not.toBe(port);
    expect(record.waitFor).toEqual({ logMessage: 'Kafka Server started' });
    expect(record.startupTimeoutMs).toBe(120_000);
    expect(kafka).toMatchObject({ bootstrap: `127.0.0.1:${port}`, dataDir: null, source: 'docker' });

    await kafka.close();
    expect(record.stops).toEqual([{ remove: true, timeout: 5_000 }]);
    const log = fs.readFileSync(kafka.logFile, 'utf8');
    expect(log).toContain('Kafka Server started');
    expect(log).toContain('shut down completed'); // written after stop() began: the copy drains
    fs.rmSync(path.dirname(kafka.logFile), { recursive: true, force: true });
    expect(fake.loads).toBe(1);
  });

  it('removes the temp dir on close unless keepDir', async () => {
    const kafka = await startKafkaContainer({});
    await kafka.close();
    expect(fs.existsSync(kafka.logFile)).toBe(false);
  });

  it('publishes the port and advertises the engine host testcontainers reports, for a remote engine', async () => {
    fake.runtimeHost = '127.0.0.2'; // a loopback alias stands in for a remote engine's address
    vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.2:2375');
    try {
      const kafka = await startKafkaContainer({});
      const port = fake.containers.at(-1)!.ports[0].host;
      expect(fake.containers.at(-1)!.env.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://127.0.0.2:${port}`);
      expect(kafka.bootstrap).toBe(`127.0.0.2:${port}`);
      expect(fake.containers.at(-1)!.networkMode).toBeUndefined();
      await kafka.close();
    } finally {
      vi.unstubAllEnvs();
      fake.runtimeHost = 'localhost';
    }
  });

  it('fails with the log tail and the way back to the jars when the container never gets ready', async () => {
    fake.failStart = true;
    const error = await startKafkaContainer({}).then(() => null, (e: Error) => e);
    expect(error?.message).toContain('did not start');
    expect(error?.message).toContain('BROOKLET_REAL_KAFKA=jars');
    expect(error?.message).toContain('Exiting Kafka due to fatal exception');
    const logFile = /log kept in (\S+)/.exec(error!.message)![1];
    expect(fs.existsSync(logFile)).toBe(true);
    fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  });
});
