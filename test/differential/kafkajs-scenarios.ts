/**
 * The differential scenarios driven through kafkajs 2.2.4 (plus the bare protocol where kafkajs
 * hides a field). Each takes a broker and returns what it observed, free of instance ids; every
 * topic name is fixed, so both brokers see byte-identical requests. Timestamps are set by the
 * producer (BASE_TS + n) so they compare exactly.
 */
import crypto from 'node:crypto';
import { CompressionTypes, Kafka, logLevel, type Admin, type IHeaders, type Message } from 'kafkajs';
import { KafkajsFetcher, type FetchedMessage } from '../helpers/kafkajs-fetch.js';
import type { Side } from './brokers.js';
import { batch, fetchRaw, listOffsetRaw, plain, produceRaw, rawRequest } from './raw.js';

export const BASE_TS = 1_700_000_000_000;

export function kafkajs(side: Side, retries = 5): Kafka {
  return new Kafka({ clientId: 'brooklet-diff', brokers: [side.bootstrap], logLevel: logLevel.NOTHING,
    retry: { retries, initialRetryTime: 100 }, connectionTimeout: 10_000 });
}

export async function withAdmin<T>(side: Side, body: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkajs(side).admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(side: Side, topic: string, numPartitions: number,
  configEntries: { name: string; value: string }[] = []): Promise<void> {
  await withAdmin(side, (a) => a.createTopics({ topics: [{ topic, numPartitions, configEntries }], waitForLeaders: true }));
}

/** Produces, then reads every partition back with kafkajs's own Fetch and decoder. */
async function roundTrip(side: Side, topic: string, partitions: number, sends: Message[][],
  compression = CompressionTypes.None, idempotent = false) {
  await createTopic(side, topic, partitions);
  const producer = kafkajs(side).producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined });
  await producer.connect();
  const acks = [];
  try {
    for (const messages of sends) {
      const meta = await producer.send({ topic, messages, compression, acks: -1 });
      // Kafka orders a Produce answer's partitions by hash; only the set is meaningful.
      acks.push(meta.map((m) => ({ partition: m.partition, errorCode: m.errorCode, baseOffset: m.baseOffset }))
        .sort((a, b) => a.partition - b.partition));
    }
  } finally {
    await producer.disconnect();
  }
  const fetcher = new KafkajsFetcher(side.bootstrap);
  await fetcher.connect(topic);
  const read: Record<number, ReturnType<typeof messageView>[]> = {};
  try {
    for (let p = 0; p < partitions; p++) read[p] = (await fetcher.readAll(topic, p)).map(messageView);
  } finally {
    await fetcher.disconnect();
  }
  return { acks, read };
}

function messageView(m: FetchedMessage) {
  const text = (b: Buffer | null) => (b === null ? null : b.length > 64 ? `${b.length} bytes sha256 ${sha(b)}` : b.toString('utf8'));
  const headers: [string, string | null][] = [];
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) headers.push([k, one === undefined ? null : text(one as Buffer)]);
  }
  return { offset: m.offset, timestamp: m.timestamp, key: text(m.key), value: text(m.value), headers };
}

function sha(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex').slice(0, 16);
}

function plannedMessages(from: number, count: number, partitions: number): Message[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const headers: IHeaders = i % 3 === 0 ? {} : { idx: String(i), dup: ['a', `b-${i}`] };
    return { partition: i % partitions, key: i % 5 === 4 ? null : `key-${i}`,
      value: i % 11 === 10 ? null : `value-${i}-${'x'.repeat(i % 40)}`, headers, timestamp: String(BASE_TS + i) };
  });
}

export function codecRoundTrip(codec: 'none' | 'gzip') {
  return (side: Side) => roundTrip(side, `diff-codec-${codec}`, 2,
    [plannedMessages(0, 20, 2), plannedMessages(20, 20, 2), plannedMessages(40, 5, 2)],
    codec === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None);
}

/** Values of 0 B, 1 B, 1 KiB, 100 KiB and just under the 1 MiB batch limit, then one over it. */
export async function recordSizes(side: Side) {
  const sizes = [0, 1, 1024, 100 * 1024, 1024 * 1024 - 256];
  const fill = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff));
  const ok = await roundTrip(side, 'diff-sizes', 1,
    sizes.map((n, i) => [{ key: `size-${n}`, value: fill(n), timestamp: String(BASE_TS + i) }]));
  const producer = kafkajs(side, 0).producer();
  await producer.connect();
  let tooLarge: string;
  try {
    await producer.send({ topic: 'diff-sizes', acks: -1, messages: [{ key: 'big', value: fill(1024 * 1024), timestamp: String(BASE_TS) }] });
    tooLarge = 'accepted';
  } catch (err) {
    tooLarge = (err as { type?: string }).type ?? (err as Error).name;
  } finally {
    await producer.disconnect();
  }
  return { ...ok, oneMiB: tooLarge, latest: await listOffsetRaw(side.bootstrap, 'diff-sizes', 0, -1) };
}

/** Null and empty keys and values, 150 headers with repeated keys and an empty value. */
export function nullsAndHeaders(side: Side) {
  const many: IHeaders = {};
  for (let h = 0; h < 50; h++) many[`h${h}`] = [`v${h}`, '', `again-${h}`];
  return roundTrip(side, 'diff-nulls-headers', 1, [[
    { key: null, value: null, timestamp: String(BASE_TS) },
    { key: '', value: '', timestamp: String(BASE_TS + 1) },
    { key: 'k', value: null, headers: { only: 'header' }, timestamp: String(BASE_TS + 2) },
    { key: null, value: 'v', headers: many, timestamp: String(BASE_TS + 3) },
  ]]);
}

/**
 * Idempotent producer: kafkajs's own, then a retried batch on the wire (the same producer id,
 * epoch and sequence twice, as a client resends after a lost answer), a sequence gap and a
 * stale epoch. Kafka answers the retry with the first append's offset and writes it once.
 */
export async function idempotentRetries(side: Side) {
  const viaClient = await roundTrip(side, 'diff-idempotent', 2, [plannedMessages(0, 10, 2), plannedMessages(10, 10, 2)],
    CompressionTypes.None, true);
  await createTopic(side, 'diff-idempotent-raw', 1);
  const init = await rawRequest(side.bootstrap, 22, 3, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
  const pid = { producerId: init.producerId, producerEpoch: init.producerEpoch };
  const recs = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`k${from + i}`), value: Buffer.from(`v${from + i}`), timestamp: BASE_TS + from + i }));
  const first = await produceRaw(side.bootstrap, 'diff-idempotent-raw', 0, batch(recs(3, 0), { ...pid, baseSequence: 0 }));
  const retry = await produceRaw(side.bootstrap, 'diff-idempotent-raw', 0, batch(recs(3, 0), { ...pid, baseSequence: 0 }));
  const next = await produceRaw(side.bootstrap, 'diff-idempotent-raw', 0, batch(recs(2, 3), { ...pid, baseSequence: 3 }));
  const gap = await produceRaw(side.bootstrap, 'diff-idempotent-raw', 0, batch(recs(1, 9), { ...pid, baseSequence: 9 }));
  const stale = await produceRaw(side.bootstrap, 'diff-idempotent-raw', 0,
    batch(recs(1, 5), { producerId: pid.producerId, producerEpoch: pid.producerEpoch - 1, baseSequence: 5 }));
  const strip = (r: Awaited<ReturnType<typeof produceRaw>>) => ({ errorCode: r.errorCode, baseOffset: r.baseOffset });
  return {
    viaClient, initError: init.errorCode, epoch: init.producerEpoch,
    first: strip(first), retry: strip(retry), next: strip(next), gap: gap.errorCode, staleEpoch: stale.errorCode,
    end: await listOffsetRaw(side.bootstrap, 'diff-idempotent-raw', 0, -1),
  };
}

/** Five batches at BASE_TS + 0, 10, 20, 30, 40; ListOffsets earliest, latest and by time. */
export async function listOffsets(side: Side) {
  const topic = 'diff-list-offsets';
  await createTopic(side, topic, 1);
  const producer = kafkajs(side).producer();
  await producer.connect();
  for (let b = 0; b < 5; b++) {
    await producer.send({ topic, acks: -1, messages: [
      { key: `b${b}-0`, value: 'x', timestamp: String(BASE_TS + b * 10) },
      { key: `b${b}-1`, value: 'y', timestamp: String(BASE_TS + b * 10 + 5) },
    ] });
  }
  await producer.disconnect();
  const times = [-2, -1, BASE_TS - 1000, BASE_TS, BASE_TS + 5, BASE_TS + 6, BASE_TS + 20, BASE_TS + 45, BASE_TS + 46];
  const raw: Record<string, unknown> = {};
  for (const t of times) raw[String(t)] = await listOffsetRaw(side.bootstrap, topic, 0, t);
  const viaAdmin = await withAdmin(side, async (a) => ({
    offsets: await a.fetchTopicOffsets(topic),
    byTime: await a.fetchTopicOffsetsByTimestamp(topic, BASE_TS + 21),
    byTimeAfterEnd: await a.fetchTopicOffsetsByTimestamp(topic, BASE_TS + 1000),
  }));
  raw.unknownPartition = await listOffsetRaw(side.bootstrap, topic, 7, -1);
  return { raw, viaAdmin };
}

/** Fetch at the end, beyond it and before the start, through kafkajs and on the wire. */
export async function fetchOutOfRange(side: Side) {
  const topic = 'diff-fetch-range';
  await createTopic(side, topic, 1);
  const producer = kafkajs(side).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((i) => ({ value: `m${i}`, timestamp: String(BASE_TS + i) })) });
  await producer.disconnect();
  const fetcher = new KafkajsFetcher(side.bootstrap);
  await fetcher.connect(topic);
  const view = async (offset: number) => {
    try {
      const r = await fetcher.fetch(topic, 0, offset);
      return { errorCode: r.errorCode, highWatermark: r.highWatermark, messages: r.messages.length };
    } catch (err) {
      return { error: (err as { type?: string }).type ?? (err as Error).message };
    }
  };
  try {
    return {
      kafkajs: { atEnd: await view(3), beyondEnd: await view(10), beforeStart: await view(-5), inside: await view(1) },
      wire: {
        atEnd: await fetchRaw(side.bootstrap, topic, 0, 3),
        beyondEnd: await fetchRaw(side.bootstrap, topic, 0, 10),
        beforeStart: await fetchRaw(side.bootstrap, topic, 0, -5),
        unknownPartition: await fetchRaw(side.bootstrap, topic, 9, 0),
        unknownTopic: await fetchRaw(side.bootstrap, 'diff-no-such-topic', 0, 0),
      },
    };
  } finally {
    await fetcher.disconnect();
  }
}

/**
 * Auto-creation on the broker: a producer writes to a topic nobody created. Metadata is read
 * after the produce succeeded: right after creation Kafka says LEADER_NOT_AVAILABLE and Brooklet
 * the ready topic (a deliberate difference, README.md), so that moment is not compared.
 * A Metadata request that disallows creation (v4+ flag) must not create.
 */
export async function autoCreate(side: Side) {
  const producer = kafkajs(side).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const acks = await producer.send({ topic: 'diff-auto-created', acks: -1, messages: [{ value: 'first', timestamp: String(BASE_TS) }] });
  await producer.disconnect();
  const metadata = await rawRequest(side.bootstrap, 3, 9, { topics: [{ name: 'diff-auto-created' }, { name: 'diff-not-allowed' }],
    allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return {
    acks: acks.map((a) => ({ partition: a.partition, errorCode: a.errorCode, baseOffset: a.baseOffset })),
    topics: plain(metadata.topics).map((t: any) => ({ name: t.name, errorCode: t.errorCode, partitions: t.partitions.length })),
  };
}

/** Auto-creation off on the broker: Metadata, a produce through kafkajs, and the wire. */
export async function autoCreateOff(side: Side) {
  const metadata = await rawRequest(side.bootstrap, 3, 9, { topics: [{ name: 'diff-never-created' }],
    allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
  const producer = kafkajs(side, 1).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  let produce: string;
  try {
    await producer.send({ topic: 'diff-never-created', acks: -1, messages: [{ value: 'x' }] });
    produce = 'accepted';
  } catch (err) {
    const e = err as { name: string; originalError?: { type?: string }; type?: string };
    produce = `${e.name}${e.type ? `/${e.type}` : ''}${e.originalError?.type ? `/${e.originalError.type}` : ''}`;
  } finally {
    await producer.disconnect();
  }
  const wire = await produceRaw(side.bootstrap, 'diff-never-created', 0, batch([{ key: null, value: Buffer.from('x') }]));
  const after = await rawRequest(side.bootstrap, 3, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return {
    metadata: plain(metadata.topics).map((t: any) => ({ name: t.name, errorCode: t.errorCode, partitions: t.partitions.length })),
    produce, wire: { errorCode: wire.errorCode, baseOffset: wire.baseOffset },
    topicsAfter: after.topics.map((t: any) => t.name).filter((n: string) => n.startsWith('diff-')).sort(),
  };
}

/** CreateTopics v7 (good, existing, illegal, bad counts and configs, validate-only) and DeleteTopics v6. */
export async function createAndDeleteTopics(side: Side) {
  const topic = (name: string, numPartitions: number, replicationFactor: number, configs: { name: string; value: string | null }[] = []) =>
    ({ name, numPartitions, replicationFactor, assignments: [], configs });
  const create = (topics: unknown[], validateOnly: boolean) => rawRequest(side.bootstrap, 19, 7, { topics, timeoutMs: 10_000, validateOnly });
  const view = (res: any) => plain(res.topics).map((t: any) => ({ ...t,
    configs: t.configs === null ? null : [...t.configs].sort((a: any, b: any) => a.name.localeCompare(b.name)) }));
  const first = view(await create([
    topic('diff-admin-a', 3, 1, [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact' }]),
    topic('diff-admin-b', -1, -1),
  ], false));
  const second = view(await create([
    topic('diff-admin-a', 1, 1),
    topic('bad name!', 1, 1),
    topic('diff-admin-zero', 0, 1),
    topic('diff-admin-rf3', 1, 3),
    topic('diff-admin-badconf', 1, 1, [{ name: 'no.such.config', value: '1' }]),
    topic('diff-admin-badvalue', 1, 1, [{ name: 'retention.ms', value: 'soon' }]),
  ], false));
  const validateOnly = view(await create([topic('diff-admin-validate', 2, 1)], true));
  const listed = async () => (await rawRequest(side.bootstrap, 3, 9, { topics: null, allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false })).topics
    .filter((t: any) => t.name.startsWith('diff-admin')).map((t: any) => `${t.name}/${t.partitions.length}`).sort();
  const before = await listed();
  const deleted = plain((await rawRequest(side.bootstrap, 20, 6, { topics: [{ name: 'diff-admin-b', topicId: Buffer.alloc(16) },
    { name: 'diff-admin-unknown', topicId: Buffer.alloc(16) }], timeoutMs: 10_000 })).responses)
    .sort((a: any, b: any) => a.name.localeCompare(b.name));
  await new Promise((r) => setTimeout(r, 500));
  const viaKafkajs = await withAdmin(side, async (a) => {
    await a.deleteTopics({ topics: ['diff-admin-a'] });
    return (await a.listTopics()).filter((n) => n.startsWith('diff-admin')).sort();
  });
  return { first, second, validateOnly, before, deleted, after: await listed(), viaKafkajs };
}

/** DescribeConfigs through kafkajs (topic with overrides, the broker) and on the wire with synonyms. */
export async function describeConfigs(side: Side) {
  await createTopic(side, 'diff-configs', 1, [{ name: 'retention.ms', value: '3600000' }, { name: 'max.message.bytes', value: '2000000' }]);
  const brokerKeys = ['num.partitions', 'auto.create.topics.enable', 'message.max.bytes', 'log.retention.hours',
    'log.segment.bytes', 'default.replication.factor', 'min.insync.replicas', 'compression.type', 'log.cleanup.policy',
    'offsets.topic.replication.factor', 'node.id', 'log.retention.ms'];
  const sorted = (entries: any[]) => [...entries].sort((a, b) => a.configName.localeCompare(b.configName));
  const viaKafkajs = await withAdmin(side, async (a) => {
    const res = await a.describeConfigs({ includeSynonyms: false, resources: [
      { type: 2, name: 'diff-configs' },
      { type: 4, name: '1', configNames: brokerKeys },
    ] });
    return res.resources.map((r) => ({ ...r, configEntries: sorted(r.configEntries) }));
  });
  const wire = plain((await rawRequest(side.bootstrap, 32, 1, { includeSynonyms: true, resources: [
    { resourceType: 2, resourceName: 'diff-configs', configurationKeys: ['retention.ms', 'segment.bytes', 'min.insync.replicas', 'no.such.key'] },
    { resourceType: 2, resourceName: 'diff-configs-unknown', configurationKeys: null },
    { resourceType: 4, resourceName: '2', configurationKeys: null },
    { resourceType: 4, resourceName: '', configurationKeys: null },
  ] })).results).map((r: any) => ({ ...r, configs: [...r.configs].sort((a: any, b: any) => a.name.localeCompare(b.name)) }));
  return { viaKafkajs, wire };
}
