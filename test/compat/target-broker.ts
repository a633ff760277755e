/**
 * The broker a compat test talks to: a fresh Brooklet (startBroker, port 0, temp data dir) by
 * default, or real Apache Kafka when BROOKLET_COMPAT_AGAINST_KAFKA=1 (to prove the peers and
 * the assertions themselves against the reference broker).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../../src/index.js';
import { startRealKafka } from '../harness/kafka.js';

export interface TargetBroker {
  kind: 'brooklet' | 'kafka';
  bootstrap: string;
  close(): Promise<void>;
}

export const againstRealKafka = process.env.BROOKLET_COMPAT_AGAINST_KAFKA === '1';

export async function startTargetBroker(): Promise<TargetBroker> {
  if (againstRealKafka) {
    const kafka = await startRealKafka();
    return { kind: 'kafka', bootstrap: kafka.bootstrap, close: () => kafka.close() };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-compat-'));
  const broker = await startBroker({ port: 0, dataDir, logLevel: 'warn' });
  return {
    kind: 'brooklet',
    bootstrap: broker.bootstrap,
    close: async () => {
      await broker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a topic through kafkajs's admin client (CreateTopics) and waits for its leaders. */
export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'compat-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    if (!created) throw new Error(`topic ${topic} already existed`);
  } finally {
    await admin.disconnect();
  }
}
