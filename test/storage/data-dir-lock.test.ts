import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE } from '../../storage/data-dir-lock.js';
import { LogManager } from '../../storage/log-manager.js';
import { tempDirForTest } from './helpers.js';

/** Another process that takes the lock through the addon itself and prints "locked" once it holds it. */
function holder(dataDir: string): Promise<ChildProcess> {
  const script = `
    const fs = require('node:fs');
    const fd = fs.openSync(process.argv[1], 'a+');
    const held = require('brooklet-dir-lock').tryLock(fd);
    console.log(held === 0 ? 'locked' : 'refused ' + held);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script, path.join(dataDir, LOCK_FILE)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => (line === 'locked' ? resolve(child) : reject(new Error(line))));
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('data directory lock', () => {
  it('refuses a directory another process holds, naming the directory and its pid, and writes nothing', async () => {
    const dataDir = tempDirForTest();
    const other = await holder(dataDir);
    const before = fs.readdirSync(dataDir).sort();
    let error: unknown;
    try {
      LogManager.open({ dataDir });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).holderPid).toBe(other.pid);
    expect((error as Error).message).toContain(dataDir);
    expect((error as Error).message).toContain(`process ${other.pid}`);
    expect((error as Error).message).not.toContain('\n');
    expect(fs.readdirSync(dataDir).sort()).toEqual(before); // no meta.properties, no topics.json
  });

  it('is free once the holder was killed with SIGKILL', async () => {
    const dataDir = tempDirForTest();
    const other = await holder(dataDir);
    other.kill('SIGKILL');
    await exited(other);
    const m = LogManager.open({ dataDir });
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    m.close();
  });

  it('is held while a manager is open and released by close()', async () => {
    const dataDir = tempDirForTest();
    const m = LogManager.open({ dataDir });
    await expect(holder(dataDir)).rejects.toThrow(`refused ${process.pid}`);
    m.close();
    const other = await holder(dataDir);
    expect(other.pid).toBeGreaterThan(0);
  });
});
