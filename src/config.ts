/**
 * Broker configuration: defaults that work with no configuration at all (127.0.0.1:9092, ./data),
 * overridden by BROOKLET_* environment variables, overridden by command-line flags.
 */
import { ListenerConfigError, planListeners } from './server/listeners/listener-config.js';

export interface BrokerConfig {
  host: string;
  port: number;
  /** Host written into Metadata responses; defaults to `host` (or 127.0.0.1 when listening on all interfaces). */
  advertisedHost: string;
  /**
   * Named listeners, Kafka's listeners / advertised.listeners / listener.security.protocol.map
   * (src/server/listeners/listener-config.ts). '' = one listener PLAINTEXT on host:port.
   */
  listeners: string;
  advertisedListeners: string;
  listenerSecurityProtocolMap: string;
  dataDir: string;
  autoCreateTopics: boolean;
  /** num.partitions for auto-created topics and CreateTopics with -1. */
  numPartitions: number;
  /** socket.request.max.bytes: a frame declaring more than this closes the connection before allocating. */
  maxRequestBytes: number;
  /** Array elements one request may declare in all (decoded requests cost ~70 bytes of heap each). */
  maxRequestElements: number;
  /** Unsent output above this pauses reading from that connection until it drains. */
  maxQueuedOutputBytes: number;
  /** connections.max.idle.ms */
  connectionsMaxIdleMs: number;
  /** Defaults for topics that do not set their own segment.bytes / segment.ms / index.interval.bytes. */
  segmentBytes: number;
  segmentMs: number;
  indexIntervalBytes: number;
  /** log.retention.ms / log.retention.bytes: defaults for topics without retention.ms / retention.bytes (-1 = unlimited). */
  logRetentionMs: number;
  logRetentionBytes: number;
  /** log.retention.check.interval.ms: how often retention runs. */
  logRetentionCheckIntervalMs: number;
  /** log.cleaner.backoff.ms: how long the cleaner sleeps when no compacted log is due. */
  logCleanerBackoffMs: number;
  logLevel: string;
  /** json = pino's lines; pretty = one readable line per event; auto = pretty on a terminal (src/logging). */
  logFormat: 'auto' | 'json' | 'pretty';
  /** The HTTP listener (metrics, health, console; src/http): off with --no-http. */
  http: boolean;
  httpHost: string;
  /** Default 9080; 0 when a Kafka port is 0 (a test's broker), so parallel brokers never collide. */
  httpPort: number;
  /** The Schema Registry (src/registry/) on its own HTTP listener at httpHost: off with --no-schema-registry. */
  schemaRegistry: boolean;
  /** Default 8081 (the Confluent registry's port); 0 when the broker's port is 0, so test brokers never collide. */
  schemaRegistryPort: number;
  /** A registry request body past this is refused (413) before it is read whole. */
  schemaRegistryMaxBodyBytes: number;
  nodeId: number;
  /**
   * Durability for topics that do not choose their own (flush.messages / flush.ms):
   * never = page cache only (Kafka's default; survives a process kill, not a power cut),
   * interval = fdatasync within about flushIntervalMs, always = an acks=1/all answer means the
   * batch was fdatasync'd (group commit). See README "Durability".
   */
  flushPolicy: 'never' | 'interval' | 'always';
  flushIntervalMs: number;
  /** group.initial.rebalance.delay.ms (Kafka's default 3000; 0 here so a dev loop starts at once). */
  groupInitialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** offsets.retention.minutes: offsets of a group Empty this long are removed. */
  offsetsRetentionMinutes: number;
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number;
  /** transaction.max.timeout.ms: a longer transaction.timeout.ms is INVALID_TRANSACTION_TIMEOUT. */
  transactionMaxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often open transactions are checked. */
  transactionAbortTimedOutIntervalMs: number;
}

export const DEFAULTS: BrokerConfig = {
  host: '127.0.0.1',
  port: 9092,
  advertisedHost: '',
  listeners: '',
  advertisedListeners: '',
  listenerSecurityProtocolMap: '',
  dataDir: './data',
  autoCreateTopics: true,
  numPartitions: 1,
  maxRequestBytes: 100 * 1024 * 1024,
  maxRequestElements: 1_000_000,
  maxQueuedOutputBytes: 64 * 1024 * 1024,
  connectionsMaxIdleMs: 10 * 60 * 1000,
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  logRetentionMs: 7 * 24 * 60 * 60 * 1000,
  logRetentionBytes: -1,
  logRetentionCheckIntervalMs: 300_000,
  logCleanerBackoffMs: 15_000,
  logLevel: 'info',
  logFormat: 'auto',
  http: true,
  httpHost: '127.0.0.1',
  httpPort: 9080,
  schemaRegistry: true,
  schemaRegistryPort: 8081,
  schemaRegistryMaxBodyBytes: 16 * 1024 * 1024,
  nodeId: 1,
  flushPolicy: 'never',
  flushIntervalMs: 1000,
  groupInitialRebalanceDelayMs: 0,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  offsetsRetentionMinutes: 7 * 24 * 60,
  offsetsRetentionCheckIntervalMs: 600_000,
  transactionMaxTimeoutMs: 900_000,
  transactionAbortTimedOutIntervalMs: 10_000,
};

export class ConfigError extends Error {}

/** Fills the derived defaults (advertised host) and checks ranges; throws ConfigError with a one-line message. */
export function resolveConfig(partial: Partial<BrokerConfig>): BrokerConfig {
  const config: BrokerConfig = { ...DEFAULTS, ...stripUndefined(partial) };
  if (!config.advertisedHost) {
    config.advertisedHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  }
  checkInteger('port', config.port, 0, 65535);
  if (partial.httpPort === undefined && (config.port === 0 || /:0(?:,|$)/.test(config.listeners))) config.httpPort = 0;
  checkInteger('http-port', config.httpPort, 0, 65535);
  if (partial.schemaRegistryPort === undefined && (config.port === 0 || /:0(?:,|$)/.test(config.listeners))) config.schemaRegistryPort = 0;
  checkInteger('schema-registry-port', config.schemaRegistryPort, 0, 65535);
  checkInteger('schema-registry-max-body-bytes', config.schemaRegistryMaxBodyBytes, 1024, 2 ** 31 - 1);
  if (!['auto', 'json', 'pretty'].includes(config.logFormat)) {
    throw new ConfigError(`--log-format must be json or pretty, got ${config.logFormat}`);
  }
  try {
    planListeners(config);
  } catch (err) {
    if (err instanceof ListenerConfigError) throw new ConfigError(err.message);
    throw err;
  }
  checkInteger('num-partitions', config.numPartitions, 1, 100_000);
  checkInteger('max-request-bytes', config.maxRequestBytes, 1024, 2 ** 31 - 1);
  checkInteger('segment-bytes', config.segmentBytes, 14, 2 ** 31 - 1);
  checkInteger('log-retention-ms', config.logRetentionMs, -1, Number.MAX_SAFE_INTEGER);
  checkInteger('log-retention-bytes', config.logRetentionBytes, -1, Number.MAX_SAFE_INTEGER);
  checkInteger('log-retention-check-interval-ms', config.logRetentionCheckIntervalMs, 1, 2 ** 31 - 1);
  checkInteger('log-cleaner-backoff-ms', config.logCleanerBackoffMs, 1, 2 ** 31 - 1);
  if (!['never', 'interval', 'always'].includes(config.flushPolicy)) {
    throw new ConfigError(`--flush-policy must be never, interval or always, got ${config.flushPolicy}`);
  }
  checkInteger('flush-interval-ms', config.flushIntervalMs, 1, 2 ** 31 - 1);
  checkInteger('group-initial-rebalance-delay-ms', config.groupInitialRebalanceDelayMs, 0, 2 ** 31 - 1);
  checkInteger('group-min-session-timeout-ms', config.groupMinSessionTimeoutMs, 1, 2 ** 31 - 1);
  checkInteger('group-max-session-timeout-ms', config.groupMaxSessionTimeoutMs, config.groupMinSessionTimeoutMs, 2 ** 31 - 1);
  checkInteger('offsets-retention-minutes', config.offsetsRetentionMinutes, 1, 2 ** 31 - 1);
  checkInteger('offsets-retention-check-interval-ms', config.offsetsRetentionCheckIntervalMs, 1, 2 ** 31 - 1);
  checkInteger('transaction-max-timeout-ms', config.transactionMaxTimeoutMs, 1, 2 ** 31 - 1);
  checkInteger('transaction-abort-timed-out-interval-ms', config.transactionAbortTimedOutIntervalMs, 1, 2 ** 31 - 1);
  return config;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`--${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
