/**
 * Fuzz of the broker's HTTP listener (console API, metrics, health, page): random methods, paths
 * built from the real routes with mutated segments, random query strings, random bodies and
 * content types, from a seeded generator (BROOKLET_FUZZ_SEED to replay). Every answer must be a
 * deliberate one (never 500: that is an unexpected exception), nothing is logged at error level,
 * and afterwards the broker still serves Kafka clients and /health.
 */
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';
import { rng } from './mutate.js';

const SEED = Number(process.env.BROOKLET_FUZZ_SEED ?? Date.now() % 1_000_000);
const REQUESTS = 1000;

const ROUTES = [
  '/', '/assets/console.js', '/assets/console.css', '/health', '/ready', '/metrics',
  '/api/overview', '/api/topics', '/api/topics/fuzz', '/api/topics/fuzz/messages',
  '/api/topics/fuzz/partitions/0/messages', '/api/groups', '/api/groups/fuzz-group',
];
const WEIRD_SEGMENTS = [
  '', '..', '.', '%2e%2e', '%2F', '%', '%zz', '%00', 'a'.repeat(300), '__consumer_offsets', '_schemas', '-1', '0', '1e9',
  '99999999999999999999', 'NaN', '<script>', '%3Cscript%3E', '😀', 'fuzz', '0x10', ' ', '%20', 'null', '[]',
];
const QUERIES = ['offset', 'timestamp', 'order', 'limit', 'x'];
const QUERY_VALUES = ['', '-1', '0', '1', '100', '101', '1e3', 'newest', 'oldest', 'abc', '9007199254740993', '%', '%zz', '1.5', ' 1'];
const BODIES: (() => string)[] = [
  () => '', () => '{', () => 'null', () => '[]', () => '"x"', () => '1', () => '{}',
  () => JSON.stringify({ name: 'fuzz-made', partitions: 1 }),
  () => JSON.stringify({ name: 'a'.repeat(250) }),
  () => JSON.stringify({ name: 'fz', partitions: -1 }), () => JSON.stringify({ name: 'fz', partitions: 1.5 }),
  () => JSON.stringify({ name: { toString: 1 }, partitions: '2' }),
  () => JSON.stringify({ value: 'v', key: 'k', partition: 0, headers: [{ key: 'h', value: 'v' }] }),
  () => JSON.stringify({ value: 1, headers: 'no' }), () => JSON.stringify({ headers: [null, 1, { key: 1 }] }),
  () => JSON.stringify({ partition: 1e300 }), () => JSON.stringify({ headers: Array.from({ length: 200 }, () => ({ key: 'k', value: 'v' })) }),
  () => '\u0000\u0001\u0002garbage', () => '{"__proto__":{"polluted":1},"name":"proto"}',
];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'];
const TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''];

describe('HTTP fuzz', () => {
  let broker: RunningBroker;
  const errorLines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, done) { errorLines.push(String(chunk)); done(); } });
    broker = await startTestBroker({ logger: pino({ level: 'error' }, sink) });
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'fuzz', messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
  });
  afterAll(async () => {
    await broker?.close();
    writeFigures(import.meta.url);
  });

  it(`answers ${REQUESTS} random requests without a 500 and keeps serving Kafka (seed ${SEED})`, async () => {
    const rand = rng(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const started = Date.now();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i += 10) {
      await Promise.all(Array.from({ length: 10 }, async () => {
        const segments = pick(ROUTES).split('/');
        for (let s = 1; s < segments.length; s++) if (rand() < 0.25) segments[s] = pick(WEIRD_SEGMENTS);
        if (rand() < 0.1) segments.push(pick(WEIRD_SEGMENTS));
        let path = segments.join('/') || '/';
        if (rand() < 0.6) {
          const n = 1 + Math.floor(rand() * 3);
          path += '?' + Array.from({ length: n }, () => `${pick(QUERIES)}=${pick(QUERY_VALUES)}`).join('&');
        }
        const method = pick(METHODS);
        const body = method === 'GET' || method === 'HEAD' ? undefined : pick(BODIES)();
        const type = pick(TYPES);
        const headers: Record<string, string> = type ? { 'Content-Type': type } : {};
        if (rand() < 0.1) headers.Origin = pick(['http://evil.example', 'null', 'garbage', broker.httpUrl!]);
        let status: number;
        try {
          const res = await fetch(`${broker.httpUrl}${path}`, { method, headers, body });
          status = res.status;
          await res.arrayBuffer();
        } catch (err) {
          // fetch refuses some of our URLs itself (it never reached the broker): not a finding.
          if (err instanceof TypeError && /URL|Invalid/.test(err.message)) return;
          failures.push(`${method} ${path}: ${(err as Error).message}`);
          return;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${method} ${path} ${type} ${body?.slice(0, 80)} -> ${status}`);
      }));
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(errorLines, `seed ${SEED}`).toEqual([]);
    // The fuzz reached both sides: answers and refusals.
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(404)).toBeGreaterThan(0);

    expect((await fetch(`${broker.httpUrl}/health`)).status).toBe(200);
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    // (The fuzz may have deleted and re-created 'fuzz' through the API: write somewhere of our own.)
    const [sent] = await producer.send({ topic: 'after-fuzz', messages: [{ value: 'after the fuzz' }] });
    await producer.disconnect();
    expect(sent!.errorCode).toBe(0);
    expect(sent!.baseOffset).toBe('0');
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    recordFigure(HOSTILE, 'Console and metrics HTTP fuzz: random methods, the console API, page, /metrics and health routes with hostile segments, queries, bodies, content types and origins', {
      figure: `${fmt(answered)} requests answered (${fmt((Date.now() - started) / 1000, 1)} s; ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${fmt(n)} x ${s}`).join(', ')}), none 5xx, nothing logged at error level; /health and a kafkajs producer served afterwards`,
      command: `BROOKLET_FUZZ_SEED=${SEED} npx vitest run test/fuzz/http-console.test.ts`,
      seed: SEED, requests: answered,
    });
  });
});
