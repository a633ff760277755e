/** Starts a Brooklet broker on a free port over a fresh temporary data directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker, type StartOptions } from '../../src/index.js';

export function tempDataDir(prefix = 'brooklet-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestBroker(options: StartOptions = {}): Promise<RunningBroker & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDataDir();
  const broker = await startBroker({ port: 0, logLevel: process.env.BROOKLET_TEST_LOG ?? 'warn', ...options, dataDir });
  return Object.assign(broker, { dataDir });
}
