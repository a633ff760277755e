/**
 * Differential scenarios for Kafka's admin surface (issue 15): config validation and alteration
 * (AlterConfigs 33, IncrementalAlterConfigs 44) with the sources and synonyms DescribeConfigs
 * then reports, CreatePartitions (37), DescribeCluster (60), DescribeLogDirs (35), ElectLeaders
 * (43), DescribeTopicPartitions (75) and topic ids through CreateTopics v7, Metadata 10-12 and
 * Fetch 13-17. Each returns what kafkajs or the bare protocol observed, with instance-specific
 * fields (ids, ports, paths, disk sizes, throttle) replaced by what they mean (an id equal to
 * the one CreateTopics gave is 'ID').
 *
 * Normalised on purpose: answer order where Kafka's controller answers in hash order (results
 * sorted by name); an empty record set Kafka sends as zero bytes and Brooklet as null; the
 * segment.bytes minimum (README, differences table) is not probed.
 */
import type { Side } from './brokers.js';
import { createTopic, withAdmin } from './kafkajs-scenarios.js';
import { batch, plain, produceRaw, rawRequest } from './raw.js';

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;
const RECORDS = [{ key: Buffer.from('k1'), value: Buffer.from('one'), timestamp: 1_700_000_000_000 },
  { key: null, value: Buffer.from('two'), timestamp: 1_700_000_000_001 }];

const byName = (a: any, b: any) => String(a.name ?? a.topic).localeCompare(String(b.name ?? b.topic));

async function createRaw(side: Side, name: string, partitions: number): Promise<Buffer> {
  const res = await rawRequest(side.bootstrap, 19, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
  if (res.topics[0].errorCode !== 0) throw new Error(`create ${name}: error ${res.topics[0].errorCode}`);
  // Kafka answers before every listener of its metadata log has the topic: wait until Metadata does.
  await until(async () => (await rawRequest(side.bootstrap, 3, 12, { topics: [{ name, topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false })).topics[0], (t: any) => t.errorCode === 0 && t.partitions.length === partitions);
  return res.topics[0].topicId as Buffer;
}

async function incremental(side: Side, resources: { type: number; name: string; configs: [string, number, string | null][] }[], validateOnly: boolean) {
  const res = await rawRequest(side.bootstrap, 44, 1, { validateOnly, resources: resources.map((r) => ({
    resourceType: r.type, resourceName: r.name, configs: r.configs.map(([name, configOperation, value]) => ({ name, configOperation, value })) })) });
  return plain(res.responses);
}

async function whole(side: Side, type: number, name: string, configs: [string, string | null][], validateOnly: boolean) {
  const res = await rawRequest(side.bootstrap, 33, 2, { validateOnly, resources: [{ resourceType: type, resourceName: name, configs: configs.map(([n, value]) => ({ name: n, value })) }] });
  return plain(res.responses[0]);
}

async function describe(side: Side, type: number, name: string, keys: string[]) {
  const res = await rawRequest(side.bootstrap, 32, 4, { includeSynonyms: true, includeDocumentation: false,
    resources: [{ resourceType: type, resourceName: name, configurationKeys: keys }] });
  return plain(res.results[0]).configs.map((c: any) => ({ ...c, documentation: undefined })).sort(byName);
}

/** Kafka applies dynamic broker configs a moment after answering; wait until both sides show `value`. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Bad values and bad resources, every answer with its code and Kafka's message. */
export async function alterConfigErrors(side: Side) {
  const t = 'adm-errors';
  await createTopic(side, t, 1);
  const bad: [string, string | null][] = [['retention.ms', 'abc'], ['retention.ms', '-5'], ['retention.ms', '99999999999999999999'],
    ['retention.ms', ''], ['cleanup.policy', 'foo'], ['cleanup.policy', 'compact,foo'], ['min.cleanable.dirty.ratio', '2'],
    ['min.cleanable.dirty.ratio', 'abc'], ['segment.bytes', 'lots'], ['segment.bytes', '3000000000'], ['message.timestamp.type', 'Foo'],
    ['no.such', '1'], ['max.message.bytes', '-1'], ['max.message.bytes', '1.5'], ['compression.type', 'brotli'], ['retention.ms', null],
    ['segment.ms', '0'], ['delete.retention.ms', '-1'], ['min.insync.replicas', '0'], ['preallocate', 'yes'],
    ['compression.gzip.level', '0'], ['compression.lz4.level', '20'], ['compression.zstd.level', '30'], ['segment.index.bytes', '2'],
    ['leader.replication.throttled.replicas', 'foo'], ['remote.storage.enable', 'true'], ['message.downconversion.enable', 'true'],
    ['flush.messages', '0'], ['local.retention.ms', '-3'], ['retention.ms', ' 5 '], ['preallocate', 'TRUE'], ['cleanup.policy', 'compact, delete']];
  const values = [];
  for (const [name, value] of bad) {
    values.push({ name, value, incremental: (await incremental(side, [{ type: TOPIC, name: t, configs: [[name, SET, value]] }], true))[0],
      whole: await whole(side, TOPIC, t, [[name, value]], true) });
  }
  const ops = [];
  for (const [op, name, value] of [[APPEND, 'cleanup.policy', 'compact'], [SUBTRACT, 'cleanup.policy', 'delete'], [APPEND, 'retention.ms', '5'],
    [SUBTRACT, 'retention.ms', '5'], [APPEND, 'cleanup.policy', 'foo'], [DELETE, 'no.such', null], [9, 'retention.ms', '5'], [APPEND, 'retention.ms', null]] as const) {
    ops.push((await incremental(side, [{ type: TOPIC, name: t, configs: [[name, op, value]] }], true))[0]);
  }
  const resources = await incremental(side, [
    { type: TOPIC, name: 'adm-no-such-topic', configs: [['retention.ms', SET, '5']] },
    { type: BROKER, name: '1', configs: [['log.retention.ms', SET, '5']] },
    { type: BROKER, name: '1', configs: [['log.retention.ms', SET, '6']] },
    { type: BROKER, name: '7', configs: [['log.retention.ms', SET, '5']] },
    { type: 9, name: 'x', configs: [] },
    { type: TOPIC, name: '', configs: [['retention.ms', SET, '5']] },
  ], true);
  const broker = [];
  for (const scope of ['1', '']) {
    for (const [name, value] of [['log.retention.ms', 'x'], ['log.retention.ms', '-5'], ['num.partitions', '3'], ['log.dirs', '/x'],
      ['node.id', '3'], ['log.cleanup.policy', 'foo'], ['log.cleaner.threads', '2'], ['custom.name', 'x']]) {
      broker.push({ scope, name, value, incremental: (await incremental(side, [{ type: BROKER, name: scope, configs: [[name!, SET, value!]] }], true))[0],
        whole: await whole(side, BROKER, scope, [[name!, value!]], true) });
    }
  }
  return { values, ops, resources: resources.sort((a: any, b: any) => `${a.resourceType}${a.resourceName}${a.errorCode}`.localeCompare(`${b.resourceType}${b.resourceName}${b.errorCode}`)), broker };
}

/** Topic configs altered through kafkajs (whole set) and IncrementalAlterConfigs, read back with sources and synonyms. */
export async function alterTopicConfigs(side: Side) {
  const t = 'adm-topic-configs';
  await createTopic(side, t, 1, [{ name: 'segment.ms', value: '3600000' }]);
  const keys = ['retention.ms', 'cleanup.policy', 'segment.ms', 'max.message.bytes', 'min.cleanable.dirty.ratio'];
  await withAdmin(side, (a) => a.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: t, configEntries: [
    { name: 'retention.ms', value: '86400000' }, { name: 'max.message.bytes', value: '2000000' }] }] }));
  const afterWhole = await until(() => describe(side, TOPIC, t, keys), (c) => c.find((e: any) => e.name === 'retention.ms')?.value === '86400000');
  const viaKafkajs = await withAdmin(side, async (a) => {
    const res = await a.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC, name: t, configNames: keys }] });
    return res.resources.map((r) => ({ ...r, configEntries: [...r.configEntries].sort((x, y) => x.configName.localeCompare(y.configName)) }));
  });
  const steps = await incremental(side, [{ type: TOPIC, name: t, configs: [['cleanup.policy', APPEND, 'compact'], ['retention.ms', DELETE, null],
    ['min.cleanable.dirty.ratio', SET, '0.25']] }], false);
  // Kafka applies an accepted change a moment after answering: read until it shows.
  const policyIs = (v: string) => (c: any[]) => c.find((e: any) => e.name === 'cleanup.policy')?.value === v;
  const afterIncremental = await until(() => describe(side, TOPIC, t, keys), policyIs('delete,compact'));
  const validateOnly = await incremental(side, [{ type: TOPIC, name: t, configs: [['cleanup.policy', SUBTRACT, 'delete']] }], true);
  const unchanged = await describe(side, TOPIC, t, ['cleanup.policy']);
  const subtract = await incremental(side, [{ type: TOPIC, name: t, configs: [['cleanup.policy', SUBTRACT, 'delete']] }], false);
  const afterSubtract = await until(() => describe(side, TOPIC, t, ['cleanup.policy']), policyIs('compact'));
  return { viaKafkajs, afterWhole, steps, afterIncremental, validateOnly, unchanged, subtract, afterSubtract };
}

/** Dynamic broker configs, per broker and cluster-wide, and what a topic that sets nothing then reports. */
export async function dynamicBrokerConfigs(side: Side) {
  const t = 'adm-dynamic';
  await createTopic(side, t, 1);
  const set = await incremental(side, [
    { type: BROKER, name: '1', configs: [['log.retention.ms', SET, '100000'], ['message.max.bytes', SET, '2000000'], ['log.cleaner.threads', SET, '2']] },
    { type: BROKER, name: '', configs: [['log.cleanup.policy', SET, 'compact'], ['log.retention.ms', SET, '200000'], ['custom.thing', SET, 'x']] },
  ], false);
  const topicKeys = ['retention.ms', 'cleanup.policy', 'max.message.bytes', 'segment.ms'];
  const topic = await until(() => describe(side, TOPIC, t, topicKeys), (c) => c.find((e: any) => e.name === 'cleanup.policy')?.value === 'compact'
    && c.find((e: any) => e.name === 'retention.ms')?.value === '100000');
  const brokerKeys = ['log.retention.ms', 'log.cleanup.policy', 'message.max.bytes', 'log.cleaner.threads', 'custom.thing', 'min.insync.replicas'];
  const broker = await describe(side, BROKER, '1', brokerKeys);
  const cluster = await describe(side, BROKER, '', brokerKeys);
  const reset = await incremental(side, [
    { type: BROKER, name: '1', configs: [['log.retention.ms', DELETE, null], ['message.max.bytes', DELETE, null], ['log.cleaner.threads', DELETE, null]] },
    { type: BROKER, name: '', configs: [['log.cleanup.policy', DELETE, null], ['log.retention.ms', DELETE, null], ['custom.thing', DELETE, null]] },
  ], false);
  const after = await until(() => describe(side, TOPIC, t, topicKeys), (c) => c.find((e: any) => e.name === 'cleanup.policy')?.value === 'delete'
    && c.find((e: any) => e.name === 'retention.ms')?.value === '604800000');
  return { set, topic, broker, cluster, reset, after };
}

/** kafkajs createPartitions, the new partitions used, and CreatePartitions' errors on the wire. */
export async function createPartitions(side: Side) {
  const t = 'adm-grow';
  await createTopic(side, t, 2);
  await withAdmin(side, (a) => a.createPartitions({ topicPartitions: [{ topic: t, count: 4 }] }));
  await until(async () => (await rawRequest(side.bootstrap, 3, 12, { topics: [{ name: t, topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false })).topics[0].partitions.length, (n: number) => n === 4);
  const grown = await withAdmin(side, async (a) => {
    const md = await a.fetchTopicMetadata({ topics: [t] });
    return md.topics.map((x) => ({ name: x.name, partitions: x.partitions.map((p) => p.partitionId).sort() }));
  });
  const produced = plain(await produceRaw(side.bootstrap, t, 3, batch(RECORDS)));
  const errors = [];
  const cases: [string, number, { brokerIds: number[] }[] | null][] = [[t, 3, null], [t, 4, null], [t, 5, [{ brokerIds: [2] }]],
    [t, 6, [{ brokerIds: [1] }]], [t, 5, [{ brokerIds: [1, 1] }]], [t, 5, [{ brokerIds: [] }]], ['adm-grow-none', 3, null], ['bad name!', 3, null]];
  for (const [name, count, assignments] of cases) {
    errors.push(plain((await rawRequest(side.bootstrap, 37, 3, { topics: [{ name, count, assignments }], timeoutMs: 10_000, validateOnly: true })).results));
  }
  const duplicate = plain((await rawRequest(side.bootstrap, 37, 0, { topics: [{ name: t, count: 9, assignments: null }, { name: t, count: 9, assignments: null }],
    timeoutMs: 10_000, validateOnly: false })).results);
  const validateOnly = plain((await rawRequest(side.bootstrap, 37, 3, { topics: [{ name: t, count: 8, assignments: null }], timeoutMs: 10_000, validateOnly: true })).results);
  const count = (await rawRequest(side.bootstrap, 3, 9, { topics: [{ name: t }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics[0].partitions.length;
  return { grown, produced, errors, duplicate, validateOnly, count };
}

/** kafkajs describeCluster and DescribeCluster v0-1 on the wire, ports and cluster ids left out. */
export async function describeCluster(side: Side) {
  const viaKafkajs = await withAdmin(side, async (a) => {
    const c = await a.describeCluster();
    return { brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host })), controller: c.controller };
  });
  const strip = (r: any) => ({ ...plain(r), brokers: r.brokers.map((b: any) => ({ ...b, port: undefined })) });
  return {
    viaKafkajs,
    v0: strip(await rawRequest(side.bootstrap, 60, 0, { includeClusterAuthorizedOperations: false })),
    v1: strip(await rawRequest(side.bootstrap, 60, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })),
    controllers: strip(await rawRequest(side.bootstrap, 60, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })),
    unknown: strip(await rawRequest(side.bootstrap, 60, 1, { includeClusterAuthorizedOperations: false, endpointType: 5 })),
  };
}

/** DescribeLogDirs v1-4 (partition sizes of the same batches) and ElectLeaders v0-2. */
export async function logDirsAndElections(side: Side) {
  const t = 'adm-dirs';
  await createTopic(side, t, 2);
  await produceRaw(side.bootstrap, t, 0, batch(RECORDS));
  const dirs = [];
  for (const v of [1, 2, 3, 4]) {
    const res = await rawRequest(side.bootstrap, 35, v, { topics: [{ topic: t, partitions: [0, 1, 7] }, { topic: 'adm-dirs-none', partitions: [0] }] });
    dirs.push({ errorCode: res.errorCode, results: res.results.map((r: any) => ({ errorCode: r.errorCode, topics: r.topics,
      hasDiskTotals: v >= 4 ? r.totalBytes > 0 && r.usableBytes > 0 : r.totalBytes })) });
  }
  const elections = [];
  for (const [v, type] of [[0, 0], [1, 0], [2, 0], [2, 1], [2, 7]]) {
    const res = await rawRequest(side.bootstrap, 43, v!, { electionType: type, timeoutMs: 10_000,
      topicPartitions: [{ topic: t, partitions: [0, 9] }, { topic: 'adm-dirs-none', partitions: [0] }] });
    elections.push(plain({ ...res, replicaElectionResults: [...res.replicaElectionResults].sort(byName) }));
  }
  const all = await rawRequest(side.bootstrap, 43, 2, { electionType: 0, timeoutMs: 10_000, topicPartitions: null });
  const ours = all.replicaElectionResults.find((r: any) => r.topic === t);
  return { dirs: plain(dirs), elections, allErrorCode: all.errorCode, ours: plain(ours) };
}

/** Topic ids: CreateTopics v7, Metadata 10-12 (by name and by id), Fetch 13-17 by id. */
export async function topicIds(side: Side) {
  const t = 'adm-ids';
  const id = await createRaw(side, t, 2);
  await produceRaw(side.bootstrap, t, 0, batch(RECORDS));
  const unknownId = Buffer.alloc(16, 7);
  const ids = (x: any) => JSON.parse(JSON.stringify(x, (k, v) => {
    if (k === 'throttleTimeMs' || k === 'clusterId' || k === 'port' || k === 'brokers') return undefined;
    if (v && v.type === 'Buffer') {
      const b = Buffer.from(v.data);
      return k === 'topicId' ? (b.equals(id) ? 'ID' : b.toString('hex')) : b.length;
    }
    return k === 'records' && v === null ? 0 : v; // Kafka sends an empty record set where Brooklet sends null
  }));
  const sortParts = (topics: any[]) => topics.map((x: any) => ({ ...x, partitions: [...x.partitions].sort((a: any, b: any) => a.partitionIndex - b.partitionIndex) }))
    .sort((a: any, b: any) => `${a.name ?? ''}${a.topicId}`.localeCompare(`${b.name ?? ''}${b.topicId}`));
  const metadata = [];
  for (const v of [10, 11, 12]) {
    const res = await rawRequest(side.bootstrap, 3, v, { topics: [{ name: t, topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    metadata.push(ids({ ...res, topics: sortParts(res.topics) }));
  }
  const byIdRes = await rawRequest(side.bootstrap, 3, 12, { topics: [{ name: null, topicId: id }, { name: null, topicId: unknownId }],
    allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const byId = ids({ ...byIdRes, topics: sortParts(byIdRes.topics) });
  const fetches = [];
  for (const v of [13, 15, 16, 17]) {
    const part = (partition: number) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 });
    const res = await rawRequest(side.bootstrap, 1, v, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
      sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '',
      topics: [{ topicId: id, partitions: [part(0), part(1), part(5)] }, { topicId: unknownId, partitions: [part(0)] }] });
    // Kafka answers a topic's error partitions as a separate entry; merge by id before comparing.
    const merged = new Map<string, any>();
    for (const r of res.responses) {
      const key = Buffer.from(r.topicId).toString('hex');
      merged.set(key, { ...r, partitions: [...(merged.get(key)?.partitions ?? []), ...r.partitions] });
    }
    fetches.push(ids({ ...res, responses: sortParts([...merged.values()]) }));
  }
  return { metadata, byId, fetches };
}

/** DescribeTopicPartitions: named topics, paging by limit and cursor. */
export async function describeTopicPartitions(side: Side) {
  const a = 'adm-dtp-a';
  const b = 'adm-dtp-b';
  await createRaw(side, a, 3);
  await createRaw(side, b, 2);
  const ask = async (topics: string[], limit: number, cursor: { topicName: string; partitionIndex: number } | null) =>
    JSON.parse(JSON.stringify(await rawRequest(side.bootstrap, 75, 0, { topics: topics.map((name) => ({ name })), responsePartitionLimit: limit, cursor }),
      (k, v) => (k === 'topicId' && v?.type === 'Buffer' ? Buffer.from(v.data).every((x) => x === 0) ? 'zero' : 'id' : v)));
  return {
    named: await ask([b, 'adm-dtp-none', a, 'bad name!'], 2000, null),
    limited: await ask([a, b], 2, null),
    resumed: await ask([a, b], 2, { topicName: a, partitionIndex: 2 }),
    middle: await ask([a, b], 2000, { topicName: b, partitionIndex: 1 }),
    zero: await ask([a], 0, null),
  };
}
