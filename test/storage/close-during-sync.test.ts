/**
 * Closing a log manager while a group-commit round is still syncing on the thread pool.
 *
 * The round is provoked deterministically: durableAck schedules the round with setImmediate,
 * and a second setImmediate queued after it runs once the round has started its asynchronous
 * opens and syncs, but before any of them can complete (completions arrive in a later poll
 * phase). close() at that point races the round exactly as a broker shutdown does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { readSyncLog } from '../../storage/sync-log.js';
import { batchOf, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fresh(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

const nextTurn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A manager with one `always` partition and a round in flight for an append to it. */
async function roundInFlight(errors: Error[]) {
  const syncLogPath = path.join(fresh(), 'syncs');
  const m = LogManager.open({ dataDir: fresh(), defaults: { flushPolicy: 'always' }, syncLogPath, onBackgroundError: (e) => errors.push(e) });
  m.createTopic('t', 1);
  const log = m.partition('t', 0)!;
  const result = log.append(batchOf(3, 40));
  const ack = m.durableAck(log, result.lastOffset + 1)!;
  await nextTurn(); // the round's setImmediate ran first: its syncs are now on the thread pool
  expect(m.syncStats.rounds).toBe(1);
  return { m, log, ack, syncLogPath };
}

describe('close while a group-commit round is in flight', () => {
  it('close() leaves the round nothing to fail on: no background error, the waiter is released', async () => {
    const errors: Error[] = [];
    const { m, log, ack, syncLogPath } = await roundInFlight(errors);
    m.close();
    await expect(ack).resolves.toBeUndefined();
    await sleep(50); // let the round's thread-pool work finish after the close
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(readSyncLog(syncLogPath).get(log.segmentList.at(-1)!.logPath)).toBe(log.segmentList.at(-1)!.size);
  });

  it('closeAsync() waits for the round before closing', async () => {
    const errors: Error[] = [];
    const { m, log, ack } = await roundInFlight(errors);
    await m.closeAsync();
    await expect(ack).resolves.toBeUndefined();
    expect(log.recoveryPoint).toBe(log.logEndOffset);
    expect(m.syncStats.rounds).toBe(1);
    await sleep(20);
    expect(errors).toEqual([]);
  });
});
