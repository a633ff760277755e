/** Starts a Brooklet broker on a free port over a fresh temporary data directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker, type StartOptions } from '../../src/index.js';
import { readSyncLog } from '../../storage/sync-log.js';

export function tempDataDir(prefix = 'brooklet-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestBroker(options: StartOptions = {}): Promise<RunningBroker & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDataDir();
  // The registry on a free port even when a test fixes the Kafka port (a restart on the same port).
  const broker = await startBroker({ port: 0, schemaRegistryPort: 0, logLevel: process.env.BROOKLET_TEST_LOG ?? 'warn', ...options, dataDir });
  return Object.assign(broker, { dataDir });
}

/**
 * A test broker that records every sync it makes (storage/sync-log.ts, switched on by
 * BROOKLET_TEST_SYNC_LOG while it starts): `syncedBytes(file)` is how much of `file` a sync has
 * covered so far.
 */
export async function startBrokerWithSyncLog(options: StartOptions = {}) {
  const syncLog = path.join(tempDataDir('brooklet-synclog-'), 'syncs');
  process.env.BROOKLET_TEST_SYNC_LOG = syncLog;
  try {
    const broker = await startTestBroker(options);
    return { broker, syncLog, syncedBytes: (file: string) => readSyncLog(syncLog).get(file) ?? 0 };
  } finally {
    delete process.env.BROOKLET_TEST_SYNC_LOG;
  }
}
