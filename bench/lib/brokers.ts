/**
 * The two brokers under test, each a separate process pinned to the broker core:
 *  - Brooklet: `node dist/brooklet.cjs` on a free port with a temp data dir;
 *  - Apache Kafka: `java kafka.Kafka` from the Maven jars, KRaft combined mode, with the JVM
 *    options kafka-server-start.sh uses (-Xmx1G -Xms1G, G1), storage formatted beforehand.
 * Both time their cold start: spawn to the first ApiVersions answer.
 * With BROOKLET_BOOTSTRAP / KAFKA_BOOTSTRAP set (the compose `bench` service), the running
 * brokers are used instead; then there is no pid, so cold start and RSS are not measured.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log4j2Properties, randomClusterId, serverProperties } from '../../test/harness/kafka-config.js';
import { freePort, parseHostPort } from '../../test/harness/net.js';
import { waitForApiVersions } from './api-versions-probe.js';
import { kafkaJarsDir, brookletCli } from './paths.js';
import { pinned } from './pinning.js';
import { stop } from './proc.js';

export type BrokerName = 'brooklet' | 'kafka';

export interface BrokerUnderTest {
  name: BrokerName;
  bootstrap: string;
  /** undefined for an external broker */
  pid?: number;
  coldStartMs: number;
  close(): Promise<void>;
}

export interface BrokerOptions {
  /** Extra Kafka server properties (e.g. log.flush.interval.messages=1). */
  kafkaProps?: Record<string, string>;
  /** Extra Brooklet CLI flags (e.g. --flush-policy always). */
  brookletArgs?: string[];
  /** Brooklet's HTTP listener; BENCH_BROOKLET_HTTP decides when unset. */
  http?: 'on' | 'off';
}

/** Kafka's own launch options from kafka-run-class.sh / kafka-server-start.sh. */
export const KAFKA_JVM_OPTS = ['-Xmx1G', '-Xms1G', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true'];

const external = (name: BrokerName) => process.env[name === 'brooklet' ? 'BROOKLET_BOOTSTRAP' : 'KAFKA_BOOTSTRAP'];

export function startBroker(name: BrokerName, opts: BrokerOptions = {}): Promise<BrokerUnderTest> {
  const ext = external(name);
  if (ext) return external_(name, ext);
  return name === 'brooklet' ? startBrooklet(opts) : startKafka(opts);
}

/** An already running broker (compose): wait until it answers, as the containers start together. */
async function external_(name: BrokerName, bootstrap: string): Promise<BrokerUnderTest> {
  const { host, port } = parseHostPort(bootstrap);
  const waited = await waitForApiVersions(host, port, performance.now(), 180_000, () => false, 500);
  if (!Number.isFinite(waited)) throw new Error(`${name} at ${bootstrap} does not answer ApiVersions`);
  return { name, bootstrap, coldStartMs: NaN, close: async () => {} };
}

async function launch(name: BrokerName, dir: string, command: string, args: string[], port: number): Promise<BrokerUnderTest> {
  const logFile = path.join(dir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const [cmd, argv] = pinned('broker', command, args);
  const started = performance.now();
  const child: ChildProcess = spawn(cmd, argv, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const dead = () => child.exitCode !== null || child.signalCode !== null;
  const coldStartMs = await waitForApiVersions('127.0.0.1', port, started, 90_000, dead);
  const close = async () => {
    process.removeListener('exit', killOnExit);
    // Kafka's clean shutdown takes seconds; a Brooklet that has not exited after 5 s is stuck
    // (and would be SIGKILLed by any supervisor), so it does not stall the run longer.
    await stop(child, name === 'kafka' ? 15_000 : 5_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (!Number.isFinite(coldStartMs)) {
    const log = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    await close();
    throw new Error(`${name} did not answer ApiVersions:\n${log}`);
  }
  return { name, bootstrap: `127.0.0.1:${port}`, pid: child.pid, coldStartMs, close };
}

async function startBrooklet(opts: BrokerOptions): Promise<BrokerUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-brooklet-'));
  const port = await freePort();
  return launch('brooklet', dir, process.execPath, [brookletCli, '--port', String(port),
    '--data-dir', path.join(dir, 'data'), '--log-level', 'warn', ...brookletHttpArgs(opts.http), '--schema-registry-port', '0',
    ...(opts.brookletArgs ?? [])], port);
}

/**
 * The HTTP listener (console, /metrics) on a free port, as a user runs it; BENCH_BROOKLET_HTTP=off
 * runs with --no-http instead, to measure what the listener and its per-request metrics cost.
 */
export function brookletHttpArgs(http?: 'on' | 'off'): string[] {
  return (http ?? (process.env.BENCH_BROOKLET_HTTP === 'off' ? 'off' : 'on')) === 'off' ? ['--no-http'] : ['--http-port', '0'];
}

async function startKafka(opts: BrokerOptions): Promise<BrokerUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kafka-'));
  const brokerPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === brokerPort) controllerPort = await freePort();
  const props = path.join(dir, 'server.properties');
  const log4j = path.join(dir, 'log4j2.properties');
  fs.writeFileSync(props, serverProperties({ brokerPort, controllerPort, logDir: path.join(dir, 'data'),
    numPartitions: 1, autoCreateTopics: true, extra: opts.kafkaProps }));
  fs.writeFileSync(log4j, log4j2Properties());
  const jvm = [...KAFKA_JVM_OPTS, `-Dlog4j2.configurationFile=${log4j}`, '-cp', path.join(kafkaJarsDir(), '*')];
  // Formatting the storage is a one-time install step, not part of a start.
  const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', props], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stderr}`);
  return launch('kafka', dir, 'java', [...jvm, 'kafka.Kafka', props], brokerPort);
}

export function hostPort(bootstrap: string): { host: string; port: number } {
  return parseHostPort(bootstrap);
}
