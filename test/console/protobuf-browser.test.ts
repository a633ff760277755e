/**
 * Protobuf values in the message browser, in a real browser (Debian's Chromium, headless, driven
 * by playwright-core; no download). Values come from two real registry clients through the
 * broker's own registry: Confluent's Python ProtobufSerializer (confluent-kafka, the peer
 * test/console/python/protobuf_producer.py: a first message with the 0 shorthand, a second
 * message with index [1], a nested one with [1, 0]) and @kafkajs/confluent-schema-registry (no
 * message-index list at all). The page shows each as JSON with its schema id and message name,
 * a string holding a script tag as text, and a value whose index names no message as hex with
 * one line saying why. The page is saved as docs/console/messages-protobuf.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { runPeer, type Peer } from '../compat/peers.js';
import { repoRoot } from '../harness/repo-paths.js';
import { startTestBroker } from '../helpers/broker.js';
import { launchChromium, SHOTS } from './chromium.js';

const PYTHON = path.join(repoRoot, 'test/compat/python/.venv/bin/python');
const protobufProducer: Peer = {
  name: 'confluent-kafka for Python (ProtobufSerializer)',
  missing: () => fs.existsSync(PYTHON) ? null : 'the Python venv is missing: run bash scripts/install-peers.sh',
  command: () => [PYTHON, path.join(repoRoot, 'test/console/python/protobuf_producer.py')],
};
const SCRIPT_NOTE = '<script>window.__pwned=1</script>';
const KAFKAJS_PROTO = `syntax = "proto3";
package shop.js;

message Parcel {
  enum Size { SMALL = 0; LARGE = 1; }
  int64 weight_grams = 1;
  Size size = 2;
  repeated string labels = 3;
}
`;

let broker: RunningBroker;
let kafka: Kafka;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const missing = protobufProducer.missing();
  if (missing) throw new Error(missing);
  broker = await startTestBroker();
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'console-protobuf', logLevel: logLevel.NOTHING });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => { throw err; });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await broker?.close();
});

async function browse(topic: string, count: number): Promise<Locator> {
  await page.goto(`${broker.httpUrl}/#/topic/${topic}`);
  await page.locator('[data-testid="end-0"]').filter({ hasText: String(count) }).waitFor();
  await page.locator('form[data-testid="browse"] button').click();
  const messages = page.locator('[data-testid="message"]');
  await messages.nth(count - 1).waitFor();
  expect(await messages.count()).toBe(count);
  return messages;
}

const valueOf = async (message: Locator) => JSON.parse((await message.locator('[data-testid="field-value"]').textContent())!);
const tagOf = (message: Locator) => message.locator('[data-testid="schema-tag"]').textContent();

describe('Protobuf values in the console', () => {
  it('shows values from Confluent\'s Python ProtobufSerializer as JSON with their message names', async () => {
    const topic = 'shop-protobuf';
    const run = await runPeer(protobufProducer, ['--bootstrap', broker.bootstrap, '--registry', broker.schemaRegistryUrl!, '--topic', topic], 90_000);
    if (run.code !== 0) throw new Error(`the Python producer exited ${run.code}: ${run.stderr}`);
    const { id, frames } = run.records[0] as unknown as { id: number; frames: string[] };
    // What the real serializer wrote between the schema id and each message: [0] as the 0
    // shorthand, [1] as count 1 and index 1, [1, 0] as count 2 and indexes 1, 0 (zigzag varints).
    expect(frames).toEqual(['00', '0202', '040200']);
    // A value naming a message the schema does not have ([7]): shown as bytes with the reason.
    const producer = kafka.producer();
    await producer.connect();
    const bad = Buffer.from([0, 0, 0, 0, 0, 0x02, 0x0e, 0x0a, 0x01, 0x41]);
    bad.writeUInt32BE(id, 1);
    await producer.send({ topic, messages: [{ value: bad }] });
    await producer.disconnect();

    const messages = await browse(topic, 4);
    // Newest first: the bad value, Order.Line, Order, Customer.
    expect(await tagOf(messages.nth(0))).toBe(`schema ${id} PROTOBUF: does not decode with schema ${id}: message index [7] names no message of the schema`);
    expect(await messages.nth(0).locator('[data-testid="field-value"]').textContent()).toMatch(/^000000 {2}00 00 00 00 [0-9a-f]{2} 02 0e 0a 01 41$/);
    expect(await tagOf(messages.nth(1))).toBe(`schema ${id} PROTOBUF shop.Order.Line`);
    expect(await valueOf(messages.nth(1))).toEqual({ sku: 'cake', qty: 1 });
    expect(await tagOf(messages.nth(2))).toBe(`schema ${id} PROTOBUF shop.Order`);
    expect(await valueOf(messages.nth(2))).toEqual({
      id: '18446744073709551615', lines: [{ sku: 'tea', qty: 2 }], status: 'PAID', token: 'AQID', note: SCRIPT_NOTE,
    });
    expect(Object.keys(await valueOf(messages.nth(2)))).toEqual(['id', 'lines', 'status', 'token', 'note']);
    expect(await tagOf(messages.nth(3))).toBe(`schema ${id} PROTOBUF shop.Customer`);
    expect(await valueOf(messages.nth(3))).toEqual({ name: 'Ada' });
    // The script tag inside a decoded string is text: nothing ran, no element was made of it.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('[data-testid="messages"] script, [data-testid="messages"] pre *').count()).toBe(0);
    expect(await page.locator('[data-testid="schema-note"]').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'messages-protobuf.png'), fullPage: true });
  }, 180_000);

  it('shows values from @kafkajs/confluent-schema-registry (no message-index list) as the first message, and says so', async () => {
    const topic = 'shop-protobuf-kafkajs';
    const registry = new SchemaRegistry({ host: broker.schemaRegistryUrl! });
    const { id } = await registry.register({ type: SchemaType.PROTOBUF, schema: KAFKAJS_PROTO }, { subject: `${topic}-value` });
    // kafkajs parses .proto without keepCase: its field names are camelCase (the page keeps the file's).
    const values = [
      { weightGrams: 1250, size: 1, labels: ['fragile', '<b>this side up</b>'] },
      { weightGrams: 0, size: 0, labels: [] },
    ];
    const encoded = await Promise.all(values.map((v) => registry.encode(id, v)));
    // kafkajs' framing: the message right after the schema id (0x08, field 1 as a varint, which
    // could also begin a list of 4 indexes: the browser tries that and finds no such message).
    expect(encoded[0]!.subarray(5, 6)).toEqual(Buffer.from([0x08]));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: encoded.map((value) => ({ value })) });
    await producer.disconnect();

    const messages = await browse(topic, 2);
    expect(await tagOf(messages.nth(1))).toBe(`schema ${id} PROTOBUF shop.js.Parcel`);
    expect(await valueOf(messages.nth(1))).toEqual({ weight_grams: '1250', size: 'LARGE', labels: ['fragile', '<b>this side up</b>'] });
    expect(await messages.nth(1).locator('[data-testid="schema-note"]').textContent()).toMatch(/no message-index list .*read as the first message/);
    // An all-default message is an empty payload: every field shown with the value it means.
    expect(await valueOf(messages.nth(0))).toEqual({ weight_grams: '0', size: 'SMALL', labels: [] });
    expect(await page.locator('[data-testid="messages"] pre *').count()).toBe(0);
  }, 120_000);
});
