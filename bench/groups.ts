/**
 * Consumer groups, Brooklet and Apache Kafka side by side (issue 3's benchmark), alternating
 * brokers within each repetition so that drift on the machine hits both alike:
 *   (a) first message  a kafkajs consumer (default settings, a fresh group id each time) from
 *                      connect() to its first message, on a 1-partition topic that holds 100
 *                      records; group.initial.rebalance.delay.ms=0 on both brokers (Kafka's own
 *                      default is 3000, which would add 3 s to every first join);
 *   (b) settle         three kafkajs consumers (session 6 s, heartbeat 0.5 s) share a
 *                      6-partition topic; one disconnects (LeaveGroup) and the time runs until
 *                      both others have rejoined the new generation with all six partitions
 *                      assigned between them.
 * Both run as their own processes through bench/lib/brokers.ts, as in side-by-side.ts: Brooklet
 * as node dist/brooklet.cjs, Kafka from the Maven jars with kafka-server-start.sh's JVM options.
 * (The test harness's startRealKafka cannot run from dist/: test/harness/repo-paths.ts finds the
 * repository from its own location, one level too shallow there.) With BROOKLET_BOOTSTRAP /
 * KAFKA_BOOTSTRAP set, running brokers are used. Usage: node dist/bench/groups.js [--reps N]
 * (npm run bench:groups). Writes bench/results/groups.json and bench/results/groups.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startBroker } from './lib/brokers.js';
import { machine } from './lib/machine.js';
import { resultsDir } from './lib/paths.js';
import { step } from './lib/progress.js';
import { summarize, type Summary } from './lib/stats.js';

type Name = 'brooklet' | 'kafka';
interface Target { name: Name; bootstrap: string; close(): Promise<void> }

const { values } = parseArgs({ options: { reps: { type: 'string' } } });
const REPS = Number(values.reps ?? 7);
const FIRST_TOPIC = 'bench-first';
const SETTLE_TOPIC = 'bench-settle';
const SETTLE_PARTITIONS = 6;

function client(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
}

async function prepare(t: Target): Promise<void> {
  const kafka = client(t.bootstrap, 'bench-setup');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [
    { topic: FIRST_TOPIC, numPartitions: 1 },
    { topic: SETTLE_TOPIC, numPartitions: SETTLE_PARTITIONS },
  ] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: FIRST_TOPIC, acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ value: `m${i}` })) });
  await producer.disconnect();
}

/** (a): connect() to the first eachMessage call, with kafkajs's default consumer settings. */
async function firstMessageMs(t: Target, rep: number): Promise<number> {
  const consumer = client(t.bootstrap, `first-${rep}`).consumer({ groupId: `first-${t.name}-${rep}-${Date.now()}` });
  let got: () => void = () => {};
  const first = new Promise<void>((resolve) => { got = resolve; });
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topic: FIRST_TOPIC, fromBeginning: true });
  await consumer.run({ eachMessage: async () => { got(); } });
  await withTimeout(first, 60_000, 'first message');
  const elapsed = performance.now() - started;
  await consumer.disconnect();
  return elapsed;
}

/** (b): a member of three leaves; until the other two hold all partitions in a new generation. */
async function settleMs(t: Target, rep: number): Promise<number> {
  const groupId = `settle-${t.name}-${rep}-${Date.now()}`;
  const joins = new Map<string, { at: number; partitions: number[] }>();
  const consumers: Consumer[] = [];
  for (const name of ['s1', 's2', 's3']) {
    const consumer = client(t.bootstrap, name).consumer({ groupId, sessionTimeout: 6000, rebalanceTimeout: 10000,
      heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      joins.set(name, { at: performance.now(), partitions: e.payload.memberAssignment[SETTLE_TOPIC] ?? [] });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: SETTLE_TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    consumers.push(consumer);
  }
  const owned = (names: string[]) => names.flatMap((n) => joins.get(n)?.partitions ?? []);
  const covers = (names: string[]) => {
    const all = owned(names);
    return all.length === SETTLE_PARTITIONS && new Set(all).size === SETTLE_PARTITIONS;
  };
  await waitUntil(() => covers(['s1', 's2', 's3']) && ['s1', 's2', 's3'].every((n) => (joins.get(n)?.partitions.length ?? 0) > 0),
    60_000, 'three members sharing the partitions');
  await new Promise((r) => setTimeout(r, 1000)); // let the group sit Stable for a moment
  const left = performance.now();
  await consumers[1]!.disconnect(); // s2 leaves
  await waitUntil(() => ['s1', 's3'].every((n) => joins.get(n)!.at > left) && covers(['s1', 's3']), 60_000,
    'the two remaining members to take over');
  const elapsed = Math.max(joins.get('s1')!.at, joins.get('s3')!.at) - left;
  await Promise.all([consumers[0]!.disconnect(), consumers[2]!.disconnect()]);
  return elapsed;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function startTargets(): Promise<Target[]> {
  step('starting Brooklet (node dist/brooklet.cjs) and Kafka (the Maven jars)');
  const brooklet = await startBroker('brooklet', { brookletArgs: ['--group-initial-rebalance-delay-ms', '0'] });
  try {
    const kafka = await startBroker('kafka', { kafkaProps: { 'group.initial.rebalance.delay.ms': '0' } });
    return [{ name: 'brooklet', bootstrap: brooklet.bootstrap, close: () => brooklet.close() },
      { name: 'kafka', bootstrap: kafka.bootstrap, close: () => kafka.close() }];
  } catch (err) {
    await brooklet.close();
    throw err;
  }
}

const fmt = (s: Summary) => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;

async function main(): Promise<void> {
  const targets = await startTargets();
  const samples = { first: { brooklet: [] as number[], kafka: [] as number[] }, settle: { brooklet: [] as number[], kafka: [] as number[] } };
  try {
    for (const t of targets) await prepare(t);
    // A warm-up of each measurement on each broker, not recorded (JIT, connections, topic metadata).
    for (const t of targets) {
      await firstMessageMs(t, -1);
      await settleMs(t, -1);
    }
    for (let rep = 0; rep < REPS; rep++) {
      const order = rep % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        samples.first[t.name].push(await firstMessageMs(t, rep));
        samples.settle[t.name].push(await settleMs(t, rep));
      }
      step(`rep ${rep + 1}/${REPS}: first ${samples.first.brooklet.at(-1)!.toFixed(0)} / ${samples.first.kafka.at(-1)!.toFixed(0)} ms, `
        + `settle ${samples.settle.brooklet.at(-1)!.toFixed(0)} / ${samples.settle.kafka.at(-1)!.toFixed(0)} ms (Brooklet / Kafka)`);
    }
  } finally {
    for (const t of targets) await t.close();
  }
  const cases = [
    { id: 'first-message', title: 'kafkajs consumer: connect() to first message (initial rebalance delay 0)', s: samples.first },
    { id: 'settle-after-leave', title: '3-member kafkajs group: a member leaves, until the other two own all 6 partitions', s: samples.settle },
  ].map((c) => {
    const brooklet = summarize(c.s.brooklet);
    const kafka = summarize(c.s.kafka);
    return { id: c.id, title: c.title, unit: 'ms', brooklet, kafka, ratio: brooklet.median / kafka.median };
  });
  const results = { generatedAt: new Date().toISOString(), reps: REPS, machine: machine(), cases };
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'groups.json'), JSON.stringify(results, null, 2) + '\n');
  const md = [
    '## Consumer groups',
    '',
    `kafkajs clients against each broker, alternating, ${REPS} repetitions after a warm-up; median (min–max). `
      + 'Lower is better. Both brokers with group.initial.rebalance.delay.ms=0 (Kafka\'s default is 3000 ms). '
      + 'Produced by `npm run bench:groups` (bench/groups.ts).',
    '',
    '| Measurement | Brooklet | Kafka | Brooklet / Kafka |',
    '|---|---|---|---|',
    ...cases.map((c) => `| ${c.title} | ${fmt(c.brooklet)} | ${fmt(c.kafka)} | ${c.ratio.toFixed(2)} |`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(resultsDir, 'groups.md'), md);
  process.stdout.write(md);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
