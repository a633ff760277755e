/**
 * Transactions, Brooklet and Apache Kafka side by side (issue 13's benchmark), alternating
 * brokers within each repetition so that drift on the machine hits both alike:
 *   (a) transactional produce  Kafka's ProducerPerformance with --transactional-id and
 *       --transaction-duration-ms (a commit every that many ms: AddPartitionsToTxn, the
 *       batches, EndTxn and a marker per partition), 1 KiB records, 1 and 8 partitions; beside
 *       it the same tool without a transaction (idempotent, acks=all) on the same broker, so
 *       the cost of transactions shows on each broker as well as between them;
 *   (b) read_committed fetches  a backlog written by (a)'s transactional producer (a marker
 *       every few hundred records), read from offset 0 by the bare protocol client
 *       (catchup-raw.ts, 1 MiB fetches, one in flight) with isolation_level 0 and 1: the
 *       broker's own cost of serving below the LSO with the aborted-transaction lookup.
 * Both brokers run as their own processes (bench/lib/brokers.ts). Usage:
 *   node dist/bench/transactions.js [--reps N] [--records N] [--duration-ms MS]
 * Writes bench/results/transactions.json and bench/results/transactions.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { alternate, type Pair } from './lib/alternate.js';
import { createTopic, deleteTopic, runTopic } from './lib/admin.js';
import { startBroker } from './lib/brokers.js';
import { producerPerformance, MIB } from './lib/java-tools.js';
import { machine } from './lib/machine.js';
import { resultsDir } from './lib/paths.js';
import { step } from './lib/progress.js';
import { bareCatchUp } from './lib/raw-tools.js';
import type { CaseResult } from './lib/types.js';

const { values } = parseArgs({ options: { reps: { type: 'string' }, records: { type: 'string' }, 'duration-ms': { type: 'string' } } });
const REPS = Number(values.reps ?? 3);
const RECORDS = Number(values.records ?? 300_000);
const DURATION_MS = Number(values['duration-ms'] ?? 100);
const RECORD_SIZE = 1024;
const BACKLOG_RECORDS = RECORDS;

async function produceCases(pair: Pair): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const partitions of [1, 8]) {
    for (const transactional of [true, false]) {
      const name = `${partitions} partition${partitions > 1 ? 's' : ''}, ${transactional ? `transactional, a commit every ${DURATION_MS} ms` : 'idempotent, no transaction'}`;
      out.push(await alternate(pair, REPS, { workload: 'txn-produce', case: name, metric: 'ProducerPerformance throughput', unit: 'MiB/s', higherIsBetter: true },
        async (broker, rep) => {
          const topic = runTopic(`txn-produce-p${partitions}-${transactional ? 'tx' : 'plain'}-${rep}`);
          await createTopic(broker.bootstrap, topic, partitions);
          const toolArgs = transactional ? ['--transactional-id', `${topic}-${broker.name}`, '--transaction-duration-ms', String(DURATION_MS)] : [];
          const { mibPerSec } = await producerPerformance(broker.bootstrap, topic, RECORDS, RECORD_SIZE, { acks: 'all' }, 600_000, toolArgs);
          await deleteTopic(broker.bootstrap, topic);
          return mibPerSec;
        }));
    }
  }
  return out;
}

async function readCommittedCases(pair: Pair): Promise<CaseResult[]> {
  const topic = runTopic('txn-backlog');
  for (const broker of [pair.brooklet, pair.kafka]) {
    step(`  read_committed: writing a transactional backlog (${BACKLOG_RECORDS} records) to ${broker.name}`);
    await createTopic(broker.bootstrap, topic, 1);
    await producerPerformance(broker.bootstrap, topic, BACKLOG_RECORDS, RECORD_SIZE, { acks: 'all' }, 1_800_000,
      ['--transactional-id', `${topic}-${broker.name}`, '--transaction-duration-ms', String(DURATION_MS)]);
  }
  const out: CaseResult[] = [];
  for (const isolation of [0, 1]) {
    const label = `${Math.round((BACKLOG_RECORDS * RECORD_SIZE) / MIB)} MiB transactional backlog, bare client, 1 MiB fetches, ${isolation ? 'read_committed' : 'read_uncommitted'}`;
    out.push(await alternate(pair, REPS, { workload: 'txn-fetch', case: label, metric: 'bytes served per second', unit: 'MiB/s', higherIsBetter: true },
      async (broker) => (await bareCatchUp(broker.bootstrap, topic, 1, isolation)).MiBps));
  }
  return out;
}

function markdown(results: CaseResult[], seconds: number): string {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const rows = results.map((r) => `| ${r.workload} | ${r.case} | ${fmt(r.brooklet.median)} (${fmt(r.brooklet.min)}-${fmt(r.brooklet.max)}) | ${fmt(r.kafka.median)} (${fmt(r.kafka.min)}-${fmt(r.kafka.max)}) | ${r.ratio.toFixed(2)}x |`);
  return [`Transactions side by side (${REPS} repetitions per broker, ${RECORDS} records of ${RECORD_SIZE} B, ${Math.round(seconds)} s in all).`, '',
    '| workload | case | Brooklet MiB/s median (min-max) | Kafka MiB/s median (min-max) | Brooklet / Kafka |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  step(`transactions side by side: ${REPS} reps, ${RECORDS} records, a commit every ${DURATION_MS} ms`);
  // The registry's fixed default port may be taken on a shared machine; it plays no part here.
  const pair: Pair = { brooklet: await startBroker('brooklet', { brookletArgs: ['--no-schema-registry'] }), kafka: await startBroker('kafka') };
  const results: CaseResult[] = [];
  try {
    results.push(...(await produceCases(pair)));
    results.push(...(await readCommittedCases(pair)));
  } finally {
    await pair.brooklet.close();
    await pair.kafka.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const command = `node dist/bench/transactions.js --reps ${REPS} --records ${RECORDS} --duration-ms ${DURATION_MS}`;
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'transactions.json'), JSON.stringify({ date: new Date().toISOString(), command, durationSeconds: seconds, machine: machine(), results }, null, 2) + '\n');
  fs.writeFileSync(path.join(resultsDir, 'transactions.md'), `${markdown(results, seconds)}\nCommand: \`${command}\`\n`);
  step(`done in ${seconds.toFixed(0)} s`);
  console.log(markdown(results, seconds));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
