/**
 * A broker under test that can be stopped and started again on the same data directory, for the
 * compaction benchmarks (bench/compaction-kafka.ts): Brooklet (`node dist/brooklet.cjs`) or
 * Apache Kafka (`java kafka.Kafka` from the Maven jars, KRaft combined mode, the JVM options of
 * kafka-server-start.sh, storage formatted once before the first start). Both pinned to the
 * broker core like the other benchmarks' brokers (lib/pinning.ts).
 *
 * Each start is timed from spawn to `ready(bootstrap)` resolving true (the caller decides what
 * "ready" means: ApiVersions, or an OffsetFetch that answers). Where each keeps what the
 * benchmarks watch: `partitionDir(topic, p)` (segment files) and `cleanerCheckpoint`, the
 * `cleaner-offset-checkpoint` file both write in the same format when a clean finishes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log4j2Properties, randomClusterId, serverProperties } from '../../test/harness/kafka-config.js';
import { freePort } from '../../test/harness/net.js';
import type { BrokerName } from './brokers.js';
import { KAFKA_JVM_OPTS } from './brokers.js';
import { brookletCli, kafkaJarsDir } from './paths.js';
import { pinned } from './pinning.js';
import { stop } from './proc.js';

/** What both brokers are given, each in its own words. */
export interface CleanerSettings {
  /** log.cleaner.backoff.ms / --log-cleaner-backoff-ms. */
  backoffMs: number;
  /** false: Kafka's log.cleaner.enable=false; Brooklet has no switch, so its backoff becomes 2^31-1 ms (the cleaner never wakes). */
  enabled: boolean;
}

export interface Restartable {
  name: BrokerName;
  bootstrap: string;
  dataDir: string;
  /** The broker's stdout and stderr, appended over every start. */
  logFile: string;
  pid: number | undefined;
  cleanerCheckpoint: string;
  partitionDir(topic: string, partition: number): string;
  /** Starts the process; ms from spawn until `ready` first resolves true. */
  start(cleaner: CleanerSettings, ready: (bootstrap: string) => Promise<boolean>, timeoutMs?: number): Promise<number>;
  /** Clean shutdown (SIGTERM); throws if it had to be killed after the grace period. The data stays. */
  stop(): Promise<void>;
  /** Stops and removes the directory. */
  destroy(): Promise<void>;
}

export async function restartable(name: BrokerName): Promise<Restartable> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-compaction-${name}-`));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, `${name}.log`);
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const jvm = [...KAFKA_JVM_OPTS, `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`, '-cp', path.join(kafkaJarsDir(), '*')];
  if (name === 'kafka') {
    fs.writeFileSync(path.join(dir, 'log4j2.properties'), log4j2Properties());
    writeKafkaProps(dir, port, controllerPort, dataDir, { backoffMs: 50, enabled: true });
    const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', path.join(dir, 'server.properties')], { encoding: 'utf8' });
    if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stderr}`);
  }
  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  const broker: Restartable = {
    name, bootstrap: `127.0.0.1:${port}`, dataDir, logFile, pid: undefined,
    cleanerCheckpoint: path.join(dataDir, 'cleaner-offset-checkpoint'),
    partitionDir: (topic, partition) => path.join(dataDir, `${topic}-${partition}`),
    async start(cleaner, ready, timeoutMs = 180_000) {
      if (child) throw new Error(`${name} is already running`);
      let command: string;
      let args: string[];
      if (name === 'kafka') {
        writeKafkaProps(dir, port, controllerPort, dataDir, cleaner);
        [command, args] = ['java', [...jvm, 'kafka.Kafka', path.join(dir, 'server.properties')]];
      } else {
        const backoff = cleaner.enabled ? cleaner.backoffMs : 2 ** 31 - 1;
        [command, args] = [process.execPath, [brookletCli, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn',
          '--no-http', '--no-schema-registry', '--log-cleaner-backoff-ms', String(backoff), '--log-retention-ms=-1']];
      }
      const out = fs.openSync(logFile, 'a');
      const [cmd, argv] = pinned('broker', command, args);
      const started = performance.now();
      const proc = spawn(cmd, argv, { stdio: ['ignore', out, out] });
      fs.closeSync(out);
      child = proc;
      broker.pid = proc.pid;
      process.once('exit', killOnExit);
      while (performance.now() - started < timeoutMs) {
        if (proc.exitCode !== null || proc.signalCode !== null) break;
        if (await ready(broker.bootstrap).catch(() => false)) return performance.now() - started;
        await new Promise((r) => setTimeout(r, 5));
      }
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      await broker.stop();
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${tail}`);
    },
    async stop() {
      if (!child) return;
      const stopping = child;
      process.removeListener('exit', killOnExit);
      await stop(stopping, name === 'kafka' ? 60_000 : 10_000);
      child = null;
      broker.pid = undefined;
      // A broker killed after the grace period leaves an unclean log: the next start would time a recovery.
      if (stopping.signalCode === 'SIGKILL') throw new Error(`${name} did not shut down cleanly within the grace period; it was killed`);
    },
    async destroy() {
      try {
        await broker.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return broker;
}

function writeKafkaProps(dir: string, brokerPort: number, controllerPort: number, logDir: string, cleaner: CleanerSettings): void {
  fs.writeFileSync(path.join(dir, 'server.properties'), serverProperties({
    brokerPort, controllerPort, logDir, numPartitions: 1, autoCreateTopics: false,
    extra: { 'log.cleaner.enable': String(cleaner.enabled), 'log.cleaner.backoff.ms': String(cleaner.backoffMs), 'log.retention.ms': '-1' },
  }));
}
