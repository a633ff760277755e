/**
 * @confluentinc/kafka-javascript (librdkafka for Node) against a broker, through its
 * KafkaJS-compatible API. It is not a root dependency: scripts/install-peers.sh builds it from
 * source into test/compat/confluent-js/ (minutes of C compile that `npm ci` must not pay), so it
 * is loaded from there with createRequire and described by the few types used below.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Side } from '../differential/brokers.js';
import { repoRoot } from '../harness/repo-paths.js';

const PEER_DIR = path.join(repoRoot, 'test', 'compat', 'confluent-js');
const PKG_DIR = path.join(PEER_DIR, 'node_modules', '@confluentinc', 'kafka-javascript');
const ADDON = path.join(PKG_DIR, 'build', 'Release', 'confluent-kafka-javascript.node');

export const CONFLUENT_JS_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
type Codec = (typeof CONFLUENT_JS_CODECS)[number];

const TS = 1_700_000_000_000;
const COUNT = 20;

interface Message { partition: number; message: { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined> } }
interface Client { connect(): Promise<void>; disconnect(): Promise<void> }
interface Producer extends Client {
  send(r: { topic: string; messages: { key: string; value: string; partition: number; timestamp: string; headers: Record<string, string> }[] }):
    Promise<{ partition: number; baseOffset?: string; offset?: string; errorCode: number }[]>;
}
interface Consumer extends Client {
  subscribe(s: { topics: string[] }): Promise<void>;
  run(c: { eachMessage: (m: Message) => Promise<void> }): Promise<void>;
}
interface Admin extends Client {
  createTopics(o: { topics: { topic: string; numPartitions: number }[] }): Promise<boolean>;
  deleteTopics(o: { topics: string[] }): Promise<void>;
  listTopics(): Promise<string[]>;
  fetchTopicMetadata(o: { topics: string[] }): Promise<{ name: string; partitions: { partitionId: number; leader: number; replicas: number[]; isr: number[] }[] }[]>;
}
interface Kafka { producer(c: object): Producer; consumer(c: object): Consumer; admin(c?: object): Admin }
interface Module { librdkafkaVersion: string; KafkaJS: { Kafka: new (c: object) => Kafka; logLevel: { NOTHING: number } } }

/** Why the peer cannot run here, or null when it is built. */
export function confluentJsMissing(): string | null {
  if (!fs.existsSync(ADDON)) return 'not built in test/compat/confluent-js: run scripts/install-peers.sh (builds librdkafka from source)';
  return null;
}

export function confluentJsVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')) as { version: string };
  return `@confluentinc/kafka-javascript ${pkg.version} (librdkafka ${load().librdkafkaVersion}, built from source)`;
}

let loaded: Module | undefined;
function load(): Module {
  loaded ??= createRequire(path.join(PEER_DIR, 'package.json'))('@confluentinc/kafka-javascript') as Module;
  return loaded;
}

function kafka(side: Side): Kafka {
  const { KafkaJS } = load();
  // librdkafka reconnects forever by default; its log lines would only bury vitest's output.
  return new KafkaJS.Kafka({ kafkaJS: { brokers: [side.bootstrap], clientId: 'matrix-confluent-js', logLevel: KafkaJS.logLevel.NOTHING } });
}

async function withClient<C extends Client, T>(client: C, use: (c: C) => Promise<T>): Promise<T> {
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.disconnect();
  }
}

/** Produces COUNT keyed records with headers over two partitions with a codec, reads them back in a group. */
export function confluentJsRoundTrip(codec: Codec) {
  return async (side: Side) => {
    const k = kafka(side);
    const topic = `cjs-${codec}`;
    await withClient(k.admin(), (a) => a.createTopics({ topics: [{ topic, numPartitions: 2 }] }));
    // Compression and acks are per producer in this API, not per send.
    const acked = await withClient(k.producer({ kafkaJS: { acks: -1, compression: codec, allowAutoTopicCreation: false } }), (p) =>
      p.send({ topic, messages: Array.from({ length: COUNT }, (_, i) => ({
        key: `k${i}`, value: `v${i}-${'z'.repeat(i * 13)}`, partition: i % 2, timestamp: String(TS + i), headers: { idx: String(i), codec } })) }));
    const seen: string[] = [];
    const consumer = k.consumer({ kafkaJS: { groupId: `cjs-group-${codec}`, fromBeginning: true, sessionTimeout: 10_000 } });
    await withClient(consumer, async (c) => {
      await c.subscribe({ topics: [topic] });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${COUNT} records arrived`)), 30_000);
        c.run({ eachMessage: async ({ partition, message: m }) => {
          seen.push(`${partition}@${m.offset} ${m.key?.toString()}=${m.value?.toString().split('-')[0]}/${m.value?.length}B ts=${Number(m.timestamp) - TS} `
            + `headers=${JSON.stringify(Object.entries(m.headers ?? {}).map(([h, v]) => `${h}:${String(v)}`))}`);
          if (seen.length === COUNT) {
            clearTimeout(timer);
            resolve();
          }
        } }).catch(reject);
      });
    });
    return {
      // One entry per partition batch, carrying its base offset (KafkaJS's shape).
      acked: acked.map((r) => `${r.partition}@${r.baseOffset ?? r.offset} err=${r.errorCode}`).sort(),
      seen: seen.sort(),
    };
  };
}

/** Creates two topics (and one again, which this API reports as false), lists, deletes one. */
export async function confluentJsAdmin(side: Side) {
  return withClient(kafka(side).admin(), async (a) => {
    const created = await a.createTopics({ topics: [{ topic: 'cjs-admin-keep', numPartitions: 3 }, { topic: 'cjs-admin-doomed', numPartitions: 1 }] });
    const again = await a.createTopics({ topics: [{ topic: 'cjs-admin-keep', numPartitions: 3 }] });
    const listed = (await a.listTopics()).filter((t) => t.startsWith('cjs-admin-')).sort();
    const metadata = (await a.fetchTopicMetadata({ topics: ['cjs-admin-keep'] })).map((t) => ({
      name: t.name, partitions: t.partitions.map((p) => ({ id: p.partitionId, replicas: p.replicas.length, isr: p.isr.length }))
        .sort((x, y) => x.id - y.id) }));
    await a.deleteTopics({ topics: ['cjs-admin-doomed'] });
    // Deletion reaches the metadata a moment later on Kafka: wait for it, bounded.
    let after: string[] = [];
    for (let i = 0; i < 50; i++) {
      after = (await a.listTopics()).filter((t) => t.startsWith('cjs-admin-')).sort();
      if (!after.includes('cjs-admin-doomed')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { created, again, listed, metadata, after };
  });
}
