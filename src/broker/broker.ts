/**
 * The broker's state and services, shared by every handler: configuration, the log manager,
 * producer ids, the group coordinator and the long-poll waiters. Single node: this broker (config.nodeId) leads every
 * partition at leader epoch 0.
 */
import type { Logger } from 'pino';
import { LogManager, type TopicInfo } from '../../storage/log-manager.js';
import type { BrokerConfig } from '../config.js';
import type { ConnectionInfo } from '../server/connection.js';
import type { BoundListener } from '../server/listeners/listener-config.js';
import { GroupCoordinator } from '../coordinator/group-coordinator.js';
import { ProducerIds } from '../coordinator/producer-ids.js';
import { startTransactionCoordinator, type TransactionCoordinator } from '../coordinator/transactions/index.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import { DynamicBrokerConfigs } from './configs/broker-configs.js';
import { FetchWaiters } from './fetch-waiters.js';

export const LEADER_EPOCH = 0;

export class Broker {
  readonly logs: LogManager;
  readonly producerIds: ProducerIds;
  /** Consumer groups and committed offsets (stored in __consumer_offsets, loaded here). */
  readonly groups: GroupCoordinator;
  /** Transactional ids and their transactions (stored in __transaction_state, loaded here). */
  readonly transactions: TransactionCoordinator;
  readonly waiters = new FetchWaiters();
  /** The broker's dynamic configs (AlterConfigs on the broker), kept in the data directory. */
  readonly dynamicConfigs: DynamicBrokerConfigs;
  /** Set when shutdown begins: long polls answer at once and no longer read the logs. */
  stopping = false;
  /** Counters of the request path; null when there is no HTTP listener to serve them (--no-http). */
  metrics: BrokerMetrics | null = null;
  /** Set once the listener is bound (port 0 picks a free one). */
  advertisedPort: number;
  /** The bound listeners (set by startBroker), for DescribeConfigs' listeners/advertised.listeners. */
  listeners: readonly BoundListener[] = [];

  constructor(readonly config: BrokerConfig, readonly log: Logger) {
    this.logs = LogManager.open({
      dataDir: config.dataDir,
      defaults: {
        segmentBytes: config.segmentBytes,
        segmentMs: config.segmentMs,
        indexIntervalBytes: config.indexIntervalBytes,
        flushPolicy: config.flushPolicy,
        flushIntervalMs: config.flushIntervalMs,
        retentionMs: config.logRetentionMs,
        retentionBytes: config.logRetentionBytes,
      },
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      cleanerBackoffMs: config.logCleanerBackoffMs,
      onBackgroundError: (err) => log.error({ err }, 'background sync or checkpoint failed'),
      // Test hook for the power-loss tests (storage/sync-log.ts); unset in normal use.
      syncLogPath: process.env.BROOKLET_TEST_SYNC_LOG || undefined,
    });
    this.dynamicConfigs = DynamicBrokerConfigs.load(config.dataDir);
    this.logs.setBrokerOverrides(this.dynamicConfigs.topicOverrides());
    this.producerIds = new ProducerIds(config.dataDir);
    this.groups = new GroupCoordinator(this.logs, log, {
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
    });
    this.transactions = startTransactionCoordinator({
      logs: this.logs, groups: this.groups, producerIds: this.producerIds, logger: log,
      onMarker: (tp) => this.waiters.notify(FetchWaiters.key(tp.topic, tp.partition)),
    }, { maxTimeoutMs: config.transactionMaxTimeoutMs, abortTimedOutIntervalMs: config.transactionAbortTimedOutIntervalMs });
    this.advertisedPort = config.port;
  }

  /** The address to give a client: that of the listener it came in on (Kafka's rule). */
  advertisedFor(conn: ConnectionInfo): { host: string; port: number } {
    const l = conn.listener;
    return l ? { host: l.advertisedHost, port: l.advertisedPort } : { host: this.config.advertisedHost, port: this.advertisedPort };
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  /** Creates a topic with `partitions` (or num.partitions when -1); configs already validated. */
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    const count = partitions === -1 ? this.config.numPartitions : partitions;
    const topic = this.logs.createTopic(name, count, configs);
    this.log.info({ topic: name, partitions: count }, 'topic created');
    return topic;
  }

  deleteTopic(name: string): boolean {
    const deleted = this.logs.deleteTopic(name);
    if (deleted) {
      this.log.info({ topic: name }, 'topic deleted');
      this.groups.topicDeleted(name);
      this.metrics?.topicDeleted(name);
      this.waiters.wakeAll();
    }
    return deleted;
  }

  /** Releases every long poll; call before the listener drains its connections. */
  beginShutdown(): void {
    this.stopping = true;
    this.waiters.wakeAll();
    // Waiting JoinGroup/SyncGroup answers NOT_COORDINATOR now, so connections can drain.
    this.groups.beginShutdown();
    // No timed-out transaction is aborted once the logs may be closing.
    this.transactions.close();
  }

  close(): void {
    this.beginShutdown();
    this.groups.close();
    this.logs.close();
  }
}
