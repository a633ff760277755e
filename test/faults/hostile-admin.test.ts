/**
 * Hostile requests to the admin APIs (CreatePartitions, AlterConfigs, IncrementalAlterConfigs,
 * DescribeLogDirs, ElectLeaders, DescribeCluster, DescribeTopicPartitions) and to the topic-id
 * paths (Metadata 12, Fetch 13+ by id): absurd counts, thousands of entries, unknown operation
 * codes, megabyte values, traversal names, cursors and limits out of range, random ids. Each is
 * answered with Kafka's error where it concerns one entry, nothing is changed by a refused
 * request (partition count, configs, data directory), and the connection keeps answering.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { HOSTILE, recordFigure, writeFigures } from '../reliability/record.js';

const METADATA = 3, FETCH = 1, API_VERSIONS = 18, ALTER = 33, DIRS = 35, GROW = 37, ELECT = 43, INCREMENTAL = 44, CLUSTER = 60, DTP = 75;
const TOPIC = 'hostile-admin';
let passed = 0;
const TESTS = 5;

describe('hostile admin requests', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let client: RawClient;
  let topicId: Buffer;
  beforeAll(async () => {
    broker = await startTestBroker();
    client = await RawClient.connect(broker.bootstrap);
    const created = await client.request(19, 7, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [],
      configs: [{ name: 'retention.ms', value: '60000' }] }], timeoutMs: 5000, validateOnly: false });
    topicId = created.body.topics[0].topicId;
  });
  afterAll(async () => {
    client?.close();
    await broker?.close();
    if (passed === TESTS) {
      recordFigure(HOSTILE, 'Admin APIs and topic ids (keys 33, 35, 37, 43, 44, 60, 75; Metadata 12 and Fetch 13+ by id)', {
        figure: 'partition counts to 2^31-1, 2,000 replica lists, 1,000 configs with unknown operation codes, 1 MiB values, '
          + 'traversal names, cursors and limits out of range, 10,000 random topic ids: every one answered with its Kafka error, '
          + 'nothing refused changed anything, the connection kept answering',
        command: 'npx vitest run test/faults/hostile-admin.test.ts', tests: TESTS,
      });
    }
    writeFigures(import.meta.url);
  });

  async function unchanged(): Promise<void> {
    const meta = await client.request(METADATA, 12, { topics: [{ name: TOPIC, topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(meta.body.topics[0].partitions).toHaveLength(2);
    const configs = await client.request(32, 4, { includeSynonyms: false, includeDocumentation: false,
      resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: ['retention.ms', 'cleanup.policy'] }] });
    expect(configs.body.results[0].configs.map((c: any) => [c.name, c.value, c.configSource]).sort())
      .toEqual([['cleanup.policy', 'delete', 5], ['retention.ms', '60000', 1]]);
    expect(fs.readdirSync(broker.dataDir).filter((d) => d.startsWith(TOPIC)).sort()).toEqual([`${TOPIC}-0`, `${TOPIC}-1`]);
    expect((await client.request(API_VERSIONS, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })).body.errorCode).toBe(0);
  }

  it('refuses absurd partition counts and replica lists without growing anything', async () => {
    const counts = [2 ** 31 - 1, 10_001, -5, 0, 1];
    const { body } = await client.request(GROW, 3, { topics: counts.map((count, i) => ({ name: i === 0 ? TOPIC : `${TOPIC}-x${i}`, count, assignments: null })),
      timeoutMs: 5000, validateOnly: false });
    expect(body.results[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(body.results.slice(1).every((r: any) => r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
    const lists = Array.from({ length: 2000 }, () => ({ brokerIds: Array.from({ length: 50 }, (_, i) => i) }));
    const assigned = await client.request(GROW, 3, { topics: [{ name: TOPIC, count: 2002, assignments: lists }], timeoutMs: 5000, validateOnly: false });
    expect(assigned.body.results[0].errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    const negative = await client.request(GROW, 3, { topics: [{ name: TOPIC, count: -(2 ** 31), assignments: [] }], timeoutMs: 5000, validateOnly: false });
    expect(negative.body.results[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    await unchanged();
    passed++;
  });

  it('refuses bad config alterations whole, whatever their size or operation codes', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ name: i === 999 ? 'retention.ms' : `x.${i}`, configOperation: i % 2 === 0 ? 127 : -1, value: 'v' }));
    const huge = 'compact,'.repeat(131_072);
    const cases: [object, number][] = [
      [{ resourceType: 2, resourceName: TOPIC, configs: many }, ErrorCode.UNKNOWN_SERVER_ERROR],
      [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'cleanup.policy', configOperation: 0, value: huge + 'x' }] }, ErrorCode.INVALID_CONFIG],
      [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '9'.repeat(1 << 20) }] }, ErrorCode.INVALID_CONFIG],
      [{ resourceType: 2, resourceName: '../../etc', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] }, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [{ resourceType: -1, resourceName: TOPIC, configs: [] }, ErrorCode.INVALID_REQUEST],
      [{ resourceType: 4, resourceName: '1\u0000', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '1' }] }, ErrorCode.INVALID_REQUEST],
      [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.dirs', configOperation: 0, value: '/' }] }, ErrorCode.INVALID_REQUEST],
      [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: null }] }, ErrorCode.INVALID_REQUEST],
    ];
    for (const [resource, code] of cases) {
      const { body } = await client.request(INCREMENTAL, 1, { resources: [resource], validateOnly: false });
      expect(body.responses[0].errorCode).toBe(code);
    }
    const whole = await client.request(ALTER, 2, { resources: [{ resourceType: 2, resourceName: TOPIC, configs: [
      { name: 'retention.ms', value: '1' }, { name: 'segment.bytes', value: '-1' }] }], validateOnly: false });
    expect(whole.body.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    await unchanged();
    passed++;
  });

  it('answers describe and elect requests with huge or nonsensical lists', async () => {
    const partitions = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? 0 : i - 2 ** 31));
    const dirs = await client.request(DIRS, 4, { topics: [{ topic: TOPIC, partitions }, { topic: '../../etc', partitions: [0] }] });
    expect(dirs.body.results[0].topics).toEqual([{ name: TOPIC, partitions: [{ partitionIndex: 0, partitionSize: 0, offsetLag: 0, isFutureKey: false }] }]);
    const elect = await client.request(ELECT, 2, { electionType: 0, timeoutMs: 1, topicPartitions: [{ topic: TOPIC, partitions }] });
    const codes = new Set(elect.body.replicaElectionResults[0].partitionResult.map((p: any) => p.errorCode));
    expect([...codes].sort()).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.ELECTION_NOT_NEEDED].sort());
    expect((await client.request(ELECT, 2, { electionType: -128, timeoutMs: 1, topicPartitions: [{ topic: TOPIC, partitions: [0] }] })).body.errorCode)
      .toBe(ErrorCode.INVALID_REQUEST);
    expect((await client.request(CLUSTER, 1, { includeClusterAuthorizedOperations: true, endpointType: -1 })).body.errorCode)
      .toBe(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE);
    for (const [limit, cursor] of [[-1, null], [2 ** 31 - 1, { topicName: TOPIC, partitionIndex: -(2 ** 31) }], [0, { topicName: TOPIC, partitionIndex: 2 ** 31 - 1 }],
      [5, { topicName: '\u0000', partitionIndex: 0 }]] as const) {
      const { body } = await client.request(DTP, 0, { topics: [{ name: TOPIC }], responsePartitionLimit: limit, cursor });
      expect(body.topics.length).toBeLessThanOrEqual(1);
    }
    await unchanged();
    passed++;
  });

  it('answers Metadata and Fetch for 10,000 random topic ids with UNKNOWN_TOPIC_ID', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => Buffer.from(Array.from({ length: 16 }, (_, j) => (i * 31 + j * 7 + 1) % 256)));
    const meta = await client.request(METADATA, 12, { topics: ids.map((topicId) => ({ name: null, topicId })), allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    expect(meta.body.topics.every((t: any) => t.errorCode === ErrorCode.UNKNOWN_TOPIC_ID)).toBe(true);
    // Before v12 a request may not name a topic by id (a v10-11 answer cannot carry a null name).
    for (const version of [10, 11]) {
      const early = await client.request(METADATA, version, { topics: [{ name: null, topicId: ids[0] }, { name: TOPIC, topicId: ids[1] }],
        allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      expect(early.body.topics.map((t: any) => [t.name, t.errorCode])).toEqual([['', ErrorCode.INVALID_REQUEST], [TOPIC, ErrorCode.INVALID_REQUEST]]);
    }
    const part = { partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 };
    const fetch = await client.request(FETCH, 17, { replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: ids.slice(0, 2000).map((topicId) => ({ topicId, partitions: [part] })), forgottenTopicsData: [], rackId: '' });
    expect(fetch.body.responses.every((t: any) => t.partitions[0].errorCode === ErrorCode.UNKNOWN_TOPIC_ID)).toBe(true);
    await unchanged();
    passed++;
  });

  it('still finds the real topic by its id after all of it', async () => {
    const meta = await client.request(METADATA, 12, { topics: [{ name: null, topicId }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(meta.body.topics[0].name).toBe(TOPIC);
    passed++;
  });
});
