/**
 * Hostile HTTP against the Schema Registry while a kafkajs producer and consumer keep using the
 * same broker: oversized bodies (declared and chunked), slow bodies held open, malformed JSON
 * and wrong shapes, path traversal and odd bytes in subjects, a deeply nested schema, and 10,000
 * subjects. Every answer is a registry error (never 500), the registry keeps answering, and every
 * message the producer sent is consumed.
 */
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { avroRecord, call } from '../registry/registry-client.js';
import { HOSTILE, recordFigure, writeFigures } from '../reliability/record.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
const MAX_BODY = 64 * 1024;
const SUBJECTS = 10_000;

let broker: Broker;
let url: string;
let port: number;
let produced = 0;
const consumed = new Set<string>();
let stopTraffic: () => Promise<void>;

beforeAll(async () => {
  broker = await startTestBroker({ schemaRegistryMaxBodyBytes: MAX_BODY });
  url = broker.schemaRegistryUrl!;
  port = Number(new URL(url).port);
  // Kafka traffic all through the file.
  const kafka = new Kafka({ clientId: 'hostile-registry', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'hostile-registry' });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: 'traffic', fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => { consumed.add(message.value!.toString()); } });
  let running = true;
  const loop = (async () => {
    while (running) {
      await producer.send({ topic: 'traffic', messages: [{ value: `m${produced}` }] });
      produced++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  stopTraffic = async () => {
    running = false;
    await loop;
    const deadline = Date.now() + 30_000;
    while (consumed.size < produced && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    await producer.disconnect();
  };
}, 60_000);

afterAll(async () => {
  await broker?.close();
  writeFigures(import.meta.url);
});

function raw(text: string, holdMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => { out += d.toString('latin1'); });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); resolve(out); }, holdMs).unref();
  });
}

const statuses: number[] = [];
async function expectRegistryError(method: string, path: string, body: unknown, code: number): Promise<void> {
  const res = await call(url, method, path, body);
  statuses.push(res.status);
  expect(res.body?.error_code, `${method} ${path}`).toBe(code);
}

describe('hostile HTTP against the Schema Registry', () => {
  it('refuses a body over the limit before reading it whole, declared or chunked', async () => {
    const declared = await raw(`POST /subjects/big/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY * 100}\r\n\r\n{"schema":"`);
    expect(declared).toMatch(/^HTTP\/1.1 413/);
    expect(declared).toContain('"error_code":413');
    const chunk = 'x'.repeat(16 * 1024);
    let chunked = 'POST /subjects/big/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    for (let i = 0; i < 8; i++) chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    const answer = await raw(chunked);
    expect(answer).toMatch(/^HTTP\/1.1 413/);
    // A schema just under the limit is still read (and refused for what it is, not its size).
    await expectRegistryError('POST', '/subjects/big/versions', { schema: `"${'y'.repeat(MAX_BODY - 100)}"` }, 42201);
  });

  it('slow bodies held open do not stop other requests', async () => {
    const held: net.Socket[] = [];
    for (let i = 0; i < 50; i++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(`POST /subjects/slow/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"sch`);
      held.push(socket);
    }
    const res = await call(url, 'POST', '/subjects/while-slow/versions', { schema: avroRecord('WhileSlow', ['a']) });
    expect(res.status).toBe(200);
    for (const s of held) s.destroy();
  });

  it('malformed JSON and wrong shapes get 400 / 422 / 42201, never 500', async () => {
    const bodies: [unknown, number][] = [
      ['{', 400], ['{"schema":"a"', 400], ['\u0000\u0001', 400], ['null', 422], ['[]', 422], ['"str"', 422], ['123', 422],
      [{ schema: null }, 42201], [{ schema: ['x'] }, 42201], [{ schema: '"string"', references: 'x' }, 422],
      [{ schema: '"string"', references: [null] }, 422], [{ schema: '"string"', references: [{ name: 'a', subject: 'b', version: 'x' }] }, 42202],
      [{ schema: '"string"', schemaType: 7 }, 422], [{ schema: '"string"', id: -7 }, 422], [{ schema: '"string"', version: 2 ** 40 }, 42202],
      [{ schema: '"string"', __proto__: { x: 1 }, constructor: 1 }, 422],
    ];
    for (const [body, code] of bodies) await expectRegistryError('POST', '/subjects/malformed/versions', body, code);
    await expectRegistryError('PUT', '/config', { compatibility: { $gt: '' } }, 42203);
    await expectRegistryError('PUT', '/mode', '{"mode":', 400);
    await expectRegistryError('GET', `/subjects/x/versions/${'9'.repeat(400)}`, undefined, 42202);
    await expectRegistryError('GET', `/schemas/ids/${'9'.repeat(400)}`, undefined, 40403);
  });

  it('a deeply nested or huge schema is refused quickly as invalid', async () => {
    await expectRegistryError('POST', '/subjects/deep/versions', { schema: '['.repeat(30_000) + ']'.repeat(30_000) }, 42201);
    await expectRegistryError('POST', '/subjects/deep/versions', { schema: '{"type":'.repeat(5000) + '"int"' + '}'.repeat(5000) }, 42201);
    await expectRegistryError('POST', '/subjects/deep/versions', { schemaType: 'JSON', schema: '{"items":'.repeat(5000) + '{}' + '}'.repeat(5000) }, 42201);
    await expectRegistryError('POST', '/subjects/deep/versions', { schemaType: 'PROTOBUF', schema: 'message A {'.repeat(3000) + '}'.repeat(3000) }, 42201);
  });

  it('path traversal and odd bytes in subjects are subject names, never files; bad escapes are 400', async () => {
    const names = ['../../etc/passwd', '/', '\\..\\windows', 'a\u0000b', '%2e%2e', 'ünïcødé', ' ', 'x'.repeat(4000)];
    for (const name of names) {
      const res = await call(url, 'POST', `/subjects/${encodeURIComponent(name)}/versions`, { schema: '"string"' });
      expect(res.status, name).toBe(200);
      const back = await call(url, 'GET', `/subjects/${encodeURIComponent(name)}/versions/latest`);
      expect(back.body.subject).toBe(name);
    }
    // '.' and '..' as whole segments, escaped or not, are subject names too (the path is split
    // as sent, never resolved against a directory); fetch would fold them, so the bytes go raw.
    for (const [segment, name] of [['%2E%2E', '..'], ['%2e', '.'], ['..', '..']] as const) {
      const body = JSON.stringify({ schema: '"string"' });
      const answer = await raw(`POST /subjects/${segment}/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      expect(answer, segment).toMatch(/^HTTP\/1.1 200/);
      const back = await raw(`GET /subjects/${segment}/versions/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(back, segment).toContain(`"subject":"${name}"`);
    }
    expect((await raw('GET /subjects/%zz/versions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toMatch(/^HTTP\/1.1 400/);
    expect((await raw('GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toMatch(/^HTTP\/1.1 404/);
  });

  it(`${SUBJECTS.toLocaleString('en')} subjects: registered, listed, and served by name`, async () => {
    let next = 0;
    const worker = async () => {
      while (next < SUBJECTS) {
        const i = next++;
        const res = await call(url, 'POST', `/subjects/many-${i}/versions`, { schema: avroRecord(`Many${i}`, ['a']) });
        if (res.status !== 200) throw new Error(`subject ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const list = await call(url, 'GET', '/subjects?subjectPrefix=many-');
    expect(list.body).toHaveLength(SUBJECTS);
    for (const i of [0, 4321, SUBJECTS - 1]) {
      const res = await call(url, 'GET', `/subjects/many-${i}/versions/latest`);
      expect(res.body.schema).toBe(avroRecord(`Many${i}`, ['a']));
    }
  }, 300_000);

  it('the Kafka traffic kept flowing through all of it', async () => {
    await stopTraffic();
    expect(produced).toBeGreaterThan(10);
    expect(consumed.size).toBe(produced);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    recordFigure(HOSTILE, 'Schema Registry under hostile HTTP (oversized declared and chunked bodies, 50 slow bodies held, malformed JSON, traversal in subjects, nested schemas, 10,000 subjects) with kafkajs producing and consuming throughout', {
      figure: `every answer a registry error code, none 5xx; ${SUBJECTS.toLocaleString('en')} subjects listed and served; ${produced} messages produced, all consumed`,
      command: 'npx vitest run test/faults/hostile-registry.test.ts',
      subjects: SUBJECTS, produced, consumed: consumed.size,
    });
  });
});
