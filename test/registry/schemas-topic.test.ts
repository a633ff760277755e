/**
 * The `_schemas` topic as the registry's storage: records in the Confluent registry's key and
 * value formats (so a Confluent registry or Karapace reads them, and Brooklet reads theirs),
 * records other writers produce are served, junk a Kafka client produces into the topic is
 * skipped without taking the registry down (live and at replay), and under `--flush-policy
 * always` a registration is answered only once its record is synced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecord, encodeKey, encodeValue, BadRecord } from '../../src/registry/records.js';
import { startBrokerWithSyncLog, startTestBroker } from '../helpers/broker.js';
import { avroRecord, call } from './registry-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('record formats', () => {
  it('writes keys byte for byte as the Confluent registry does (compaction keys on these bytes)', () => {
    expect(encodeKey({ kind: 'SCHEMA', subject: 's', version: 3, value: null }).toString()).toBe('{"keytype":"SCHEMA","subject":"s","version":3,"magic":1}');
    expect(encodeKey({ kind: 'CONFIG', subject: null, value: 'FULL' }).toString()).toBe('{"keytype":"CONFIG","subject":null,"magic":0}');
    expect(encodeKey({ kind: 'MODE', subject: 's', value: 'IMPORT' }).toString()).toBe('{"keytype":"MODE","subject":"s","magic":0}');
    expect(encodeKey({ kind: 'DELETE_SUBJECT', subject: 's', value: 2 }).toString()).toBe('{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}');
    expect(encodeKey({ kind: 'NOOP' }).toString()).toBe('{"keytype":"NOOP","magic":0}');
    expect(encodeValue({ kind: 'CONFIG', subject: null, value: 'FULL' })!.toString()).toBe('{"compatibilityLevel":"FULL"}');
    expect(encodeValue({ kind: 'MODE', subject: null, value: 'READONLY' })!.toString()).toBe('{"mode":"READONLY"}');
    expect(encodeValue({ kind: 'DELETE_SUBJECT', subject: 's', value: 2 })!.toString()).toBe('{"subject":"s","version":2}');
    const value = encodeValue({ kind: 'SCHEMA', subject: 's', version: 1, value: {
      subject: 's', version: 1, id: 7, schemaType: 'PROTOBUF', references: [{ name: 'a.proto', subject: 'a', version: 1 }], schema: 'syntax = "proto3";', deleted: false,
    } })!;
    expect(JSON.parse(value.toString())).toEqual({
      subject: 's', version: 1, id: 7, schemaType: 'PROTOBUF', references: [{ name: 'a.proto', subject: 'a', version: 1 }], schema: 'syntax = "proto3";', deleted: false,
    });
  });

  it('reads what a Confluent registry writes: AVRO by default, extra fields ignored, older config spelling, unknown key types passed over', () => {
    const key = Buffer.from('{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}');
    const value = Buffer.from('{"subject":"orders-value","version":1,"id":1,"schema":"\\"string\\"","deleted":false,"metadata":null,"ruleSet":null}');
    expect(decodeRecord(key, value)).toMatchObject({ kind: 'SCHEMA', value: { id: 1, schemaType: 'AVRO', references: [], schema: '"string"' } });
    expect(decodeRecord(Buffer.from('{"keytype":"CONFIG","subject":null,"magic":0}'), Buffer.from('{"compatibility":"NONE"}')))
      .toEqual({ kind: 'CONFIG', subject: null, value: 'NONE' });
    expect(decodeRecord(Buffer.from('{"keytype":"CLEAR_SUBJECT","subject":"x","magic":0}'), Buffer.from('{}'))).toBeUndefined();
    expect(decodeRecord(key, null)).toEqual({ kind: 'SCHEMA', subject: 'orders-value', version: 1, value: null });
  });

  it('refuses what is not a registry record', () => {
    const bad: [string, string | null][] = [
      ['not json', '{}'],
      ['[]', '{}'],
      ['{"keytype":"SCHEMA","subject":"s","version":0,"magic":1}', null],
      ['{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', '{"id":"1","schema":"x"}'],
      ['{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', '{"subject":"other","version":1,"id":1,"schema":"x"}'],
      ['{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"SOMETIMES"}'],
      ['{"keytype":"MODE","subject":null,"magic":0}', '{"mode":7}'],
      ['{"magic":0}', '{}'],
    ];
    for (const [k, v] of bad) expect(() => decodeRecord(Buffer.from(k), v === null ? null : Buffer.from(v)), k).toThrow(BadRecord);
  });
});

describe('the _schemas topic of a running broker', () => {
  it('serves records other writers produce, and skips junk live and at replay', async () => {
    const broker = await startTestBroker();
    cleanups.push(() => broker.close());
    const url = broker.schemaRegistryUrl!;
    const mine = await call(url, 'POST', '/subjects/mine/versions', { schema: avroRecord('Mine', ['a']) });
    expect(mine.status).toBe(200);

    const kafka = new Kafka({ clientId: 'schemas-writer', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: '_schemas', messages: [
      { key: 'garbage', value: 'more garbage' },
      { key: null, value: '{"subject":"x"}' },
      { key: '{"keytype":"SCHEMA","subject":"x","version":1,"magic":1}', value: '{"id":-5}' },
      { key: '{"keytype":"NOOP","magic":0}', value: null },
      // As another registry would write it: id 100, served at once.
      { key: '{"keytype":"SCHEMA","subject":"theirs","version":1,"magic":1}',
        value: JSON.stringify({ subject: 'theirs', version: 1, id: 100, schema: avroRecord('Theirs', ['b']), deleted: false }) },
      { key: '{"keytype":"CONFIG","subject":"theirs","magic":0}', value: '{"compatibilityLevel":"FULL_TRANSITIVE"}' },
    ] });
    await producer.disconnect();

    const check = async () => {
      expect((await call(url, 'GET', '/subjects')).body).toEqual(['mine', 'theirs']);
      expect((await call(url, 'GET', '/schemas/ids/100')).body).toEqual({ schema: avroRecord('Theirs', ['b']) });
      expect((await call(url, 'GET', '/config/theirs')).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
      expect((await call(url, 'GET', `/schemas/ids/${mine.body.id}`)).status).toBe(200);
    };
    await check();
    // The next id is past the one the other writer used: ids are never reused.
    const next = await call(url, 'POST', '/subjects/next/versions', { schema: avroRecord('Next', ['c']) });
    expect(next.body.id).toBe(101);

    const dataDir = broker.dataDir;
    await broker.close();
    cleanups.pop();
    const again = await startTestBroker({ dataDir });
    cleanups.push(() => again.close());
    const url2 = again.schemaRegistryUrl!;
    expect((await call(url2, 'GET', '/subjects')).body).toEqual(['mine', 'next', 'theirs']);
    expect((await call(url2, 'GET', '/schemas/ids/100')).body).toEqual({ schema: avroRecord('Theirs', ['b']) });
    expect((await call(url2, 'GET', '/subjects/next/versions/1')).body.id).toBe(101);
  });

  it('junk in bulk is counted, not logged line by line', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const broker = await startTestBroker({ logger: pino({ level: 'warn' }, sink) });
    cleanups.push(() => broker.close());
    const producer = new Kafka({ clientId: 'junk-bulk', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: '_schemas', messages: Array.from({ length: 500 }, (_, i) => ({ key: `junk-${i}`, value: 'x' })) });
    await producer.disconnect();
    expect((await call(broker.schemaRegistryUrl!, 'GET', '/subjects')).body).toEqual([]);
    const skips = lines.filter((l) => l.includes('_schemas that'));
    expect(skips.length).toBe(11);
    expect(skips.at(-1)).toContain('skipped 500 records');
  });

  it('the _schemas topic is made with one partition and cleanup.policy=compact', async () => {
    const broker = await startTestBroker();
    cleanups.push(() => broker.close());
    await call(broker.schemaRegistryUrl!, 'POST', '/subjects/a/versions', { schema: '"string"' });
    const admin = new Kafka({ clientId: 'schemas-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: ['_schemas'] });
      expect(meta.topics[0]!.partitions).toHaveLength(1);
      const configs = await admin.describeConfigs({ resources: [{ type: 2, name: '_schemas', configNames: ['cleanup.policy'] }], includeSynonyms: false });
      expect(configs.resources[0]!.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('under --flush-policy always a registration is answered only once its record is synced', async () => {
    const { broker, syncedBytes } = await startBrokerWithSyncLog({ flushPolicy: 'always' });
    cleanups.push(() => broker.close());
    const url = broker.schemaRegistryUrl!;
    const segment = () => {
      const dir = path.join(broker.dataDir, '_schemas-0');
      return path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.log'))!);
    };
    for (let i = 0; i < 10; i++) {
      const res = await call(url, 'POST', `/subjects/durable-${i}/versions`, { schema: avroRecord(`D${i}`, ['a']) });
      expect(res.status).toBe(200);
      const file = segment();
      expect(syncedBytes(file)).toBeGreaterThanOrEqual(fs.statSync(file).size);
    }
    // A level change too.
    expect((await call(url, 'PUT', '/config', { compatibility: 'NONE' })).status).toBe(200);
    expect(syncedBytes(segment())).toBeGreaterThanOrEqual(fs.statSync(segment()).size);
  });
});
