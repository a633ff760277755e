/**
 * Schema Registry throughput (issue 14's benchmark): the broker as its own process (the bundled
 * CLI, as the other benchmarks run it), a client in this process over HTTP keep-alive (node:http
 * with a keep-alive agent; fetch costs the client more than the broker spends answering),
 * CONCURRENCY requests in flight:
 *   register      POST /subjects/{s}/versions, each a new subject and a new Avro schema, under
 *                 --flush-policy never and always (a registration answered once synced);
 *   lookup by id  GET /schemas/ids/{id} of registered ids at random (what a consumer's
 *                 deserializer asks on a cache miss);
 *   latest        GET /subjects/{s}/versions/latest at random (what a producer's serializer asks).
 * Each case repeats REPS times on a fresh broker, after a warm-up of the same requests (the JIT of
 * both processes takes a few thousand requests to settle); the result is the median and the spread.
 * There is no Confluent registry here to run beside it (it needs a JVM image this machine does
 * not have), so these are absolute figures, not ratios.
 * Usage: node dist/bench/registry.js [--reps N] [--count N] (npm run bench:registry).
 * Writes bench/results/registry.json and bench/results/registry.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { machine } from './lib/machine.js';
import { brookletCli, resultsDir } from './lib/paths.js';
import { step } from './lib/progress.js';
import { summarize, type Summary } from './lib/stats.js';

const { values } = parseArgs({ options: { reps: { type: 'string' }, count: { type: 'string' } } });
const REPS = Number(values.reps ?? 5);
const COUNT = Number(values.count ?? 2000);
const LOOKUPS = COUNT * 5;
const CONCURRENCY = 16;
const WARMUP = 500;

interface Registry { url: string; child: ChildProcess; dir: string }

async function startRegistry(policy: 'never' | 'always'): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-bench-registry-'));
  const child = spawn(process.execPath, [brookletCli, '--port', '0', '--no-http', '--data-dir', dir, '--flush-policy', policy, '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /"schemaRegistry":"([^"]+)"/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code} before it was ready`)));
  });
  return { url, child, dir };
}

async function stop(r: Registry): Promise<void> {
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.kill('SIGTERM');
  await exited;
  fs.rmSync(r.dir, { recursive: true, force: true });
}

/** Runs `total` calls of `one(i)`, CONCURRENCY at a time; returns calls per second. */
async function rate(total: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) await one(next++);
  }));
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One request; resolves with the parsed answer, rejects on anything but 200. */
function call(url: string, method: string, body?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body === undefined ? {} : { 'Content-Type': 'application/vnd.schemaregistry.v1+json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${method} ${url} answered ${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const schema = (i: number) => JSON.stringify({ type: 'record', name: `Bench${i}`, namespace: 'bench.registry',
  fields: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'tags', type: { type: 'array', items: 'string' } }] });

async function register(url: string, rep: number): Promise<{ perSecond: number; ids: number[] }> {
  await rate(WARMUP, (i) => call(`${url}/subjects/warmup-${i}/versions`, 'POST', JSON.stringify({ schema: schema(COUNT + i) })).then(() => undefined));
  const ids: number[] = new Array(COUNT);
  const perSecond = await rate(COUNT, async (i) => {
    ids[i] = ((await call(`${url}/subjects/bench-${rep}-${i}/versions`, 'POST', JSON.stringify({ schema: schema(i) }))) as { id: number }).id;
  });
  return { perSecond, ids };
}

interface Case { name: string; unit: string; summary: Summary }

async function main(): Promise<void> {
  const samples: Record<string, number[]> = { 'register (never)': [], 'register (always)': [], 'lookup by id': [], latest: [] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const policy of ['never', 'always'] as const) {
      step(`rep ${rep + 1}/${REPS}: register ${COUNT} under ${policy}`);
      const registry = await startRegistry(policy);
      try {
        const { perSecond, ids } = await register(registry.url, rep);
        samples[`register (${policy})`]!.push(perSecond);
        if (policy === 'never') {
          step(`rep ${rep + 1}/${REPS}: ${LOOKUPS} lookups by id and of latest`);
          const byId = (i: number) => call(`${registry.url}/schemas/ids/${ids[(i * 7919) % COUNT]}`, 'GET').then(() => undefined);
          const latest = (i: number) => call(`${registry.url}/subjects/bench-${rep}-${(i * 7919) % COUNT}/versions/latest`, 'GET').then(() => undefined);
          await rate(WARMUP * 4, byId);
          await rate(WARMUP * 4, latest);
          samples['lookup by id']!.push(await rate(LOOKUPS, async (i) => {
            await call(`${registry.url}/schemas/ids/${ids[(i * 7919) % COUNT]}`, 'GET');
          }));
          samples.latest!.push(await rate(LOOKUPS, async (i) => {
            await call(`${registry.url}/subjects/bench-${rep}-${(i * 7919) % COUNT}/versions/latest`, 'GET');
          }));
        }
      } finally {
        await stop(registry);
      }
    }
  }
  const cases: Case[] = Object.entries(samples).map(([name, s]) => ({ name, unit: 'requests/s', summary: summarize(s) }));
  const command = `npm run bench:registry -- --reps ${REPS} --count ${COUNT}`;
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'registry.json'), JSON.stringify({ command, machine: machine(), concurrency: CONCURRENCY, count: COUNT, lookups: LOOKUPS, cases }, null, 2) + '\n');
  const rows = cases.map((c) => `| ${c.name} | ${Math.round(c.summary.median).toLocaleString('en')} | ${Math.round(c.summary.min).toLocaleString('en')}–${Math.round(c.summary.max).toLocaleString('en')} | ${c.summary.n} |`);
  const md = [`Command: \`${command}\` (${CONCURRENCY} requests in flight, ${COUNT} registrations and ${LOOKUPS} lookups per repetition)`, '',
    '| case | median requests/s | spread (min–max) | runs |', '|---|---:|---:|---:|', ...rows, ''].join('\n');
  fs.writeFileSync(path.join(resultsDir, 'registry.md'), md);
  console.log(md);
}

await main();
