/**
 * The differential suite for transactions: the same kafkajs 2.2.4 transactional workloads against
 * real Apache Kafka and against Brooklet, equal field by field: the log side (high watermark,
 * last stable offset, aborted lists, data and marker offsets; transaction-scenarios.ts) and the
 * coordinator side (commit, abort and sendOffsets read in both isolation levels, a zombie, error
 * codes on the wire; txn-coordinator-scenarios.ts). Without Java or the Kafka jars the file skips
 * with one line; with CI=true it fails.
 */
import { createRequire } from 'node:module';
import { Recorder } from '../matrix/results.js';
import { differentialSuite, type Scenario } from './suite.js';
import { interleavedTransactions, plainWriteDuringTransaction } from './transaction-scenarios.js';
import { coordinatorErrorCodes, kafkajsCommitAbortSendOffsets, kafkajsZombie } from './txn-coordinator-scenarios.js';

const CLIENT = 'kafkajs';

const SCENARIOS: Scenario[] = [
  ['transactions: LSO, aborted lists and markers of interleaved producers', interleavedTransactions],
  ['transactions: plain write of a producer with an open transaction', plainWriteDuringTransaction],
  ['transactions: commit, abort and sendOffsets, read in both isolation levels', kafkajsCommitAbortSendOffsets],
  ['transactions: a zombie producer is fenced', kafkajsZombie],
  ['transactions: coordinator error codes on the wire', coordinatorErrorCodes],
];

const rec = new Recorder('differential-transactions');
rec.version(CLIENT, `kafkajs ${(createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version}`);

differentialSuite('differential: transactions, Kafka vs Brooklet', rec, CLIENT, SCENARIOS);
