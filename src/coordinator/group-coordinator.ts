/**
 * The group coordinator of a single-node broker: every group is coordinated here. It puts the
 * pieces together (store and durable log, rebalance state machine, membership requests, offsets,
 * admin), loads the groups at startup, runs the offsets retention pass, and at shutdown answers
 * every waiting JoinGroup/SyncGroup with NOT_COORDINATOR and clears every timer.
 */
import type { Logger } from 'pino';
import type { LogManager } from '../../storage/log-manager.js';
import { COORDINATOR_DEFAULTS, type CoordinatorConfig } from './config.js';
import { GroupAdmin } from './group-admin.js';
import { GroupStore } from './group-store.js';
import { GroupMembership } from './membership.js';
import { OffsetManager } from './offsets.js';
import { OffsetsLog } from './offsets-log.js';
import { Rebalancer } from './rebalance.js';

const RETENTION_TIMER = 'offsets-retention';

export class GroupCoordinator {
  readonly config: CoordinatorConfig;
  readonly store: GroupStore;
  readonly membership: GroupMembership;
  readonly offsets: OffsetManager;
  readonly admin: GroupAdmin;
  private readonly rebalancer: Rebalancer;
  private closed = false;

  constructor(logs: LogManager, logger: Logger, config: Partial<CoordinatorConfig> = {}) {
    this.config = { ...COORDINATOR_DEFAULTS, ...definedOnly(config) };
    this.store = new GroupStore(new OffsetsLog(logs), logger);
    this.rebalancer = new Rebalancer(this.store, this.config, logger);
    this.membership = new GroupMembership(this.store, this.rebalancer, this.config);
    this.offsets = new OffsetManager(this.store, this.rebalancer, this.config, logger);
    this.admin = new GroupAdmin(this.store, logger);
    for (const group of this.store.load()) {
      for (const member of group.members.values()) this.rebalancer.touch(group, member);
    }
    this.scheduleRetention();
  }

  private scheduleRetention(): void {
    this.store.timers.set(RETENTION_TIMER, this.store.now() + this.config.offsetsRetentionCheckIntervalMs, () => {
      this.offsets.expire();
      this.scheduleRetention();
    });
  }

  /** Offsets of a deleted topic are dropped from every group. */
  topicDeleted(topic: string): void {
    if (!this.closed) this.offsets.dropTopic(topic);
  }

  /**
   * Shutdown begins: every waiting JoinGroup/SyncGroup is answered NOT_COORDINATOR (as when Kafka
   * unloads a group), and so is any JoinGroup/SyncGroup still to come; clients find the
   * coordinator again after the restart.
   */
  beginShutdown(): void {
    this.membership.stopping = true;
    for (const group of this.store.groups.values()) this.rebalancer.abandonWaiters(group);
  }

  /** Clears every timer; nothing is written after this. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.beginShutdown();
    this.closed = true;
    this.store.close();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
