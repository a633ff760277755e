/**
 * Topic names, partition counts, replication factors and configs are validated as Kafka validates
 * them, whatever the client: kafkajs's admin (which does no checking of its own for these) and raw
 * CreateTopics requests, non-flexible and flexible, validate_only included. Nothing invalid is
 * created, and Metadata does not auto-create an illegal name.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { HOSTILE, recordFigure, writeFigures } from '../reliability/record.js';

type Topic = { name: string; numPartitions?: number; replicationFactor?: number; configs?: { name: string; value: string | null }[] };

const INVALID: [string, Topic, number][] = [
  ['empty name', { name: '' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['"."', { name: '.' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['".."', { name: '..' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['250 characters', { name: 'x'.repeat(250) }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['a slash', { name: 'a/b' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['path traversal', { name: '../../etc' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['a space', { name: 'a b' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['non-ASCII', { name: 'tópico' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['a NUL byte', { name: 'a\u0000b' }, ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['0 partitions', { name: 'p0', numPartitions: 0 }, ErrorCode.INVALID_PARTITIONS],
  ['-5 partitions', { name: 'pm5', numPartitions: -5 }, ErrorCode.INVALID_PARTITIONS],
  ['10,001 partitions', { name: 'p10001', numPartitions: 10_001 }, ErrorCode.INVALID_PARTITIONS],
  ['2^31-1 partitions', { name: 'pmax', numPartitions: 2 ** 31 - 1 }, ErrorCode.INVALID_PARTITIONS],
  ['replication factor 3', { name: 'rf3', replicationFactor: 3 }, ErrorCode.INVALID_REPLICATION_FACTOR],
  ['replication factor 0', { name: 'rf0', replicationFactor: 0 }, ErrorCode.INVALID_REPLICATION_FACTOR],
  ['replication factor -2', { name: 'rfm2', replicationFactor: -2 }, ErrorCode.INVALID_REPLICATION_FACTOR],
  ['an unknown config', { name: 'c1', configs: [{ name: 'no.such.config', value: '1' }] }, ErrorCode.INVALID_CONFIG],
  ['a non-numeric segment.bytes', { name: 'c2', configs: [{ name: 'segment.bytes', value: 'lots' }] }, ErrorCode.INVALID_CONFIG],
  ['segment.bytes below its minimum', { name: 'c3', configs: [{ name: 'segment.bytes', value: '10' }] }, ErrorCode.INVALID_CONFIG],
  ['segment.bytes beyond INT', { name: 'c4', configs: [{ name: 'segment.bytes', value: '9999999999' }] }, ErrorCode.INVALID_CONFIG],
  ['an unknown compression.type', { name: 'c5', configs: [{ name: 'compression.type', value: 'brotli' }] }, ErrorCode.INVALID_CONFIG],
  ['a ratio above 1', { name: 'c6', configs: [{ name: 'min.cleanable.dirty.ratio', value: '1.5' }] }, ErrorCode.INVALID_CONFIG],
  ['a null config value', { name: 'c7', configs: [{ name: 'retention.ms', value: null }] }, ErrorCode.INVALID_CONFIG],
];

/** Tests that passed; the row is recorded only when all TESTS did. */
let passed = 0;
const TESTS = 8;

const API_VERSIONS = 18, CREATE_TOPICS = 19, METADATA = 3;

function createBody(topics: Topic[], validateOnly = false) {
  return {
    topics: topics.map((t) => ({ name: t.name, numPartitions: t.numPartitions ?? 1, replicationFactor: t.replicationFactor ?? 1, assignments: [], configs: t.configs ?? [] })),
    timeoutMs: 5000, validateOnly,
  };
}

describe('topic validation', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let client: RawClient;
  beforeAll(async () => {
    broker = await startTestBroker();
    client = await RawClient.connect(broker.bootstrap);
  });
  afterAll(async () => {
    client?.close();
    await broker?.close();
    if (passed === TESTS) {
      const codes = [...new Set(INVALID.map(([, , code]) => TYPES[code]))];
      recordFigure(HOSTILE, 'Topic names, partition counts, replication factors, configs', {
        figure: `${INVALID.length} invalid topics answered ${codes.join(', ')}, plus INVALID_REQUEST and TOPIC_ALREADY_EXISTS, `
          + 'through raw CreateTopics v2/v4/v5/v7 (validate_only too) and kafkajs admin; nothing invalid created, '
          + 'Metadata does not auto-create illegal names, DeleteTopics v1-5 with an empty name is answered',
        command: 'npx vitest run test/faults/hostile-topics.test.ts',
        invalidTopics: INVALID.length, tests: TESTS,
      });
    }
    writeFigures(import.meta.url);
  });

  it.each([2, 4, 5, 7])('raw CreateTopics v%i answers each invalid topic with its Kafka error and creates none', async (version) => {
    for (const validateOnly of [false, true]) {
      const { body } = await client.request(CREATE_TOPICS, version, createBody(INVALID.map(([, t]) => t), validateOnly));
      expect(body.topics.map((t: any) => [t.name, t.errorCode])).toEqual(INVALID.map(([, t, code]) => [t.name, code]));
      if (version >= 1) expect(body.topics.every((t: any) => typeof t.errorMessage === 'string' && t.errorMessage.length > 0)).toBe(true);
    }
    const meta = await client.request(METADATA, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(meta.body.topics.map((t: any) => t.name).filter((n: string) => INVALID.some(([, t]) => t.name === n))).toEqual([]);
    // the connection survived all of it
    expect((await client.request(API_VERSIONS, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })).body.errorCode).toBe(0);
    passed++;
  });

  it('answers a name listed twice with INVALID_REQUEST and an existing one with TOPIC_ALREADY_EXISTS', async () => {
    const { body } = await client.request(CREATE_TOPICS, 7, createBody([{ name: 'twice' }, { name: 'twice' }]));
    expect(body.topics.map((t: any) => t.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect((await client.request(CREATE_TOPICS, 7, createBody([{ name: 'once' }]))).body.topics[0].errorCode).toBe(ErrorCode.NONE);
    expect((await client.request(CREATE_TOPICS, 7, createBody([{ name: 'once' }]))).body.topics[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    passed++;
  });

  it('does not auto-create an illegal name through Metadata', async () => {
    for (const name of ['a/b', '..', 'x'.repeat(250), 'tópico']) {
      const { body } = await client.request(METADATA, 9, { topics: [{ name }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      expect(body.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    }
    passed++;
  });

  // Found by the live fuzzer: v1-5 used to treat an empty name as "by topic id" and answer
  // name=null, which v1-5 cannot encode, so the broker closed the connection instead of answering.
  it('answers DeleteTopics v1-5 with an empty topic name instead of closing the connection', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    try {
      const { body } = await c.request(20, 4, { topicNames: [''], timeoutMs: 5000 });
      expect(body.responses[0].errorCode).not.toBe(ErrorCode.NONE);
    } finally {
      c.close();
    }
    passed++;
  });

  it('reports the same errors through kafkajs admin', async () => {
    const kafka = new Kafka({ clientId: 'hostile-topics', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const [label, t, code] of INVALID.filter(([, t]) => !t.configs?.some((c) => c.value === null))) {
        const error = await admin.createTopics({
          topics: [{ topic: t.name, numPartitions: t.numPartitions ?? 1, replicationFactor: t.replicationFactor ?? 1, configEntries: (t.configs ?? []) as { name: string; value: string }[] }],
        }).then(() => null, (err: any) => err);
        expect(error, label).not.toBeNull();
        const types = (error.errors ?? [error]).map((e: any) => e.type);
        expect(types, label).toEqual([TYPES[code]]);
      }
      expect(await admin.createTopics({ topics: [{ topic: 'kafkajs-ok', numPartitions: 3 }] })).toBe(true);
      expect(await admin.listTopics()).not.toContain('..');
    } finally {
      await admin.disconnect();
    }
    passed++;
  });
});

const TYPES: Record<number, string> = {
  [ErrorCode.INVALID_TOPIC_EXCEPTION]: 'INVALID_TOPIC_EXCEPTION',
  [ErrorCode.INVALID_PARTITIONS]: 'INVALID_PARTITIONS',
  [ErrorCode.INVALID_REPLICATION_FACTOR]: 'INVALID_REPLICATION_FACTOR',
  [ErrorCode.INVALID_CONFIG]: 'INVALID_CONFIG',
};
