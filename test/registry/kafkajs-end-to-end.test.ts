/**
 * @kafkajs/confluent-schema-registry against the registry of a real broker from startBroker():
 * register, getLatestSchemaId, getRegistryId, encode and decode in Avro, JSON Schema and
 * Protobuf, references, a compatibility violation refused at register, and the encoded messages
 * produced and consumed with kafkajs through the same broker.
 */
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeValues, startRegistryBroker } from './registry-client.js';

type Bench = Awaited<ReturnType<typeof startRegistryBroker>>;

const userV1 = JSON.stringify({
  type: 'record', name: 'User', namespace: 'test.brooklet',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }],
});
// Adds a field with a default: a reader of v2 can read data written with v1 (BACKWARD).
const userV2 = JSON.stringify({
  type: 'record', name: 'User', namespace: 'test.brooklet',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'email', type: 'string', default: '' }],
});
// A new field without a default: v1 data has nothing to fill it with (not BACKWARD).
const userBroken = JSON.stringify({
  type: 'record', name: 'User', namespace: 'test.brooklet',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'phone', type: 'string' }],
});

describe('@kafkajs/confluent-schema-registry end to end', () => {
  let bench: Bench;
  let broker: Bench['broker'];
  let registry: SchemaRegistry;
  let kafka: Kafka;
  let producer: Producer;
  let consumers: Consumer[];

  beforeAll(async () => {
    bench = await startRegistryBroker('registry-e2e');
    ({ broker, kafka, producer, consumers } = bench);
    expect(broker.schemaRegistryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    registry = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
  }, 60_000);

  afterAll(() => bench?.close());

  async function roundTrip(topic: string, values: Buffer[]): Promise<Buffer[]> {
    await producer.send({ topic, messages: values.map((value) => ({ value })) });
    return consumeValues(kafka, topic, values.length, consumers);
  }

  it('Avro: register, ids, encode, produce, consume, decode; identical schema gets its id back', async () => {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: userV1 }, { subject: 'users-value' });
    expect(id).toBeGreaterThan(0);
    expect(await registry.getLatestSchemaId('users-value')).toBe(id);
    expect(await registry.getRegistryId('users-value', 1)).toBe(id);
    expect(await registry.getRegistryId('users-value', 'latest')).toBe(id);
    // The same schema, other whitespace: same id, no new version.
    const again = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(JSON.parse(userV1), null, 2) }, { subject: 'users-value' });
    expect(again.id).toBe(id);

    const encoded = await registry.encode(id, { name: 'Ada', age: 36 });
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    const [consumed] = await roundTrip('users-avro', [encoded]);
    // A fresh client decodes by fetching the schema by id from the registry.
    const fresh = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
    expect(await fresh.decode(consumed!)).toEqual({ name: 'Ada', age: 36 });
  });

  it('Avro: a compatible change registers as version 2; an incompatible one is refused with 409', async () => {
    const v2 = await registry.register({ type: SchemaType.AVRO, schema: userV2 }, { subject: 'users-value' });
    expect(await registry.getLatestSchemaId('users-value')).toBe(v2.id);
    expect(await registry.getRegistryId('users-value', 2)).toBe(v2.id);
    const refused = registry.register({ type: SchemaType.AVRO, schema: userBroken }, { subject: 'users-value' });
    await expect(refused).rejects.toMatchObject({ status: 409 });
    expect(await registry.getLatestSchemaId('users-value')).toBe(v2.id);
  });

  it('JSON Schema: register, encode (validated), produce, consume, decode', async () => {
    const schema = JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#', type: 'object',
      properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'],
    });
    const { id } = await registry.register({ type: SchemaType.JSON, schema }, { subject: 'orders-value' });
    expect(await registry.getLatestSchemaId('orders-value')).toBe(id);
    await expect(registry.encode(id, { sku: 'x' })).rejects.toThrow();
    const encoded = await registry.encode(id, { sku: 'abc', qty: 3 });
    const [consumed] = await roundTrip('orders-json', [encoded]);
    const fresh = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
    expect(await fresh.decode(consumed!)).toEqual({ sku: 'abc', qty: 3 });
  });

  it('Protobuf: register, encode, produce, consume, decode', async () => {
    const schema = `syntax = "proto3";
package test.brooklet;
message Payment {
  string id = 1;
  double amount = 2;
}`;
    const { id } = await registry.register({ type: SchemaType.PROTOBUF, schema }, { subject: 'payments-value' });
    expect(await registry.getRegistryId('payments-value', 'latest')).toBe(id);
    const encoded = await registry.encode(id, { id: 'p-1', amount: 12.5 });
    const [consumed] = await roundTrip('payments-proto', [encoded]);
    const fresh = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
    expect(await fresh.decode(consumed!)).toMatchObject({ id: 'p-1', amount: 12.5 });
  });

  it('references: an Avro record that uses a type registered under another subject', async () => {
    const address = JSON.stringify({
      type: 'record', name: 'Address', namespace: 'test.brooklet',
      fields: [{ name: 'city', type: 'string' }],
    });
    await registry.register({ type: SchemaType.AVRO, schema: address }, { subject: 'address' });
    const customer = JSON.stringify({
      type: 'record', name: 'Customer', namespace: 'test.brooklet',
      fields: [{ name: 'name', type: 'string' }, { name: 'address', type: 'test.brooklet.Address' }],
    });
    const { id } = await registry.register({
      type: SchemaType.AVRO, schema: customer,
      references: [{ name: 'test.brooklet.Address', subject: 'address', version: 1 }],
    }, { subject: 'customers-value' });
    const encoded = await registry.encode(id, { name: 'Grace', address: { city: 'Arlington' } });
    const [consumed] = await roundTrip('customers-avro', [encoded]);
    const fresh = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
    expect(await fresh.decode(consumed!)).toEqual({ name: 'Grace', address: { city: 'Arlington' } });

    // The referenced version cannot be deleted while the reference exists.
    const res = await fetch(`${broker.schemaRegistryUrl}/subjects/address/versions/1`, { method: 'DELETE' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error_code: 42206 });
    const by = await fetch(`${broker.schemaRegistryUrl}/subjects/address/versions/1/referencedby`);
    expect(await by.json()).toEqual([id]);
  });

  it('the compatibility level the client sets on first registration is kept per subject', async () => {
    await registry.register({ type: SchemaType.AVRO, schema: userV1 }, { subject: 'strict-value', compatibility: COMPATIBILITY.FULL });
    const res = await fetch(`${broker.schemaRegistryUrl}/config/strict-value`);
    expect(await res.json()).toEqual({ compatibilityLevel: 'FULL' });
    // Asking again with another level is refused by the client itself, reading our answer.
    await expect(registry.register({ type: SchemaType.AVRO, schema: userV2 }, { subject: 'strict-value', compatibility: COMPATIBILITY.NONE }))
      .rejects.toThrow(/Compatibility does not match/);
  });
});
