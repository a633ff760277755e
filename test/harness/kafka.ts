/**
 * Real Apache Kafka for tests and benchmarks, behind one helper:
 *
 *   const kafka = await startRealKafka();   // { bootstrap, close(), logFile }
 *
 * Where the broker comes from, in order:
 *   1. env KAFKA_BOOTSTRAP=host:port  an already running Kafka; close() leaves it alone.
 *   2. opts.mode === 'docker'        a container. Not implemented yet: throws a TODO error.
 *   3. the Maven jars                 .cache/kafka-jars/<version> (scripts/install-peers.sh fills it):
 *        java -cp <jars> kafka.tools.StorageTool format -t <random id> -c server.properties
 *        java -cp <jars> kafka.Kafka server.properties
 *      KRaft combined mode on two free loopback ports, a temp log dir, a small heap; stdout and
 *      stderr go to logFile. Ready when the broker port accepts connections and the log says
 *      "Kafka Server started". close() sends SIGTERM, then SIGKILL after a grace period, and
 *      removes the temp dir.
 * The jar path is preferred even where Docker runs: it needs only Java and is the same everywhere.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log4j2Properties, randomClusterId, serverProperties } from './kafka-config.js';
import { canConnect, freePort, parseHostPort } from './net.js';
import { kafkaJarsDir } from './repo-paths.js';

export interface RealKafkaOptions {
  mode?: 'auto' | 'docker';
  /** Default partitions for auto-created topics. Default 1. */
  numPartitions?: number;
  /** Default true, as Kafka's own default. */
  autoCreateTopics?: boolean;
  /** JVM max heap. Default '512m' (the machines have two cores and tests share them). */
  heap?: string;
  /** Extra server.properties entries. */
  serverProps?: Record<string, string>;
  /** How long to wait for the broker to come up. Default 60 s. */
  startTimeoutMs?: number;
  /** Keep the temp dir (data and log) after close, for post-mortems. Default false. */
  keepDir?: boolean;
}

export interface RealKafka {
  bootstrap: string;
  /** The broker's combined stdout/stderr (empty string when using KAFKA_BOOTSTRAP). */
  logFile: string;
  close(): Promise<void>;
}

const STARTED_LINE = 'Kafka Server started';

export async function startRealKafka(opts: RealKafkaOptions = {}): Promise<RealKafka> {
  const external = process.env.KAFKA_BOOTSTRAP;
  if (external) {
    const { host, port } = parseHostPort(external);
    if (!(await canConnect(host, port, 3000))) {
      throw new Error(`KAFKA_BOOTSTRAP=${external} does not accept connections`);
    }
    return { bootstrap: external, logFile: '', close: async () => {} };
  }
  if (opts.mode === 'docker') {
    throw new Error('TODO: startRealKafka docker mode is not implemented; use the Maven jars '
      + '(scripts/install-peers.sh) or set KAFKA_BOOTSTRAP=host:port');
  }
  return startFromJars(opts);
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
      + tail(`${format.stdout}\n${format.stderr}`));
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
    throw new Error(`${(err as Error).message}; log kept in ${logFile}\n${tail(log)}`);
  }
  return { bootstrap: `127.0.0.1:${brokerPort}`, logFile, close };
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

/** SIGTERM, then SIGKILL if the JVM has not exited after graceMs. */
function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
