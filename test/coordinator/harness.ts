/** A GroupCoordinator over a fresh data directory, with promise-returning request helpers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, vi } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import type { CoordinatorConfig } from '../../src/coordinator/config.js';
import { GroupCoordinator } from '../../src/coordinator/group-coordinator.js';
import type { JoinParams, SyncParams } from '../../src/coordinator/membership.js';
import type { JoinOutcome, SyncOutcome } from '../../src/coordinator/results.js';

export const SESSION_MS = 6000;
export const REBALANCE_MS = 10_000;

export class Harness {
  logs: LogManager;
  coordinator: GroupCoordinator;

  constructor(readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-coord-')), readonly config: Partial<CoordinatorConfig> = {}) {
    this.logs = LogManager.open({ dataDir });
    this.coordinator = new GroupCoordinator(this.logs, pino({ level: 'silent' }), config);
  }

  /** Closes and opens again on the same data directory (a broker restart). */
  restart(): void {
    this.close();
    this.logs = LogManager.open({ dataDir: this.dataDir });
    this.coordinator = new GroupCoordinator(this.logs, pino({ level: 'silent' }), this.config);
  }

  close(): void {
    this.coordinator.close();
    this.logs.close();
  }

  join(p: Partial<JoinParams> & { groupId?: string }): Pending<JoinOutcome> {
    return pending((respond) => this.coordinator.membership.join({
      groupId: 'g', memberId: '', groupInstanceId: null, requireKnownMemberId: false, clientId: 'client',
      clientHost: '/127.0.0.1', rebalanceTimeoutMs: REBALANCE_MS, sessionTimeoutMs: SESSION_MS,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('m') }], ...p,
    }, respond));
  }

  sync(p: Partial<SyncParams> & { memberId: string; generationId: number }): Pending<SyncOutcome> {
    return pending((respond) => this.coordinator.membership.sync({
      groupId: 'g', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...p,
    }, respond));
  }

  heartbeat(memberId: string, generationId: number, groupInstanceId: string | null = null, groupId = 'g'): number {
    return this.coordinator.membership.heartbeat(groupId, memberId, groupInstanceId, generationId);
  }

  state(groupId = 'g'): string {
    return this.coordinator.admin.describe(groupId).state;
  }

  /** Joins (v4-style two steps when asked) and syncs one member into a new group. */
  async joinAndSync(groupId = 'g', extra: Partial<JoinParams> = {}): Promise<{ memberId: string; generationId: number }> {
    const join = this.join({ groupId, ...extra });
    // The first rebalance of an empty group completes on a (zero-delay) timer.
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
    const joined = await join.promise;
    if (joined.errorCode !== 0) throw new Error(`join failed with ${joined.errorCode}`);
    const synced = await this.sync({ groupId, memberId: joined.memberId, generationId: joined.generationId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }] }).promise;
    if (synced.errorCode !== 0) throw new Error(`sync failed with ${synced.errorCode}`);
    return { memberId: joined.memberId, generationId: joined.generationId };
  }
}

export interface Pending<T> {
  promise: Promise<T>;
  /** The answer if it has been given, else undefined. */
  readonly result: T | undefined;
}

function pending<T>(start: (respond: (value: T) => void) => void): Pending<T> {
  let result: T | undefined;
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  start((value) => {
    if (result !== undefined) throw new Error('answered twice');
    result = value;
    resolve(value);
  });
  return { promise, get result() { return result; } };
}

/**
 * A fresh Harness for every test of the enclosing describe, on fake timers (setTimeout and Date),
 * closed afterwards; `use` receives each one.
 */
export function withHarnessPerTest(use: (h: Harness) => void): void {
  let current: Harness;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    current = new Harness();
    use(current);
  });
  afterEach(() => {
    current.close();
    vi.useRealTimers();
  });
}
