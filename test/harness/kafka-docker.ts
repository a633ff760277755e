/**
 * Real Apache Kafka in a container (testcontainers, the official apache/kafka image at the
 * version the jar path pins), for machines where a Docker engine answers.
 *
 * One KRaft node in combined mode (broker and controller in one JVM), configured with the same
 * server properties as the jar path (kafka-config.ts), handed to the image as environment
 * variables. The image turns every KAFKA_* variable into a property: prefix dropped, lower
 * case, a single '_' becomes '.', '__' becomes '_', '___' becomes '-'. CLUSTER_ID formats the
 * storage on first start; KAFKA_HEAP_OPTS sizes the JVM.
 *
 * Networking, two ways:
 *  - host network (an engine on this Linux machine, which is how CI runs it: dockerd there has
 *    no bridge network): the container shares this machine's network; the broker listens on
 *    127.0.0.1 on a free port and its controller on another, and advertises 127.0.0.1. Nothing
 *    is published and no traffic leaves loopback.
 *  - published port (a remote engine, or Docker Desktop): the broker listens inside the
 *    container on the same port number that is published on the host (a free host port), and
 *    advertises that address. A client on the host reaches it through the published port, and
 *    Kafka's own connections to its advertised address from inside the container reach it on
 *    loopback, so one listener serves both. The CONTROLLER listener stays on the container's
 *    loopback and is never published.
 *
 * Ready when the log says "Kafka Server started" (the line the jar path waits for too) and the
 * published port accepts connections. The container's output is copied to logFile. close()
 * stops and removes the container; testcontainers' reaper removes it too if the test process
 * dies first.
 *
 * testcontainers is imported lazily, inside startKafkaContainer, so building a spec (and the
 * jar path, which never imports this file) does not load it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { StartedTestContainer } from 'testcontainers';
import { dockerEndpoint } from './docker-engine.js';
import { randomClusterId, serverProperties } from './kafka-config.js';
import { STARTED_LINE, type RealKafka, type RealKafkaOptions } from './kafka.js';
import { lastLines, readOrEmpty } from './process.js';
import { canConnect, freePort } from './net.js';
import { pinnedKafkaVersion } from './repo-paths.js';

export const KAFKA_IMAGE_REPOSITORY = 'apache/kafka';
/** Inside the container only: never published. */
export const CONTAINER_CONTROLLER_PORT = 9093;
/** A directory the image's unprivileged user can write. */
export const CONTAINER_LOG_DIR = '/tmp/kraft-combined-logs';

export interface KafkaContainerSpec {
  image: string;
  /** Environment for the container: CLUSTER_ID, KAFKA_HEAP_OPTS and one KAFKA_* per property. */
  env: Record<string, string>;
  /** Host port -> container port bindings (the same number on both sides, see the top comment); none on the host network. */
  ports: { container: number; host: number }[];
  /** 'host' to share this machine's network (see the top comment); else the engine's default. */
  networkMode: 'host' | 'default';
  /** The log line that means the broker serves requests. */
  readyLogLine: string;
  startupTimeoutMs: number;
  /** host:port a client on the host bootstraps from. */
  bootstrap: string;
}

export interface ContainerSpecExtras {
  /** Default: a fresh random id. */
  clusterId?: string;
  /** The Docker host's address as seen from this machine. Default 127.0.0.1. */
  advertisedHost?: string;
  /** Run on the host network with the controller on this port (a free one); default: published port mode. */
  hostNetworkControllerPort?: number;
}

/** The image for the Kafka version the jar path pins (scripts/kafka/pom.xml). */
export function kafkaImage(version = pinnedKafkaVersion()): string {
  return `${KAFKA_IMAGE_REPOSITORY}:${version}`;
}

/** Everything about the container that can be decided without Docker. Pure but for the default cluster id. */
export function kafkaContainerSpec(opts: RealKafkaOptions, hostPort: number,
  extras: ContainerSpecExtras = {}): KafkaContainerSpec {
  const hostNetwork = extras.hostNetworkControllerPort !== undefined;
  const advertisedHost = hostNetwork ? '127.0.0.1' : extras.advertisedHost ?? '127.0.0.1';
  const controllerPort = extras.hostNetworkControllerPort ?? CONTAINER_CONTROLLER_PORT;
  // The jar path's configuration, so both paths run Kafka alike; then the container's network
  // and log dir; then the caller's extra properties, which win as they do on the jar path.
  const props: Record<string, string> = {
    ...parseProperties(serverProperties({
      brokerPort: hostPort,
      controllerPort,
      logDir: CONTAINER_LOG_DIR,
      numPartitions: opts.numPartitions ?? 1,
      autoCreateTopics: opts.autoCreateTopics ?? true,
    })),
    listeners: `PLAINTEXT://${hostNetwork ? '127.0.0.1' : '0.0.0.0'}:${hostPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${advertisedHost}:${hostPort}`,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    ...opts.serverProps,
  };
  const env: Record<string, string> = {
    CLUSTER_ID: extras.clusterId ?? randomClusterId(),
    KAFKA_HEAP_OPTS: `-Xmx${opts.heap ?? '512m'}`,
  };
  for (const [name, value] of Object.entries(props)) env[envNameForProperty(name)] = value;
  return {
    image: kafkaImage(),
    env,
    ports: hostNetwork ? [] : [{ container: hostPort, host: hostPort }],
    networkMode: hostNetwork ? 'host' : 'default',
    readyLogLine: STARTED_LINE,
    // The image formats the storage (a JVM of its own) inside this wait; the jar path formats before its wait starts.
    startupTimeoutMs: opts.startTimeoutMs ?? 120_000,
    bootstrap: `${advertisedHost}:${hostPort}`,
  };
}

/** The KAFKA_* variable the apache/kafka image turns into `property`. Throws for a name it cannot express. */
export function envNameForProperty(property: string): string {
  const env = 'KAFKA_' + property.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase();
  if (propertyForEnvName(env) !== property) {
    throw new Error(`the ${KAFKA_IMAGE_REPOSITORY} image cannot receive the property '${property}' `
      + `as an environment variable (${env} would become '${propertyForEnvName(env)}')`);
  }
  return env;
}

/**
 * The image's own rule (variable name -> property), so envNameForProperty can prove each
 * translation. The single-underscore step replaces non-overlapping matches of "x_y", as the
 * image's does, which is why a one-character segment such as "a.b.c" cannot be expressed.
 */
export function propertyForEnvName(env: string): string {
  const key = env.replace(/^KAFKA_/, '');
  return key.replace(/[^_]_[^_]/g, (m) => m.replace('_', '.'))
    .replace(/___/g, '-').replace(/__/g, '_').toLowerCase();
}

function parseProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return props;
}

export async function startKafkaContainer(opts: RealKafkaOptions = {}): Promise<RealKafka> {
  // An engine on this Linux machine (a unix socket) shares its network with the container (see
  // the top comment), so the container is reached on 127.0.0.1: say so to testcontainers, which
  // would otherwise, when this process itself runs in a container, look for the engine's bridge
  // network (absent where dockerd runs with --bridge=none).
  const local = process.platform === 'linux' && dockerEndpoint().endpoint.startsWith('unix://');
  if (local) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const runtime = await getContainerRuntimeClient();
  // Where published ports appear. 'localhost' may resolve to ::1 first on the host, and the
  // published port may be IPv4 only: say 127.0.0.1.
  const dockerHost = runtime.info.containerRuntime.host;
  const advertisedHost = dockerHost === 'localhost' ? '127.0.0.1' : dockerHost;
  const hostPort = await freePort();
  let controllerPort = local ? await freePort() : undefined;
  while (controllerPort === hostPort) controllerPort = await freePort();
  const spec = kafkaContainerSpec(opts, hostPort, { advertisedHost, hostNetworkControllerPort: controllerPort });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-kafka-docker-'));
  const log = new LogCopy(path.join(dir, 'kafka.log'));

  let container: StartedTestContainer;
  try {
    const generic = new GenericContainer(spec.image).withEnvironment(spec.env);
    if (spec.networkMode === 'host') generic.withNetworkMode('host');
    else generic.withExposedPorts(...spec.ports);
    container = await generic
      .withLogConsumer((stream) => log.follow(stream))
      .withWaitStrategy(Wait.forLogMessage(spec.readyLogLine))
      .withStartupTimeout(spec.startupTimeoutMs)
      .start();
  } catch (err) {
    // testcontainers has already stopped and removed a container that failed to get ready.
    await log.finish();
    const reaper = /ryuk/i.test((err as Error).message)
      ? ' (testcontainers\' reaper image cannot be had here: set TESTCONTAINERS_RYUK_DISABLED=true; close() removes the container)' : '';
    throw new Error(`real Kafka in ${spec.image} did not start: ${(err as Error).message}${reaper}; `
      + `log kept in ${log.file} (BROOKLET_REAL_KAFKA=jars uses the Maven jars instead)\n`
      + lastLines(readOrEmpty(log.file)));
  }

  const stop = async () => {
    await container.stop({ remove: true, timeout: 5_000 });
    await log.finish();
  };
  if (!(await canConnect(spec.bootstrap.slice(0, spec.bootstrap.lastIndexOf(':')), hostPort, 5_000))) {
    await stop().catch(() => {});
    throw new Error(`real Kafka in ${spec.image} logged "${spec.readyLogLine}" but ${spec.bootstrap} `
      + `does not accept connections from this machine; log kept in ${log.file}`);
  }
  const close = async () => {
    await stop();
    if (!opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  return { bootstrap: spec.bootstrap, logFile: log.file, dataDir: null, source: 'docker', close };
}

/**
 * Copies the container's output stream to a file. finish() lets the stream drain for a moment
 * after the container stopped (Kafka's shutdown lines), then closes the file; the stream is
 * never allowed to end the file itself, so nothing writes after the end.
 */
class LogCopy {
  private readonly out: fs.WriteStream;
  private source?: Readable;

  constructor(readonly file: string) {
    this.out = fs.createWriteStream(file);
    this.out.on('error', () => {}); // a log copy that fails must not take the test run down
  }

  follow(source: Readable): void {
    this.source = source;
    source.on('error', () => {}); // the engine going away mid-stream ends the copy, nothing more
    source.pipe(this.out, { end: false });
  }

  async finish(drainMs = 1000): Promise<void> {
    const source = this.source;
    if (source && !source.readableEnded) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        source.once('end', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      source.unpipe(this.out);
    }
    if (!this.out.writableEnded) await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
