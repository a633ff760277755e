/**
 * Kafka Streams (kafka-streams 4.1.1 from Maven Central, test/compat/streams) word count against
 * Brooklet, through three rounds: each round starts the app on a fresh state directory (so it
 * must restore its counts from the changelog topic), feeds it more lines and waits for the exact
 * cumulative counts on the output topic. Then: the repartition topic was purged (Streams'
 * DeleteRecords moved its log start offset), and the changelog (cleanup.policy=compact, small
 * segments set as a dynamic broker default) was compacted by the cleaner: fewer records than
 * updates, the last per key equal to the final counts.
 * Needs the peer (scripts/install-peers.sh): skips without it, fails without it when CI=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { repoRoot } from '../harness/repo-paths.js';
import { KafkajsFetcher, type FetchedMessage } from '../helpers/kafkajs-fetch.js';
import { kafkaFor, waitFor } from '../integration/groups-helpers.js';

const TARGET = path.join(repoRoot, 'test/compat/streams/target');
const missing = fs.existsSync(path.join(TARGET, 'classpath.txt')) && fs.existsSync(path.join(TARGET, 'classes/dev/brooklet/streams/WordCount.class'))
  ? null : 'the Streams peer is not built: run scripts/install-peers.sh';
if (missing && process.env.CI === 'true') throw new Error(missing);
if (missing) console.warn(`skipping the Kafka Streams test: ${missing}`);

const APP = 'wc';
const INPUT = 'wc-lines';
const OUTPUT = 'wc-counts';
const REPARTITION = `${APP}-words-repartition`;
const CHANGELOG = `${APP}-counts-changelog`;
const ROUNDS = [
  ['the quick brown fox', 'jumps over the lazy dog', 'the dog sleeps'],
  ['a quick dog and a quick fox', 'the end'],
  ['fox fox fox', 'the the dog', 'brown dog'],
];

describe.skipIf(missing !== null)('Kafka Streams word count against Brooklet', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let app: ChildProcess | null = null;
  const dirs: string[] = [];

  beforeAll(async () => {
    broker = await startTestBroker({ logCleanerBackoffMs: 200, autoCreateTopics: false });
    const client = await RawClient.connect(broker.bootstrap);
    for (const name of [INPUT, OUTPUT]) {
      await client.request(19, 7, { topics: [{ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    }
    // Small segments and an eager cleaner for the topics Streams creates, as broker defaults.
    const set = await client.request(44, 1, { validateOnly: false, resources: [{ resourceType: 4, resourceName: '', configs: [
      { name: 'log.segment.bytes', configOperation: 0, value: '256' }, { name: 'log.cleaner.min.cleanable.ratio', configOperation: 0, value: '0.01' }] }] });
    expect(set.body.responses[0].errorCode).toBe(0);
    client.close();
  });
  afterAll(async () => {
    await stopApp();
    await broker?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function startApp(): Promise<void> {
    const stateDir = tempDataDir('brooklet-streams-');
    dirs.push(stateDir);
    const cp = `${path.join(TARGET, 'classes')}${path.delimiter}${fs.readFileSync(path.join(TARGET, 'classpath.txt'), 'utf8').trim()}`;
    const child = spawn('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', cp,
      'dev.brooklet.streams.WordCount', broker.bootstrap, APP, stateDir, INPUT, OUTPUT], { stdio: ['pipe', 'pipe', 'pipe'] });
    app = child;
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000); });
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === 'RUNNING') resolve();
        if (line === 'ERROR') reject(new Error(`the Streams app failed:\n${stderr}`));
      });
      child.once('exit', (code) => reject(new Error(`the Streams app exited ${code}:\n${stderr}`)));
    });
  }

  async function stopApp(): Promise<void> {
    const child = app;
    app = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.stdin!.end(); // WordCount closes the app cleanly at EOF
    await exited;
  }

  /** Every record of a topic, each partition read to its high watermark (offsets may have gaps once compacted). */
  async function readAll(topic: string, partitions: number): Promise<FetchedMessage[]> {
    const fetcher = new KafkajsFetcher(broker.bootstrap);
    await fetcher.connect(topic);
    try {
      const out: FetchedMessage[] = [];
      for (let p = 0; p < partitions; p++) out.push(...await fetcher.readAll(topic, p));
      return out;
    } finally {
      await fetcher.disconnect();
    }
  }

  /** The repartition topic's log start per partition (ListOffsets earliest). */
  async function repartitionLogStarts(): Promise<number[]> {
    const client = await RawClient.connect(broker.bootstrap);
    try {
      const starts = await client.request(2, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: REPARTITION,
        partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: -2 })) }] });
      return starts.body.topics[0].partitions.map((p: any) => Number(p.offset));
    } finally {
      client.close();
    }
  }

  function expectedCounts(rounds: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const line of ROUNDS.slice(0, rounds).flat()) for (const w of line.split(' ')) counts[w] = (counts[w] ?? 0) + 1;
    return counts;
  }

  it('counts exactly through three restarts, purges its repartition topic and its changelog is compacted', async () => {
    const kafka = kafkaFor(broker.bootstrap, 'wc-feeder');
    const producer = kafka.producer();
    await producer.connect();
    const counts: Record<string, number> = {};
    const output = kafka.consumer({ groupId: 'wc-output', sessionTimeout: 6000 });
    await output.connect();
    await output.subscribe({ topic: OUTPUT, fromBeginning: true });
    await output.run({ eachMessage: async ({ message }) => { counts[String(message.key)] = Number(message.value!.readBigInt64BE()); } });

    for (let round = 1; round <= ROUNDS.length; round++) {
      await startApp();
      await producer.send({ topic: INPUT, messages: ROUNDS[round - 1]!.map((value, i) => ({ key: `r${round}-${i}`, value })) });
      const expected = expectedCounts(round);
      await waitFor(`round ${round}'s counts ${JSON.stringify(expected)} (have ${JSON.stringify(counts)})`,
        () => JSON.stringify(Object.entries(counts).sort()) === JSON.stringify(Object.entries(expected).sort()), 60_000);
      // Streams purges a repartition topic (DeleteRecords) once per purge interval after a commit
      // moved its offsets; a short round may end before one, so the last round waits for it.
      if (round === ROUNDS.length) {
        await waitFor('the repartition topic purged', async () => (await repartitionLogStarts()).some((o) => o > 0), 60_000);
      }
      await stopApp();
    }
    await output.disconnect();
    await producer.disconnect();

    const client = await RawClient.connect(broker.bootstrap);
    expect((await repartitionLogStarts()).some((o: number) => o > 0)).toBe(true);

    const policy = await client.request(32, 4, { includeSynonyms: false, includeDocumentation: false,
      resources: [{ resourceType: 2, resourceName: CHANGELOG, configurationKeys: ['cleanup.policy', 'segment.bytes'] }] });
    expect(policy.body.results[0].configs.map((c: any) => [c.name, c.value])).toEqual([['cleanup.policy', 'compact'], ['segment.bytes', '256']]);
    client.close();

    const updates = ROUNDS.flat().join(' ').split(' ').length;
    const final = expectedCounts(ROUNDS.length);
    let changelog: FetchedMessage[] = [];
    await waitFor('the changelog compacted', async () => {
      changelog = await readAll(CHANGELOG, 2);
      return changelog.length < updates;
    }, 60_000);
    const last: Record<string, number> = {};
    for (const r of changelog) last[String(r.key)] = Number(r.value!.readBigInt64BE());
    expect(last).toEqual(final);
  }, 300_000);
});
