/**
 * Schema Registry durability: every acknowledged registration, compatibility change and soft
 * delete survives kill -9 (at a random moment, requests in flight) and a clean restart, with
 * its id and version unchanged, under the `never` and the `always` flush policy; and an id is
 * never given to a different schema after a restart. The broker is the compiled CLI in a child
 * process (dist/src/cli.js, from `npx tsc -p tsconfig.json`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/broker.js';
import { avroRecord, call } from '../registry/registry-client.js';
import { DURABILITY, recordFigure, writeFigures } from '../reliability/record.js';

const CLI = path.resolve(import.meta.dirname, '../../dist/src/cli.js');
const CYCLES = 4;
const WORKERS = 4;

interface Child { child: ChildProcess; url: string; exited: Promise<void> }

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  writeFigures(import.meta.url);
});

async function spawnBroker(dataDir: string, policy: 'never' | 'always'): Promise<Child> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.json first`);
  const child = spawn(process.execPath, [CLI, '--port', '0', '--no-http', '--data-dir', dataDir, '--flush-policy', policy, '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      if (!line.includes('ready on')) return;
      const match = /"schemaRegistry":"([^"]+)"/.exec(line);
      if (match) resolve(match[1]!);
      else reject(new Error(`the ready line names no schema registry (stale build?): ${line}`));
    });
    void exited.then(() => reject(new Error(`broker exited before it was ready: ${stderr.join('')}`)));
  });
  return { child, url, exited };
}

interface Acked {
  versions: Map<string, { subject: string; version: number; id: number; schema: string }>;
  softDeleted: Set<string>;
  /** Versions deleted for good: never served again, not even with ?deleted=true. */
  hardDeleted: Set<string>;
  configs: Map<string, string>;
  /** Levels sent after a subject's last acknowledged one: a write in flight at the kill may land unanswered. */
  configsInFlight: Map<string, Set<string>>;
  maxId: number;
}

async function verify(url: string, acked: Acked): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, want] of acked.versions) {
    if (acked.hardDeleted.has(key)) {
      const gone = await call(url, 'GET', `/subjects/${encodeURIComponent(want.subject)}/versions/${want.version}?deleted=true`);
      if (gone.status !== 404) problems.push(`${key} was deleted for good but is served: ${gone.status}`);
      continue;
    }
    const deleted = acked.softDeleted.has(key);
    const got = await call(url, 'GET', `/subjects/${encodeURIComponent(want.subject)}/versions/${want.version}${deleted ? '?deleted=true' : ''}`);
    if (got.status !== 200 || got.body.id !== want.id) {
      problems.push(`${key}: want id ${want.id}, got ${got.status} ${JSON.stringify(got.body)}`);
      continue;
    }
    const byId = await call(url, 'GET', `/schemas/ids/${want.id}`);
    if (byId.status !== 200 || byId.body.schema !== want.schema) problems.push(`id ${want.id} no longer resolves to its schema`);
    if (deleted) {
      const hidden = await call(url, 'GET', `/subjects/${encodeURIComponent(want.subject)}/versions/${want.version}`);
      if (hidden.status !== 404) problems.push(`${key} was soft-deleted but is served again`);
    }
  }
  for (const [subject, level] of acked.configs) {
    const got = await call(url, 'GET', `/config/${encodeURIComponent(subject)}`);
    const inFlight = acked.configsInFlight.get(subject) ?? new Set<string>();
    if (got.body.compatibilityLevel === level) continue;
    if (inFlight.has(got.body.compatibilityLevel)) {
      // An unanswered later write landed: that level is now the durable one.
      acked.configs.set(subject, got.body.compatibilityLevel);
      acked.configsInFlight.delete(subject);
      continue;
    }
    problems.push(`config of ${subject}: want ${level} (or one of ${[...inFlight].join(', ') || 'none'} in flight), got ${JSON.stringify(got.body)}`);
  }
  return problems;
}

/** One worker's loop until `stop`: registers, changes levels, soft-deletes; records what was answered. */
async function work(url: string, worker: number, cycle: number, acked: Acked, signal: AbortSignal): Promise<void> {
  for (let n = 0; !signal.aborted; n++) {
    const subject = `w${worker}/s${n % 5}`; // a slash in a subject is just part of its name
    try {
      const op = n % 7;
      if (op === 5) {
        const level = ['NONE', 'FULL', 'BACKWARD'][n % 3]!;
        if (!acked.configsInFlight.has(subject)) acked.configsInFlight.set(subject, new Set());
        acked.configsInFlight.get(subject)!.add(level);
        const res = await call(url, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level }, signal);
        if (res.status === 200) {
          acked.configs.set(subject, level);
          acked.configsInFlight.delete(subject);
        }
      } else if (op === 6) {
        const res = await call(url, 'DELETE', `/subjects/${encodeURIComponent(subject)}/versions/1`, undefined, signal);
        if (res.status === 200) acked.softDeleted.add(`${subject}\u0000${res.body}`);
        // Version 1 already soft-deleted (40406): delete it for good.
        if (res.body?.error_code === 40406) {
          const hard = await call(url, 'DELETE', `/subjects/${encodeURIComponent(subject)}/versions/1?permanent=true`, undefined, signal);
          if (hard.status === 200) acked.hardDeleted.add(`${subject}\u0000${hard.body}`);
        }
      } else {
        // Each schema differs by one field; fields with defaults keep every level content.
        const schema = avroRecord(`R_${worker}_${n % 5}`, ['a', `f_${cycle}_${n}`]);
        const res = await call(url, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema }, signal);
        if (res.status !== 200) throw new Error(`register answered ${res.status} ${JSON.stringify(res.body)}`);
        const id = res.body.id as number;
        const look = await call(url, 'POST', `/subjects/${encodeURIComponent(subject)}`, { schema }, signal);
        if (look.status === 200) {
          const key = `${subject}\u0000${look.body.version}`;
          acked.versions.set(key, { subject, version: look.body.version, id, schema });
          // A version number given again after a permanent delete is a new version.
          acked.hardDeleted.delete(key);
          acked.softDeleted.delete(key);
          acked.maxId = Math.max(acked.maxId, id);
        }
      }
    } catch (err) {
      if ((err as Error).message.startsWith('register answered')) throw err;
      return; // the broker was killed under this request
    }
  }
}

it(`${CYCLES} kill -9 cycles and a clean restart lose no acknowledged registration, config change or delete`, async () => {
  const dataDir = tempDataDir('brooklet-registry-kill9-');
  const acked: Acked = { versions: new Map(), softDeleted: new Set(), hardDeleted: new Set(), configs: new Map(), configsInFlight: new Map(), maxId: 0 };
  let checked = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const broker = await spawnBroker(dataDir, cycle % 2 === 0 ? 'never' : 'always');
    expect(await verify(broker.url, acked)).toEqual([]);
    checked += acked.versions.size;
    // Ids are never given out twice: a new schema after the restart gets a larger id.
    const fresh = await call(broker.url, 'POST', `/subjects/fresh-${cycle}/versions`, { schema: avroRecord(`Fresh${cycle}`, ['x']) });
    expect(fresh.status).toBe(200);
    expect(fresh.body.id).toBeGreaterThan(acked.maxId);
    acked.maxId = fresh.body.id;
    const stop = new AbortController();
    const workers = Array.from({ length: WORKERS }, (_, w) => work(broker.url, w, cycle, acked, stop.signal));
    await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200));
    broker.child.kill('SIGKILL');
    await broker.exited;
    stop.abort();
    await Promise.all(workers);
  }
  // A last start, a clean stop (SIGTERM), and a start again.
  const last = await spawnBroker(dataDir, 'never');
  expect(await verify(last.url, acked)).toEqual([]);
  last.child.kill('SIGTERM');
  await last.exited;
  const again = await spawnBroker(dataDir, 'never');
  expect(await verify(again.url, acked)).toEqual([]);
  again.child.kill('SIGTERM');
  await again.exited;
  expect(acked.versions.size).toBeGreaterThan(20);
  expect(acked.softDeleted.size).toBeGreaterThan(0);
  expect(acked.hardDeleted.size).toBeGreaterThan(0);
  expect(acked.configs.size).toBeGreaterThan(0);
  expect(checked).toBeGreaterThan(0);
  recordFigure(DURABILITY, `Schema Registry: ${CYCLES} kill -9 cycles (never and always alternating, ${WORKERS} clients registering, changing levels and soft-deleting until the kill), then a clean restart`, {
    figure: `${acked.versions.size} acknowledged registrations, ${acked.configs.size} level changes, ${acked.softDeleted.size} soft and ${acked.hardDeleted.size} permanent deletes all as acknowledged after every restart (served again with ids and versions unchanged, or gone for good); new ids always above every earlier one`,
    command: 'npx tsc -p tsconfig.json && npx vitest run test/faults/registry-kill9.test.ts',
    cycles: CYCLES, registrations: acked.versions.size, configs: acked.configs.size, softDeletes: acked.softDeleted.size, hardDeletes: acked.hardDeleted.size,
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 180_000);
