/**
 * The two brokers a differential test file compares: real Apache Kafka (startRealKafka: the
 * Maven jars, KAFKA_BOOTSTRAP, or a container with BROOKLET_REAL_KAFKA=docker) and a fresh Brooklet, configured alike (auto-create on or off,
 * one partition by default). Kafka takes seconds to start, so a file starts one pair in beforeAll
 * and every scenario in the file uses its own topic names on it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type StartOptions } from '../../src/index.js';
import { startRealKafka, type RealKafkaOptions } from '../harness/kafka.js';
import { kafkaJarsDir } from '../harness/repo-paths.js';
import { spawnSync } from 'node:child_process';

export type BrokerKind = 'kafka' | 'brooklet';

export interface Side {
  kind: BrokerKind;
  bootstrap: string;
  /** Where the broker keeps its partition directories (for kafka-dump-log); null when unknown. */
  dataDir: string | null;
}

export interface BrokerPair {
  kafka: Side;
  brooklet: Side;
  close(): Promise<void>;
}

/** Why real Kafka cannot run here, or null. With CI=true the caller fails instead of skipping. */
export function realKafkaMissing(): string | null {
  if (process.env.KAFKA_BOOTSTRAP) return null;
  // Kafka in a container needs neither; startRealKafka fails loudly where no engine answers.
  if (process.env.BROOKLET_REAL_KAFKA === 'docker') return null;
  if (spawnSync('java', ['-version']).status !== 0) return 'java is not on PATH (real Kafka needs Java 17+)';
  if (!fs.existsSync(kafkaJarsDir())) return `no Kafka jars in ${kafkaJarsDir()}: run scripts/install-peers.sh`;
  return null;
}

export interface PairOptions {
  autoCreateTopics?: boolean;
  /** More of Kafka's start options: mode 'jars' where a test reads its data dir, server properties. */
  kafka?: Omit<RealKafkaOptions, 'autoCreateTopics'>;
  /** More of Brooklet's start options: the timers a test shortens to match Kafka's properties. */
  brooklet?: Omit<StartOptions, 'port' | 'dataDir' | 'autoCreateTopics'>;
}

export async function startPair(opts: PairOptions = {}): Promise<BrokerPair> {
  const autoCreateTopics = opts.autoCreateTopics ?? true;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-diff-'));
  const [k, b] = await Promise.allSettled([
    startRealKafka({ ...opts.kafka, autoCreateTopics }),
    startBroker({ logLevel: process.env.BROOKLET_TEST_LOG ?? 'warn', ...opts.brooklet, port: 0, dataDir, autoCreateTopics }),
  ]);
  if (k.status === 'rejected' || b.status === 'rejected') {
    // Never leave the one that did start running behind a failed start.
    await Promise.all([k.status === 'fulfilled' && k.value.close(), b.status === 'fulfilled' && b.value.close()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw k.status === 'rejected' ? k.reason : (b as PromiseRejectedResult).reason;
  }
  const kafka = k.value;
  const brooklet = b.value;
  return {
    kafka: { kind: 'kafka', bootstrap: kafka.bootstrap, dataDir: kafka.dataDir },
    brooklet: { kind: 'brooklet', bootstrap: brooklet.bootstrap, dataDir },
    close: async () => {
      await Promise.all([kafka.close(), brooklet.close()]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
