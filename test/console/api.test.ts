/**
 * The console's JSON API over a real socket, against data written by kafkajs: topics with
 * offsets and sizes, the message browser's windows (newest/oldest, offset, timestamp, caps),
 * create/delete/produce with their input checks, groups with lag, the page with its CSP, and
 * the Schema Registry wire format decoded through the broker's own registry (Avro; Protobuf with
 * a referenced file).
 */
import http from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { startTestBroker } from '../helpers/broker.js';

let broker: RunningBroker;
let kafka: Kafka;
const api = (path: string, init?: RequestInit) => fetch(`${broker.httpUrl}${path}`, init);
const post = (path: string, body: unknown) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const text = (f: { base64: string } | null) => (f === null ? null : Buffer.from(f.base64, 'base64').toString('utf8'));

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'console-api', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < 10; i++) {
    await producer.send({ topic: 'orders', messages: [{ partition: 0, key: `k${i}`, value: JSON.stringify({ n: i }), headers: { h: `v${i}` }, timestamp: String(1_700_000_000_000 + i * 1000) }] });
  }
  await producer.disconnect();
});
afterAll(() => broker?.close());

describe('console API', () => {
  it('lists topics with partitions, offsets and sizes', async () => {
    const topics = await (await api('/api/topics')).json();
    const orders = topics.find((t: { name: string }) => t.name === 'orders');
    expect(orders.partitions.map((p: { logEndOffset: number }) => p.logEndOffset)).toEqual([10, 0]);
    expect(orders.records).toBe(10);
    expect(orders.sizeBytes).toBeGreaterThan(0);
    expect(orders.partitions[0].segments).toBe(1);
  });

  it('browses newest first, oldest first, from an offset and from a timestamp', async () => {
    const browse = async (q: string) => (await (await api(`/api/topics/orders/partitions/0/messages?${q}`)).json()).messages;
    expect((await browse('limit=3')).map((m: { offset: number }) => m.offset)).toEqual([9, 8, 7]);
    expect((await browse('order=oldest&limit=3')).map((m: { offset: number }) => m.offset)).toEqual([0, 1, 2]);
    expect((await browse('order=oldest&offset=5&limit=2')).map((m: { offset: number }) => m.offset)).toEqual([5, 6]);
    expect((await browse('order=newest&offset=5&limit=2')).map((m: { offset: number }) => m.offset)).toEqual([5, 4]);
    expect((await browse(`order=oldest&timestamp=${1_700_000_000_000 + 3500}&limit=1`)).map((m: { offset: number }) => m.offset)).toEqual([4]);
    const [m] = await browse('order=oldest&limit=1');
    expect([text(m.key), text(m.value), m.headers[0].key, text(m.headers[0].value)]).toEqual(['k0', '{"n":0}', 'h', 'v0']);
    expect(m.timestamp).toBe(1_700_000_000_000);
  });

  it('refuses bad browse input with 400 and a message, and caps the limit', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'offset=1e3', 'order=sideways', 'offset=1&timestamp=2', 'offset=99999999999999999']) {
      const res = await api(`/api/topics/orders/partitions/0/messages?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error).toBeTruthy();
    }
    expect((await api('/api/topics/orders/partitions/9/messages')).status).toBe(404);
    expect((await api('/api/topics/nope/partitions/0/messages')).status).toBe(404);
    expect((await api('/api/topics/bad%20name/partitions/0/messages')).status).toBe(400);
  });

  it('creates a topic, produces a test message kafkajs reads, and deletes the topic', async () => {
    const created = await post('/api/topics', { name: 'from-console', partitions: 3 });
    expect(created.status).toBe(201);
    expect((await created.json()).partitions).toHaveLength(3);
    expect((await post('/api/topics', { name: 'from-console', partitions: 3 })).status).toBe(409);
    for (const bad of [{ name: 'a b' }, { name: '' }, { name: 'x', partitions: 0 }, { name: 'x', partitions: 1001 }, { name: '__consumer_offsets' }, { partitions: 1 }]) {
      expect((await post('/api/topics', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const sent = await post('/api/topics/from-console/messages', { partition: 2, key: 'hello', value: 'world', headers: [{ key: 'src', value: 'console' }] });
    expect(sent.status).toBe(201);
    expect(await sent.json()).toEqual({ partition: 2, offset: 0 });
    const consumer = kafka.consumer({ groupId: 'console-api-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'from-console', fromBeginning: true });
    const got = await new Promise<{ key: string; value: string; header: string; partition: number }>((resolve) => {
      void consumer.run({ eachMessage: async ({ message, partition }) => resolve({ key: String(message.key), value: String(message.value), header: String(message.headers?.src), partition }) });
    });
    await consumer.disconnect();
    expect(got).toEqual({ key: 'hello', value: 'world', header: 'console', partition: 2 });
    expect((await post('/api/topics/from-console/messages', { partition: 3, value: 'x' })).status).toBe(400);
    expect((await post('/api/topics/from-console/messages', { value: 5 })).status).toBe(400);
    expect((await post('/api/topics/__consumer_offsets/messages', { value: 'x' })).status).toBe(400);
    expect((await api('/api/topics/from-console', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/api/topics/from-console', { method: 'DELETE' })).status).toBe(404);
    expect((await api('/api/topics/__consumer_offsets', { method: 'DELETE' })).status).toBe(400);
  });

  it('answers only loopback Host headers while it listens on loopback (a DNS-rebinding page is refused)', async () => {
    const { port } = new URL(broker.httpUrl!);
    const withHost = (host: string, method = 'GET', path = '/api/topics', body?: string) => new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: Number(port), path, method,
        headers: { Host: host, ...(body ? { 'Content-Type': 'application/json', Origin: `http://${host}` } : {}) } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(body);
    });
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) expect(await withHost(host), host).toBe(200);
    expect(await withHost(`rebind.example:${port}`)).toBe(403);
    expect(await withHost(`rebind.example:${port}`, 'GET', '/')).toBe(403);
    expect(await withHost(`rebind.example:${port}`, 'POST', '/api/topics', '{"name":"rebound"}')).toBe(403);
    expect((await api('/api/topics/rebound')).status).toBe(404);
  });

  it('refuses writes from other origins and without a JSON content type', async () => {
    const form = await api('/api/topics', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"name":"csrf"}' });
    expect(form.status).toBe(415);
    const foreign = await api('/api/topics', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'http://evil.example' }, body: '{"name":"csrf"}' });
    expect(foreign.status).toBe(403);
    const del = await api('/api/topics/orders', { method: 'DELETE', headers: { Origin: 'http://evil.example' } });
    expect(del.status).toBe(403);
    expect((await api('/api/topics/csrf')).status).toBe(404);
  });

  it('shows a group with its members gone, committed offsets and lag', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'console-lag', topic: 'orders', partitions: [{ partition: 0, offset: '4' }] });
    await admin.disconnect();
    const groups = await (await api('/api/groups')).json();
    expect(groups.find((g: { groupId: string }) => g.groupId === 'console-lag')).toMatchObject({ lag: 6, members: 0 });
    const detail = await (await api('/api/groups/console-lag')).json();
    expect(detail.offsets).toEqual([{ group: 'console-lag', topic: 'orders', partition: 0, committed: 4, logEndOffset: 10, lag: 6 }]);
    expect((await api('/api/groups/nobody')).status).toBe(404);
  });

  it('serves the page and its assets with content types and a strict CSP', async () => {
    const page = await api('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).toContain('/assets/console.js');
    expect((await api('/assets/console.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await api('/assets/console.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await api('/assets/..%2Fpackage.json')).status).toBe(404);
    expect((await api('/assets/nothing.js')).status).toBe(404);
  });

  it('decodes values in the registry wire format through the broker\'s own registry', async () => {
    const registry = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
    const schema = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'int' }, { name: 'item', type: 'string' }] });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: 'avro-orders-value' });
    const encoded = await registry.encode(id, { id: 7, item: 'tea' });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'avro-orders', messages: [{ value: encoded }, { value: Buffer.from([0, 0, 0, 0x7f, 0x7f, 1, 2]) }] });
    await producer.disconnect();
    const res = await (await api('/api/topics/avro-orders/partitions/0/messages?order=oldest')).json();
    expect(res.messages[0].value.schema).toMatchObject({ id, type: 'AVRO' });
    expect(JSON.parse(res.messages[0].value.schema.json)).toEqual({ id: 7, item: 'tea' });
    expect(res.messages[1].value.schema).toMatchObject({ id: 0x7f7f, error: expect.stringMatching(/not in this broker's registry/) });
  });

  it('decodes Protobuf values whose schema imports a referenced schema, resolved through the broker\'s own registry', async () => {
    const register = async (subject: string, body: unknown) => {
      const res = await fetch(`${broker.schemaRegistryUrl}/subjects/${subject}/versions`, {
        method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: number }).id;
    };
    const money = 'syntax = "proto3";\npackage pay;\nmessage Money { string currency = 1; int64 cents = 2; }\n';
    const invoice = 'syntax = "proto3";\npackage pay;\nimport "money.proto";\nmessage Invoice { string number = 1; pay.Money total = 2; }\n';
    await register('money', { schemaType: 'PROTOBUF', schema: money });
    const id = await register('invoices-value', {
      schemaType: 'PROTOBUF', schema: invoice, references: [{ name: 'money.proto', subject: 'money', version: 1 }],
    });
    // Encoded here with protobufjs from the same two files, framed as Confluent's serializers frame [0].
    const root = protobuf.parse(money, { keepCase: true }).root;
    protobuf.parse(invoice, root, { keepCase: true });
    const payload = root.lookupType('pay.Invoice').encode({ number: 'INV-7', total: { currency: 'EUR', cents: 990 } }).finish();
    const value = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0]), payload]);
    value.writeUInt32BE(id, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'invoices', messages: [{ value }] });
    await producer.disconnect();
    const res = await (await api('/api/topics/invoices/partitions/0/messages')).json();
    expect(res.messages[0].value.schema).toMatchObject({ id, type: 'PROTOBUF', message: 'pay.Invoice' });
    expect(JSON.parse(res.messages[0].value.schema.json)).toEqual({ number: 'INV-7', total: { currency: 'EUR', cents: '990' } });
  });
});
