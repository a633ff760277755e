/**
 * Two brokers on one --data-dir, as a new user would start them: the second exits non-zero with
 * one line naming the directory and the first one's pid, and the first one's data is untouched;
 * after kill -9 of the first, a new start takes the lock (runs the built CLI, dist/brooklet.cjs).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, type CliBroker } from '../helpers/cli-process.js';
import { tempDataDir } from '../helpers/broker.js';

const CLI = path.resolve(import.meta.dirname, '../../dist/brooklet.cjs');
const started: CliBroker[] = [];
afterEach(() => {
  for (const b of started.splice(0)) b.child.kill('SIGKILL');
});

/** Runs the CLI to its exit; its exit code and stderr. */
function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = fs.readFileSync(file).toString('base64');
  }
  return out;
}

describe('data directory lock (two brokers, one --data-dir)', () => {
  it('refuses the second broker with one line, leaves the first one data alone, and is free after kill -9', async () => {
    const dataDir = tempDataDir();
    const args = ['--port', '0', '--data-dir', dataDir, '--no-http', '--no-schema-registry'];
    const first = await spawnCli(args);
    started.push(first);
    const kafka = new Kafka({ brokers: [first.bootstrap], clientId: 'lock-test', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'locked', messages: [{ value: 'one' }, { value: 'two' }] });
    await producer.disconnect();

    const before = snapshot(dataDir);
    const second = await runToExit(args);
    expect(second.code).not.toBe(0);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path.resolve(dataDir));
    expect(lines[0]).toContain(`process ${first.child.pid}`);
    expect(snapshot(dataDir)).toEqual(before);
    expect(first.child.exitCode).toBeNull(); // the first one still runs

    first.child.kill('SIGKILL');
    await first.exited;
    const third = await spawnCli(args);
    started.push(third);
    const consumer = new Kafka({ brokers: [third.bootstrap], clientId: 'lock-test', logLevel: logLevel.NOTHING }).consumer({ groupId: 'lock-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'locked', fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => {
        values.push(String(message.value));
        if (values.length === 2) resolve();
      } });
    });
    await consumer.disconnect();
    expect(values).toEqual(['one', 'two']);
  });
});
