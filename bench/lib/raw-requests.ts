/**
 * The few requests the compaction benchmarks send to set a broker up, over a bare protocol
 * client (test/helpers/raw-client.ts), identical bytes to Brooklet and to Kafka: CreateTopics,
 * IncrementalAlterConfigs, keyed Produce, pipelined OffsetCommit and OffsetFetch. Setup only;
 * the timing is done by the callers. Every error code is checked: a setup that half worked
 * would measure something else.
 */
import { encodeRecordBatch } from '../../protocol/index.js';
import { RawClient } from '../../test/helpers/raw-client.js';
import { decodeResponseFrame } from '../../protocol/index.js';

const TOPIC_RESOURCE = 2;
const SET = 0;
const TOPIC_ALREADY_EXISTS = 36;

async function withClient<T>(bootstrap: string, use: (c: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(bootstrap);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export function createTopic(bootstrap: string, name: string, partitions: number, configs: Record<string, string>): Promise<void> {
  return withClient(bootstrap, async (c) => {
    const { body } = await c.request(19, 5, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [],
      configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }], timeoutMs: 30_000, validateOnly: false });
    const t = body.topics[0];
    if (t.errorCode !== 0 && t.errorCode !== TOPIC_ALREADY_EXISTS) throw new Error(`CreateTopics ${name}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
    // Kafka answers before its broker has the new partitions (a produce then gets NOT_LEADER):
    // wait until Metadata gives every partition a leader.
    for (let i = 0; i < 300; i++) {
      const { body: md } = await c.request(3, 9, { topics: [{ name }], allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      const topic = md.topics[0];
      if (topic.errorCode === 0 && topic.partitions.length === partitions && topic.partitions.every((p: any) => p.errorCode === 0 && p.leaderId >= 0)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`topic ${name} has no leader 30 s after CreateTopics`);
  });
}

/** Sets topic configs (IncrementalAlterConfigs v1, SET); effective at once on both brokers. */
export function alterTopic(bootstrap: string, topic: string, configs: Record<string, string>): Promise<void> {
  return withClient(bootstrap, async (c) => {
    const { body } = await c.request(44, 1, { resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic,
      configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: SET, value })) }], validateOnly: false });
    const r = body.responses[0];
    if (r.errorCode !== 0) throw new Error(`IncrementalAlterConfigs ${topic}: error ${r.errorCode} ${r.errorMessage ?? ''}`);
  });
}

/**
 * Produces `mib` MiB of keyed records to partition 0 (`perBatch` records a batch, keys
 * key-0..key-(keys-1) in turn, `valueBytes`-byte values), acks=1, `window` requests in flight.
 */
export function produceKeyed(bootstrap: string, topic: string, mib: number, keys: number, valueBytes = 500, perBatch = 100, window = 8): Promise<number> {
  const value = Buffer.alloc(valueBytes, 120);
  let next = 0;
  let written = 0;
  const make = () => {
    if (written >= mib * 2 ** 20) return null;
    const records = encodeRecordBatch({ timestamp: Date.now(), records: Array.from({ length: perBatch }, () => ({ key: Buffer.from(`key-${next++ % keys}`), value })) });
    written += records.length;
    return { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
  };
  const errorOf = (body: any): number => body.responses[0].partitionResponses[0].errorCode;
  return firstProduce(bootstrap, topic, make(), errorOf).then(() => pipelined(bootstrap, 0, 8, window, make, (body) => {
    if (errorOf(body) !== 0) throw new Error(`Produce ${topic}: error ${errorOf(body)}`);
  })).then(() => written);
}

/** Errors a client retries while a new partition's leader settles (Kafka: after Metadata already names it). */
const RETRIABLE_PRODUCE = new Set([3, 5, 6]); // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER

/** The first batch alone, retried as a client would, so the pipelined rest meets a ready leader. */
function firstProduce(bootstrap: string, topic: string, body: object | null, errorOf: (body: unknown) => number): Promise<void> {
  if (body === null) return Promise.resolve();
  return withClient(bootstrap, async (c) => {
    for (let attempt = 0; ; attempt++) {
      const code = errorOf((await c.request(0, 8, body)).body);
      if (code === 0) return;
      if (!RETRIABLE_PRODUCE.has(code) || attempt >= 300) throw new Error(`Produce ${topic}: error ${code} after ${attempt + 1} attempts`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

/**
 * Commits offsets as a tool or a consumer outside a group does (generation -1, no member): request
 * i commits `partitions` partitions of `topic` for group `group-(i % groups)`, offset i; `total`
 * commits in all, over `connections` connections with `window` requests in flight on each.
 */
export async function commitOffsets(bootstrap: string, topic: string, total: number, groups: number, partitions: number,
  connections = 8, window = 16): Promise<void> {
  const requests = Math.ceil(total / partitions);
  let issued = 0;
  await Promise.all(Array.from({ length: connections }, () => pipelined(bootstrap, 8, 7, window, () => {
    if (issued >= requests) return null;
    const i = issued++;
    return { groupId: `group-${i % groups}`, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, committedOffset: i,
        committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' })) }] };
  }, (body: any) => {
    for (const t of body.topics) for (const p of t.partitions) if (p.errorCode !== 0) throw new Error(`OffsetCommit: error ${p.errorCode}`);
  })));
}

/**
 * Kafka creates __consumer_offsets on the first FindCoordinator and answers commits only once its
 * partition is loaded: ask until the coordinator is found and one commit of `group` goes through.
 */
export async function firstCommit(bootstrap: string, group: string, topic: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  await withClient(bootstrap, async (c) => {
    while (Date.now() < deadline) {
      const found = await c.request(10, 2, { key: group, keyType: 0 });
      last = found.body.errorCode;
      if (last === 0) {
        const { body } = await c.request(8, 7, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
          topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' }] }] });
        last = body.topics[0].partitions[0].errorCode;
        if (last === 0) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no group coordinator for ${group} within ${timeoutMs} ms (last error ${last})`);
  });
}

/** The group's committed offset of `topic` partition 0 (OffsetFetch v7); null while the coordinator is loading or on any error. */
export async function fetchCommitted(bootstrap: string, group: string, topic: string): Promise<number | null> {
  return withClient(bootstrap, async (c) => {
    const { body } = await c.request(9, 7, { groupId: group, topics: [{ name: topic, partitionIndexes: [0] }], requireStable: false });
    const p = body.topics?.[0]?.partitions?.[0];
    if (body.errorCode !== 0 || !p || p.errorCode !== 0) return null;
    return Number(p.committedOffset);
  });
}

/** Sends `make()`'s requests with up to `window` in flight on one connection, checking each answer. */
async function pipelined(bootstrap: string, apiKey: number, version: number, window: number,
  make: () => object | null, check: (body: unknown) => void): Promise<void> {
  await withClient(bootstrap, async (c) => {
    let inFlight = 0;
    for (;;) {
      while (inFlight < window) {
        const body = make();
        if (body === null) break;
        c.send(apiKey, version, body);
        inFlight++;
      }
      if (inFlight === 0) return;
      const frame = await c.readFrame(60_000);
      if (!frame) throw new Error(`connection closed by the broker (api ${apiKey})`);
      check((decodeResponseFrame(apiKey, version, frame) as { body: unknown }).body);
      inFlight--;
    }
  });
}
