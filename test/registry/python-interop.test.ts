/**
 * A second, independent registry client: Confluent's Python client (confluent-kafka, its
 * SchemaRegistryClient with AvroSerializer, JSONSerializer and ProtobufSerializer) produces to
 * Brooklet and kafkajs with @kafkajs/confluent-schema-registry decodes the same messages; and the
 * reverse, kafkajs encoding and Python decoding (fetching the writer's schema by id, Protobuf in
 * the registry's `serialized` format). The peer is test/registry/python/registry_peer.py in the
 * venv scripts/install-peers.sh provisions; a missing venv fails the test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeer, type Peer } from '../compat/peers.js';
import { repoRoot } from '../harness/repo-paths.js';
import { consumeValues, startRegistryBroker } from './registry-client.js';

const PYTHON = path.join(repoRoot, 'test/compat/python/.venv/bin/python');
const pythonRegistryPeer: Peer = {
  name: 'confluent-kafka for Python (schema registry serializers)',
  missing: () => fs.existsSync(PYTHON) ? null : 'the Python venv is missing: run bash scripts/install-peers.sh',
  command: () => [PYTHON, path.join(repoRoot, 'test/registry/python/registry_peer.py')],
};

const COUNT = 5;
const PERSON_PROTO = `syntax = "proto3";
package test.brooklet;

message Person {
  string name = 1;
  int32 age = 2;
}
`;
const PERSON_AVRO = JSON.stringify({
  type: 'record', name: 'Person', namespace: 'test.brooklet',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }],
});
const PERSON_JSON = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#', title: 'Person', type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'],
});
const expected = Array.from({ length: COUNT }, (_, i) => ({ name: `user-${i}`, age: i }));

let bench: Awaited<ReturnType<typeof startRegistryBroker>>;
let broker: typeof bench.broker;
let kafka: Kafka;
let producer: Producer;
let consumers: Consumer[];

beforeAll(async () => {
  const missing = pythonRegistryPeer.missing();
  if (missing) throw new Error(missing);
  bench = await startRegistryBroker('registry-interop');
  ({ broker, kafka, producer, consumers } = bench);
}, 60_000);

afterAll(() => bench?.close());

async function python(command: 'produce' | 'consume', topic: string, format: string) {
  const run = await runPeer(pythonRegistryPeer, [command, '--bootstrap', broker.bootstrap, '--registry', broker.schemaRegistryUrl!,
    '--topic', topic, '--format', format, '--count', String(COUNT)], 90_000);
  if (run.code !== 0) throw new Error(`python ${command} ${format} exited ${run.code}: ${run.stderr}`);
  return run.records as unknown[];
}

/**
 * @kafkajs/confluent-schema-registry frames Protobuf without the message-index list the Confluent
 * wire format puts after the schema id (it decodes by skipping leading zero bytes), so no
 * Confluent serializer can read its Protobuf messages, whatever the registry. The kafkajs payload
 * is framed here as Confluent frames it ([0]: the first message of the file, one zero byte);
 * Avro and JSON need nothing.
 */
function confluentFraming(format: string, encoded: Buffer): Buffer {
  return format === 'protobuf' ? Buffer.concat([encoded.subarray(0, 5), Buffer.from([0]), encoded.subarray(5)]) : encoded;
}

const FORMATS = [
  { format: 'avro', type: SchemaType.AVRO, schema: PERSON_AVRO },
  { format: 'json', type: SchemaType.JSON, schema: PERSON_JSON },
  { format: 'protobuf', type: SchemaType.PROTOBUF, schema: PERSON_PROTO },
] as const;

describe('Python confluent-kafka and kafkajs share one registry', () => {
  for (const { format, type, schema } of FORMATS) {
    it(`${format}: Python serializes and produces, kafkajs consumes and decodes`, async () => {
      const topic = `py-to-js-${format}`;
      const [done] = await python('produce', topic, format) as { id: number }[];
      expect(done!.id).toBeGreaterThan(0);
      const registry = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
      const values = await consumeValues(kafka, topic, COUNT, consumers);
      const decoded = await Promise.all(values.map((v) => registry.decode(v)));
      // proto3 leaves a zero out of the wire: the decoded message has no age 0, which means 0.
      expect(decoded.map((d) => format === 'protobuf' ? { name: d.name, age: d.age ?? 0 } : { ...d })).toEqual(expected);
      expect(values.every((v) => v.readInt32BE(1) === done!.id)).toBe(true);
      // The registered schema reads back as text both clients understand (.proto for Protobuf).
      const stored = await (await fetch(`${broker.schemaRegistryUrl}/schemas/ids/${done!.id}`)).json() as { schema: string };
      if (format === 'protobuf') expect(stored.schema).toMatch(/message Person \{/);
    }, 120_000);

    it(`${format}: kafkajs encodes and produces, Python consumes and decodes`, async () => {
      const topic = `js-to-py-${format}`;
      const registry = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
      const { id } = await registry.register({ type, schema }, { subject: `${topic}-value` });
      const messages = await Promise.all(expected.map(async (value) => ({ value: confluentFraming(format, await registry.encode(id, value)) })));
      await producer.send({ topic, messages });
      expect(await python('consume', topic, format)).toEqual(expected);
    }, 120_000);
  }
});
