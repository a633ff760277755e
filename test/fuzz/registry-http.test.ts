/**
 * Fuzzes the Schema Registry's REST API over real sockets: random methods, paths built from the
 * API's own routes with hostile segments (huge numbers, traversal, bad escapes, control bytes),
 * random query flags and bodies (valid schemas of the three types, mutated JSON, random bytes,
 * deep nesting). No answer may be a 5xx, the broker logs no unexpected exception, and between
 * batches it still answers the registry and a Kafka producer.
 */
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { rng } from './mutate.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1000);

afterAll(() => writeFigures(import.meta.url));

const ROUTES = [
  '/', '/subjects', '/subjects/{s}', '/subjects/{s}/versions', '/subjects/{s}/versions/{v}', '/subjects/{s}/versions/{v}/schema',
  '/subjects/{s}/versions/{v}/referencedby', '/schemas/ids/{id}', '/schemas/ids/{id}/schema', '/schemas/ids/{id}/subjects',
  '/schemas/ids/{id}/versions', '/schemas/types', '/config', '/config/{s}', '/mode', '/mode/{s}', '/contexts',
  '/compatibility/subjects/{s}/versions/{v}', '/compatibility/subjects/{s}/versions', '/status/ready', '/v1/metadata/id',
];
const METHODS = ['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const SUBJECTS = ['a', 'b', 'orders-value', '..%2F..%2Fetc', '%00', '%zz', '%E2%82', 'x'.repeat(3000), '%2e%2e', 'ü', '%20', '-1'];
const VERSIONS = ['1', '2', 'latest', '-1', '0', '-2', '99999999999999999999', '1e3', '0x10', 'NaN', '', '%00', '3.5', '2147483647', '2147483648'];
const QUERY = ['deleted', 'permanent', 'normalize', 'defaultToGlobal', 'force', 'verbose', 'format', 'subject', 'subjectPrefix', 'lookupDeletedSchema'];
const SCHEMAS = [
  { schema: JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string', default: '' }] }) },
  { schema: JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }) },
  { schema: '"string"' },
  { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { a: { type: 'string' } } }) },
  { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }) },
  { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M { string a = 1; }\n' },
  { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M { int64 a = 1; map<string, M> m = 2; }\n' },
  { schema: '"int"', references: [{ name: 'x', subject: 'a', version: 1 }] },
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function mutate(r: () => number, text: string): string {
  const chars = [...text];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n && chars.length > 0; i++) {
    const at = Math.floor(r() * chars.length);
    const op = r();
    if (op < 0.4) chars.splice(at, 1);
    else if (op < 0.7) chars.splice(at, 0, pick(r, ['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'null', '1e999', '-0']));
    else chars[at] = String.fromCharCode(Math.floor(r() * 128));
  }
  return chars.join('');
}

function body(r: () => number): string | undefined {
  const x = r();
  if (x < 0.15) return undefined;
  if (x < 0.45) return JSON.stringify(pick(r, SCHEMAS));
  if (x < 0.65) return mutate(r, JSON.stringify(pick(r, SCHEMAS)));
  if (x < 0.72) return JSON.stringify({ compatibility: pick(r, ['NONE', 'FULL', 'backward', 'BOGUS', 7, null]) });
  if (x < 0.78) return JSON.stringify({ mode: pick(r, ['READWRITE', 'READONLY', 'IMPORT', 'x', null]) });
  if (x < 0.82) return '['.repeat(1 + Math.floor(r() * 20_000));
  if (x < 0.86) return JSON.stringify({ ...pick(r, SCHEMAS), id: pick(r, [1, -1, 0, 2 ** 31, 1.5, 'x']), version: pick(r, [1, 0, -1, 2 ** 40]) });
  if (x < 0.9) return JSON.stringify({ schema: '{"type":'.repeat(Math.floor(r() * 3000)) + '"int"' + '}'.repeat(Math.floor(r() * 3000)) });
  return Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256))).toString('latin1');
}

/** Methods each route serves, so most requests reach a handler rather than 405. */
function methodsOf(route: string): string[] {
  if (route.startsWith('/compatibility')) return ['POST'];
  if (route === '/subjects/{s}') return ['POST', 'DELETE'];
  if (route === '/subjects/{s}/versions') return ['GET', 'POST'];
  if (route === '/subjects/{s}/versions/{v}') return ['GET', 'DELETE'];
  if (route.startsWith('/config') || route.startsWith('/mode')) return ['GET', 'PUT', 'DELETE'];
  return ['GET'];
}

function request(r: () => number): { method: string; path: string; body: string | undefined } {
  const route = pick(r, ROUTES);
  const method = r() < 0.85 ? pick(r, methodsOf(route)) : pick(r, METHODS);
  let path = route
    .replace('{s}', () => pick(r, SUBJECTS))
    .replace('{v}', () => pick(r, VERSIONS))
    .replace('{id}', () => pick(r, ['1', '2', '3', '0', '-1', '99999999999', 'abc', '%00']));
  if (r() < 0.1) path += '/' + pick(r, ['extra', '..', '%2F', '']);
  const params = QUERY.filter(() => r() < 0.2).map((q) => `${q}=${pick(r, ['true', 'false', 'TRUE', '', 'serialized', 'resolved', 'a', '%zz'])}`);
  return { method, path: params.length > 0 ? `${path}?${params.join('&')}` : path, body: body(r) };
}

it(`the registry answers ${REQUESTS} random requests without a 5xx and keeps serving Kafka`, async () => {
  const errors: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { if (/"level":(50|60)/.test(String(chunk))) errors.push(String(chunk)); done(); } });
  const broker = await startTestBroker({ logger: pino({ level: 'warn' }, sink), schemaRegistryMaxBodyBytes: 256 * 1024 });
  const url = broker.schemaRegistryUrl!;
  const kafka = new Kafka({ clientId: 'registry-fuzz', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const r = rng(seed);
  const statuses = new Map<number, number>();
  const fives: string[] = [];
  let requests = 0;
  let probes = 0;
  const started = Date.now();
  try {
    while (requests < REQUESTS) {
      await Promise.all(Array.from({ length: 8 }, async () => {
        const req = request(r);
        const res = await fetch(url + req.path, {
          method: req.method,
          headers: req.body === undefined ? {} : { 'Content-Type': pick(r, ['application/vnd.schemaregistry.v1+json', 'application/json', 'text/plain', 'application/octet-stream']) },
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body,
        }).catch((err: Error) => ({ status: -1, text: async () => err.message }));
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500 || res.status === -1) fives.push(`${req.method} ${req.path.slice(0, 200)} -> ${res.status} ${text.slice(0, 200)}`);
        requests++;
      }));
      if (requests % 200 < 8) {
        probes++;
        expect((await fetch(`${url}/subjects`)).status).toBe(200);
        await producer.send({ topic: 'fuzz-probe', messages: [{ value: `p${probes}` }] });
      }
    }
  } finally {
    await producer.disconnect();
    await broker.close();
  }
  console.log(`registry fuzz (seed ${seed}): ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${probes} probes`);
  expect(fives).toEqual([]);
  expect(errors).toEqual([]);
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  recordFigure(HOSTILE, 'Schema Registry HTTP fuzz: random methods, routes with hostile segments, query flags and bodies (schemas of the three types, mutated JSON, random bytes, deep nesting), registry and Kafka producer probed every 200 requests', {
    figure: `${fmt(requests)} requests (${fmt((Date.now() - started) / 1000, 1)} s), none answered 5xx, no unexpected exception logged, ${fmt(probes)} probes all answered`,
    command: `FUZZ_REQUESTS=${REQUESTS} FUZZ_SEED=${seed} npx vitest run test/fuzz/registry-http.test.ts`,
    seed, requests, probes,
  });
}, 300_000);
