/**
 * Kafka Streams (kafka-streams 4.1.1, test/compat/streams) word count with
 * processing.guarantee=exactly_once_v2 against Brooklet: every task's reads, state changes and
 * writes are one transaction (its input offsets sent with TxnOffsetCommit). The broker (the
 * compiled CLI, a child process on a fixed port) is killed with SIGKILL while the app is
 * counting and started again on the same data directory; later the app itself is restarted on a
 * fresh state directory, restoring its counts from the changelog. A read_committed consumer of
 * the output must see every word's count reach exactly its true total and never go past it:
 * nothing processed twice, nothing lost.
 * Needs the Streams peer (scripts/install-peers.sh): skips without it, fails without it when CI=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort } from '../harness/net.js';
import { repoRoot } from '../harness/repo-paths.js';
import { spawnBroker } from '../faults/crash-harness.js';

const TARGET = path.join(repoRoot, 'test/compat/streams/target');
const missing = fs.existsSync(path.join(TARGET, 'classpath.txt')) && fs.existsSync(path.join(TARGET, 'classes/dev/brooklet/streams/WordCount.class'))
  ? null : 'the Streams peer is not built: run scripts/install-peers.sh';
if (missing && process.env.CI === 'true') throw new Error(missing);
if (missing) console.warn(`skipping the Kafka Streams exactly-once test: ${missing}`);

const INPUT = 'eos-lines';
const OUTPUT = 'eos-counts';
const ROUNDS = [
  ['the quick brown fox', 'jumps over the lazy dog', 'the dog sleeps'],
  ['a quick dog and a quick fox', 'the end', 'fox and dog'],
  ['fox fox fox', 'the the dog', 'brown dog'],
  ['lazy lazy fox', 'the quick end'],
];

type Child = Awaited<ReturnType<typeof spawnBroker>>;

describe.skipIf(missing !== null)('Kafka Streams exactly_once_v2 against Brooklet', () => {
  const dirs: string[] = [];
  let broker: Child | null = null;
  let app: ChildProcess | null = null;
  afterAll(async () => {
    app?.kill('SIGKILL');
    if (broker) {
      broker.child.kill('SIGKILL');
      await broker.exited;
    }
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function startBroker(dataDir: string, port: number): Promise<Child> {
    // A fixed Kafka port: the HTTP and registry listeners would then want theirs too; not needed here.
    const saved = { http: process.env.BROOKLET_HTTP, registry: process.env.BROOKLET_SCHEMA_REGISTRY };
    process.env.BROOKLET_HTTP = 'false';
    process.env.BROOKLET_SCHEMA_REGISTRY = 'false';
    try {
      return await spawnBroker(dataDir, 'never', 1024 * 1024, undefined, port);
    } finally {
      for (const [k, v] of [['BROOKLET_HTTP', saved.http], ['BROOKLET_SCHEMA_REGISTRY', saved.registry]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  async function startApp(bootstrap: string): Promise<ChildProcess> {
    const stateDir = tempDataDir('brooklet-streams-eos-');
    dirs.push(stateDir);
    const cp = `${path.join(TARGET, 'classes')}${path.delimiter}${fs.readFileSync(path.join(TARGET, 'classpath.txt'), 'utf8').trim()}`;
    const child = spawn('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', cp,
      'dev.brooklet.streams.WordCount', bootstrap, 'wc-eos', stateDir, INPUT, OUTPUT, 'exactly_once_v2'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000); });
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === 'RUNNING') resolve();
        if (line === 'ERROR') reject(new Error(`the Streams app failed:\n${stderr}`));
      });
      child.once('exit', (code) => reject(new Error(`the Streams app exited ${code}:\n${stderr}`)));
    });
    return child;
  }

  async function stopApp(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.stdin!.end();
    await exited;
  }

  it('counts exactly through a kill -9 of the broker mid-run and a restart of the app', async () => {
    const dataDir = tempDataDir('brooklet-eos-broker-');
    dirs.push(dataDir);
    const port = await freePort();
    broker = await startBroker(dataDir, port);
    const bootstrap = broker.bootstrap;
    const client = await RawClient.connect(bootstrap);
    for (const name of [INPUT, OUTPUT]) {
      await client.request(19, 7, { topics: [{ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    }
    client.close();

    const kafka = new Kafka({ clientId: 'eos-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 } });
    const counts: Record<string, number> = {};
    const highest: Record<string, number> = {};
    const output = kafka.consumer({ groupId: 'eos-output', readUncommitted: false, sessionTimeout: 10_000, maxWaitTimeInMs: 200 });
    await output.connect();
    await output.subscribe({ topic: OUTPUT, fromBeginning: true });
    await output.run({ eachMessage: async ({ message }) => {
      const word = String(message.key);
      const n = Number(message.value!.readBigInt64BE());
      counts[word] = n;
      highest[word] = Math.max(highest[word] ?? 0, n);
    } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const feed = (round: number) => producer.send({ topic: INPUT, acks: -1, messages: ROUNDS[round]!.map((value, i) => ({ key: `r${round}-${i}`, value })) });
    const expected = (rounds: number) => {
      const c: Record<string, number> = {};
      for (const line of ROUNDS.slice(0, rounds).flat()) for (const w of line.split(' ')) c[w] = (c[w] ?? 0) + 1;
      return c;
    };
    const reached = async (rounds: number) => {
      const want = JSON.stringify(Object.entries(expected(rounds)).sort());
      const deadline = Date.now() + 120_000;
      while (JSON.stringify(Object.entries(counts).sort()) !== want) {
        if (Date.now() > deadline) throw new Error(`counts ${JSON.stringify(counts)} never reached ${want}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    app = await startApp(bootstrap);
    await feed(0);
    await reached(1);

    // Round 2 goes in, and the broker is killed while the app is processing it.
    await feed(1);
    await new Promise((r) => setTimeout(r, 150));
    broker.child.kill('SIGKILL');
    await broker.exited;
    broker = await startBroker(dataDir, port);
    await feed(2);
    await reached(3);

    // The app restarts on a fresh state directory: its counts come back from the changelog.
    await stopApp(app);
    app = await startApp(bootstrap);
    await feed(3);
    await reached(4);
    await stopApp(app);
    app = null;

    expect(highest).toEqual(expected(4)); // no count ever went past the truth: nothing counted twice
    // The app did run in transactions: its producers' ids are known to the coordinator.
    const lister = await RawClient.connect(bootstrap);
    const listed = await lister.request(66, 0, { stateFilters: [], producerIdFilters: [] });
    lister.close();
    const ids = listed.body.transactionStates.map((t: { transactionalId: string }) => t.transactionalId);
    expect(ids.some((id: string) => id.startsWith('wc-eos-'))).toBe(true);
    await producer.disconnect();
    await output.disconnect();
  }, 400_000);
});
