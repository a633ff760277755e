/**
 * The differential suite for the transaction coordinator: kafkajs 2.2.4 transactions (commit,
 * abort, sendOffsets, both isolation levels), a zombie producer and the coordinator's error codes
 * on the wire, against real Apache Kafka and against Brooklet, equal field by field
 * (txn-coordinator-scenarios.ts). Without Java or the Kafka jars the file skips with one line;
 * with CI=true it fails.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Recorder } from '../matrix/results.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from './brokers.js';
import { differential } from './compare.js';
import { coordinatorErrorCodes, kafkajsCommitAbortSendOffsets, kafkajsZombie } from './txn-coordinator-scenarios.js';

const CLIENT = 'kafkajs';
const missing = realKafkaMissing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping the transaction coordinator differential suite: ${missing}`);

const SCENARIOS: [string, (side: Side) => Promise<unknown>][] = [
  ['transactions: commit, abort and sendOffsets, read in both isolation levels', kafkajsCommitAbortSendOffsets],
  ['transactions: a zombie producer is fenced', kafkajsZombie],
  ['transactions: coordinator error codes on the wire', coordinatorErrorCodes],
];

const rec = new Recorder('differential-transaction-coordinator');
rec.version(CLIENT, `kafkajs ${(createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version}`);

describe.skipIf(missing !== null && !mustRun)('differential: transaction coordinator, Kafka vs Brooklet', () => {
  let pair: BrokerPair | undefined;
  beforeAll(async () => {
    if (missing) throw new Error(`real Kafka is required when CI=true: ${missing}`);
    pair = await startPair();
  }, 180_000);
  afterAll(async () => {
    await pair?.close();
    rec.flush();
  }, 60_000);

  for (const [name, scenario] of SCENARIOS) {
    it(name, () => differential(rec, CLIENT, name, pair!, scenario), 120_000);
  }
});

if (missing !== null && !mustRun) {
  rec.skipped(CLIENT, SCENARIOS.map(([n]) => n), missing);
  rec.flush();
}
