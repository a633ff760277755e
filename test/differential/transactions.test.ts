/**
 * The differential suite for transactions: the same kafkajs 2.2.4 transactional workloads against
 * real Apache Kafka and against Brooklet, equal field by field: the log side (high watermark,
 * last stable offset, aborted lists, data and marker offsets; transaction-scenarios.ts) and the
 * coordinator side (commit, abort and sendOffsets read in both isolation levels, a zombie, error
 * codes on the wire; txn-coordinator-scenarios.ts). Without Java or the Kafka jars the file skips
 * with one line; with CI=true it fails.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Recorder } from '../matrix/results.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from './brokers.js';
import { differential } from './compare.js';
import { interleavedTransactions, plainWriteDuringTransaction } from './transaction-scenarios.js';
import { coordinatorErrorCodes, kafkajsCommitAbortSendOffsets, kafkajsZombie } from './txn-coordinator-scenarios.js';

const CLIENT = 'kafkajs';
const missing = realKafkaMissing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping the transactions differential suite: ${missing}`);

const SCENARIOS: [string, (side: Side) => Promise<unknown>][] = [
  ['transactions: LSO, aborted lists and markers of interleaved producers', interleavedTransactions],
  ['transactions: plain write of a producer with an open transaction', plainWriteDuringTransaction],
  ['transactions: commit, abort and sendOffsets, read in both isolation levels', kafkajsCommitAbortSendOffsets],
  ['transactions: a zombie producer is fenced', kafkajsZombie],
  ['transactions: coordinator error codes on the wire', coordinatorErrorCodes],
];

const rec = new Recorder('differential-transactions');
rec.version(CLIENT, `kafkajs ${(createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version}`);

describe.skipIf(missing !== null && !mustRun)('differential: transactions, Kafka vs Brooklet', () => {
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
