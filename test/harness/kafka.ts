/**
 * Real Apache Kafka for tests and benchmarks, behind one helper:
 *
 *   const kafka = await startRealKafka();   // { bootstrap, close(), logFile, dataDir, source }
 *
 * Where the broker comes from, in this order:
 *   1. env KAFKA_BOOTSTRAP=host:port  an already running Kafka; close() leaves it alone.
 *   2. the Maven jars                 .cache/kafka-jars/<version> (scripts/install-peers.sh fills it):
 *        java -cp <jars> kafka.tools.StorageTool format -t <random id> -c server.properties
 *        java -cp <jars> kafka.Kafka server.properties
 *      KRaft combined mode on two free loopback ports, a temp log dir, a small heap; stdout and
 *      stderr go to logFile. Ready when the broker port accepts connections and the log says
 *      "Kafka Server started". close() sends SIGTERM, then SIGKILL after a grace period, and
 *      removes the temp dir.
 *   3. a Docker engine that answers   the apache/kafka image at the pinned version, one KRaft node,
 *      (docker-engine.ts asks it       through testcontainers (kafka-docker.ts; on this machine's
 *      for /_ping, quickly)            network, 127.0.0.1 only). close() removes the container.
 * The jars come first where they are installed (Java and the jars present): they need no engine,
 * give the data dir on this machine (kafka-dump-log reads it), and an engine that happens to run
 * (CI starts one for the container tests) does not change what every other test runs against.
 * Docker serves machines with an engine and no jars, and whoever asks for it.
 *
 * Forcing a path: opts.mode 'jars' | 'docker' (a caller that needs, say, the data dir on this
 * machine), else env BROOKLET_REAL_KAFKA=jars|docker (an operator's choice), else 'auto' as
 * above. KAFKA_BOOTSTRAP still comes first. Forcing docker where no engine answers is an error
 * naming the endpoint and the reason, never a quiet switch to the jars.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dockerEngineReachable, type DockerProbe } from './docker-engine.js';
import { log4j2Properties, randomClusterId, serverProperties } from './kafka-config.js';
import { lastLines, readOrEmpty, stopProcess } from './process.js';
import { canConnect, freePort, parseHostPort } from './net.js';
import { kafkaJarsDir } from './repo-paths.js';

export type RealKafkaMode = 'auto' | 'jars' | 'docker';
export type RealKafkaSource = 'external' | 'docker' | 'jars';

export interface RealKafkaOptions {
  /** Which path to take; default 'auto' (or env BROOKLET_REAL_KAFKA). See the top of this file. */
  mode?: RealKafkaMode;
  /** Default partitions for auto-created topics. Default 1. */
  numPartitions?: number;
  /** Default true, as Kafka's own default. */
  autoCreateTopics?: boolean;
  /** JVM max heap. Default '512m' (the machines have two cores and tests share them). */
  heap?: string;
  /** Extra server.properties entries. */
  serverProps?: Record<string, string>;
  /** How long to wait for the broker to come up (not counting an image pull). Default 60 s. */
  startTimeoutMs?: number;
  /** Keep the temp dir (data and log) after close, for post-mortems. Default false. */
  keepDir?: boolean;
}

export interface RealKafka {
  bootstrap: string;
  /** The broker's combined stdout/stderr (empty string when using KAFKA_BOOTSTRAP). */
  logFile: string;
  /** The broker's log.dirs on this machine (jars only; null for docker and KAFKA_BOOTSTRAP). */
  dataDir: string | null;
  source: RealKafkaSource;
  close(): Promise<void>;
}

export const STARTED_LINE = 'Kafka Server started';
export const MODE_ENV = 'BROOKLET_REAL_KAFKA';

export interface SourceChoice {
  source: RealKafkaSource;
  /** One line: why this path (for error messages and post-mortems). */
  why: string;
}

/**
 * Picks the path startRealKafka takes, without starting anything. The environment and the
 * Docker probe are parameters so tests can choose them.
 */
export async function chooseRealKafkaSource(opts: RealKafkaOptions = {}, env: NodeJS.ProcessEnv = process.env,
  probe: () => Promise<DockerProbe> = () => dockerEngineReachable(1500, env),
  jarsInstalled: () => boolean = jarsAndJavaPresent): Promise<SourceChoice> {
  if (env.KAFKA_BOOTSTRAP) return { source: 'external', why: `KAFKA_BOOTSTRAP=${env.KAFKA_BOOTSTRAP}` };
  const { mode, from } = requestedMode(opts, env);
  if (mode === 'jars') return { source: 'jars', why: `${from} asks for the jars` };
  if (mode === 'auto' && jarsInstalled()) return { source: 'jars', why: 'the jars and Java are installed' };
  const engine = await probe();
  if (engine.reachable) return { source: 'docker', why: `a Docker engine answers at ${engine.endpoint}` };
  if (mode === 'docker') {
    throw new Error(`${from} asks for Docker, but no Docker engine answers at ${engine.endpoint}: ${engine.reason}`);
  }
  return { source: 'jars', why: `no Docker engine at ${engine.endpoint} (${engine.reason})` };
}

function requestedMode(opts: RealKafkaOptions, env: NodeJS.ProcessEnv): { mode: RealKafkaMode; from: string } {
  if (opts.mode && opts.mode !== 'auto') return { mode: opts.mode, from: `mode '${opts.mode}'` };
  const fromEnv = env[MODE_ENV]?.trim();
  if (!fromEnv) return { mode: 'auto', from: 'auto' };
  if (fromEnv !== 'jars' && fromEnv !== 'docker' && fromEnv !== 'auto') {
    throw new Error(`${MODE_ENV}=${fromEnv}: expected jars, docker or auto`);
  }
  return { mode: fromEnv, from: `${MODE_ENV}=${fromEnv}` };
}

export async function startRealKafka(opts: RealKafkaOptions = {}): Promise<RealKafka> {
  const { source } = await chooseRealKafkaSource(opts);
  if (source === 'external') {
    const external = process.env.KAFKA_BOOTSTRAP as string;
    const { host, port } = parseHostPort(external);
    if (!(await canConnect(host, port, 3000))) {
      throw new Error(`KAFKA_BOOTSTRAP=${external} does not accept connections`);
    }
    return { bootstrap: external, logFile: '', dataDir: null, source, close: async () => {} };
  }
  if (source === 'docker') {
    // Loaded only here: the jar path never loads testcontainers.
    const { startKafkaContainer } = await import('./kafka-docker.js');
    return startKafkaContainer(opts);
  }
  return startFromJars(opts);
}

function jarsAndJavaPresent(): boolean {
  const dir = kafkaJarsDir();
  return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))
    && spawnSync('java', ['-version']).status === 0;
}

function requireJars(): string {
  const dir = kafkaJarsDir();
  const ok = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^kafka_2\.13-.*\.jar$/.test(f));
  if (!ok) {
    throw new Error(`real Kafka jars are missing in ${dir}: run scripts/install-peers.sh `
      + '(needs Java 17+ and Maven), or set KAFKA_BOOTSTRAP=host:port');
  }
  if (spawnSync('java', ['-version']).status !== 0) {
    throw new Error('java is not on PATH: real Kafka needs a Java 17+ runtime');
  }
  return path.join(dir, '*');
}

async function startFromJars(opts: RealKafkaOptions): Promise<RealKafka> {
  const classpath = requireJars();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-kafka-'));
  const brokerPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === brokerPort) controllerPort = await freePort();
  const propsFile = path.join(dir, 'server.properties');
  const log4jFile = path.join(dir, 'log4j2.properties');
  const logFile = path.join(dir, 'kafka.log');
  fs.writeFileSync(propsFile, serverProperties({
    brokerPort,
    controllerPort,
    logDir: path.join(dir, 'data'),
    numPartitions: opts.numPartitions ?? 1,
    autoCreateTopics: opts.autoCreateTopics ?? true,
    extra: opts.serverProps,
  }));
  fs.writeFileSync(log4jFile, log4j2Properties());
  const jvm = [`-Xmx${opts.heap ?? '512m'}`, `-Dlog4j2.configurationFile=${log4jFile}`,
    '-Djava.awt.headless=true', '-cp', classpath];

  const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format',
    '-t', randomClusterId(), '-c', propsFile], { encoding: 'utf8' });
  if (format.status !== 0) {
    fs.appendFileSync(logFile, `${format.stdout}\n${format.stderr}`);
    throw new Error(`kafka-storage format failed (exit ${format.status}); see ${logFile}\n`
      + lastLines(`${format.stdout}\n${format.stderr}`));
  }

  const out = fs.openSync(logFile, 'a');
  const child = spawn('java', [...jvm, 'kafka.Kafka', propsFile], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const close = async () => {
    process.removeListener('exit', killOnExit);
    await stopProcess(child, 15_000);
    if (!opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilStarted(child, brokerPort, logFile, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    const log = readOrEmpty(logFile);
    await stopProcess(child, 5_000);
    process.removeListener('exit', killOnExit);
    throw new Error(`${(err as Error).message}; log kept in ${logFile}\n${lastLines(log)}`);
  }
  return { bootstrap: `127.0.0.1:${brokerPort}`, logFile, dataDir: path.join(dir, 'data'), source: 'jars', close };
}

async function waitUntilStarted(child: ChildProcess, port: number, logFile: string,
  timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`real Kafka exited during start (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    if (readOrEmpty(logFile).includes(STARTED_LINE) && (await canConnect('127.0.0.1', port))) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`real Kafka did not start within ${timeoutMs} ms`);
}
