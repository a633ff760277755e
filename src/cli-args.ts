/** Turns argv and BROOKLET_* environment variables into a partial BrokerConfig (flags win over env). */
import { parseArgs } from 'node:util';
import { ConfigError, type BrokerConfig } from './config.js';

export const HELP = `Usage: brooklet [options]

A single-node Kafka-protocol broker. Point any Kafka client's bootstrap address at it.

Options (each also settable as an environment variable):
  --host H                  listen address            BROOKLET_HOST              (default 127.0.0.1)
  --port P                  listen port               BROOKLET_PORT              (default 9092)
  --data-dir D              log directory             BROOKLET_DATA_DIR          (default ./data)
  --advertised-host A       host given to clients     BROOKLET_ADVERTISED_HOST   (default: the listen host)
  --listeners L             named listeners, NAME://host:port,... (replaces --host/--port)
                                                      BROOKLET_LISTENERS
  --advertised-listeners L  address each listener gives its clients, NAME://host:port,...
                                                      BROOKLET_ADVERTISED_LISTENERS (default: its own)
  --listener-security-protocol-map M
                            NAME:PROTOCOL,... for names that are not a protocol (PLAINTEXT only)
                                                      BROOKLET_LISTENER_SECURITY_PROTOCOL_MAP
  --no-auto-create-topics   do not create topics on first Metadata request
                                                      BROOKLET_AUTO_CREATE_TOPICS=false
  --num-partitions N        partitions of auto-created topics
                                                      BROOKLET_NUM_PARTITIONS    (default 1)
  --segment-bytes N         default segment.bytes     BROOKLET_SEGMENT_BYTES     (default 1073741824)
  --log-retention-ms N      default retention.ms (-1: keep forever)
                                                      BROOKLET_LOG_RETENTION_MS  (default 604800000, 7 days, as Kafka)
  --log-retention-bytes N   default retention.bytes per partition (-1: no limit)
                                                      BROOKLET_LOG_RETENTION_BYTES (default -1)
  --log-retention-check-interval-ms N
                            how often old segments are looked for
                                                      BROOKLET_LOG_RETENTION_CHECK_INTERVAL_MS (default 300000)
  --log-cleaner-backoff-ms N
                            the compaction cleaner's pause when no log is due
                                                      BROOKLET_LOG_CLEANER_BACKOFF_MS (default 15000)
  --group-initial-rebalance-delay-ms N
                            wait for more members before a group's first rebalance
                                                      BROOKLET_GROUP_INITIAL_REBALANCE_DELAY_MS (default 0; Kafka's is 3000)
  --group-min-session-timeout-ms N
                            smallest session timeout a consumer may ask for
                                                      BROOKLET_GROUP_MIN_SESSION_TIMEOUT_MS (default 6000)
  --offsets-retention-minutes N
                            drop offsets of groups empty this long
                                                      BROOKLET_OFFSETS_RETENTION_MINUTES (default 10080, 7 days)
  --transaction-max-timeout-ms N
                            longest transaction.timeout.ms a producer may ask for
                                                      BROOKLET_TRANSACTION_MAX_TIMEOUT_MS (default 900000)
  --transaction-abort-timed-out-interval-ms N
                            how often transactions open past their timeout are aborted
                                                      BROOKLET_TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS (default 10000)
  --flush-policy P          never|interval|always: when data is fdatasync'd (see README)
                                                      BROOKLET_FLUSH_POLICY      (default never, as Kafka)
  --flush-interval-ms N     for interval: longest time data stays unsynced
                                                      BROOKLET_FLUSH_INTERVAL_MS (default 1000)
  --log-level L             trace|debug|info|warn|error|silent
                                                      BROOKLET_LOG_LEVEL         (default info)
  --log-format F            json|pretty (default: pretty on a terminal, else json)
                                                      BROOKLET_LOG_FORMAT
  --http-port P             console, /metrics, /health, /ready
                                                      BROOKLET_HTTP_PORT         (default 9080)
  --http-host H             HTTP listen address       BROOKLET_HTTP_HOST         (default 127.0.0.1)
  --no-http                 no HTTP listener          BROOKLET_HTTP=false
  --schema-registry-port P  Confluent-compatible Schema Registry (REST, at the HTTP host)
                                                      BROOKLET_SCHEMA_REGISTRY_PORT (default 8081)
  --schema-registry-max-body-bytes N
                            largest registry request body
                                                      BROOKLET_SCHEMA_REGISTRY_MAX_BODY_BYTES (default 16777216)
  --no-schema-registry      no Schema Registry        BROOKLET_SCHEMA_REGISTRY=false
  -h, --help                show this help
`;

export type CliResult = { help: true } | { help: false; config: Partial<BrokerConfig> };

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'advertised-host': { type: 'string' },
        listeners: { type: 'string' },
        'advertised-listeners': { type: 'string' },
        'listener-security-protocol-map': { type: 'string' },
        'no-auto-create-topics': { type: 'boolean' },
        'auto-create-topics': { type: 'boolean' },
        'num-partitions': { type: 'string' },
        'segment-bytes': { type: 'string' },
        'log-retention-ms': { type: 'string' },
        'log-retention-bytes': { type: 'string' },
        'log-retention-check-interval-ms': { type: 'string' },
        'log-cleaner-backoff-ms': { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'http-port': { type: 'string' },
        'http-host': { type: 'string' },
        'no-http': { type: 'boolean' },
        'schema-registry-port': { type: 'string' },
        'schema-registry-max-body-bytes': { type: 'string' },
        'no-schema-registry': { type: 'boolean' },
        'flush-policy': { type: 'string' },
        'flush-interval-ms': { type: 'string' },
        'group-initial-rebalance-delay-ms': { type: 'string' },
        'group-min-session-timeout-ms': { type: 'string' },
        'offsets-retention-minutes': { type: 'string' },
        'transaction-max-timeout-ms': { type: 'string' },
        'transaction-abort-timed-out-interval-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  const listeners = v.listeners ?? env.BROOKLET_LISTENERS;
  const shorthand = (['host', 'port', 'advertised-host'] as const).filter((f) => v[f] !== undefined);
  if (listeners && shorthand.length > 0) {
    // The shorthand's variables (BROOKLET_HOST, set by the Docker image) give way to --listeners;
    // a flag typed next to --listeners is a contradiction worth saying.
    throw new ConfigError(`--listeners replaces --${shorthand.join(', --')}: give one or the other`);
  }

  const config: Partial<BrokerConfig> = {
    host: v.host ?? env.BROOKLET_HOST,
    port: integer('port', v.port ?? env.BROOKLET_PORT),
    dataDir: v['data-dir'] ?? env.BROOKLET_DATA_DIR,
    advertisedHost: v['advertised-host'] ?? env.BROOKLET_ADVERTISED_HOST,
    listeners,
    advertisedListeners: v['advertised-listeners'] ?? env.BROOKLET_ADVERTISED_LISTENERS,
    listenerSecurityProtocolMap: v['listener-security-protocol-map'] ?? env.BROOKLET_LISTENER_SECURITY_PROTOCOL_MAP,
    numPartitions: integer('num-partitions', v['num-partitions'] ?? env.BROOKLET_NUM_PARTITIONS),
    segmentBytes: integer('segment-bytes', v['segment-bytes'] ?? env.BROOKLET_SEGMENT_BYTES),
    logRetentionMs: integer('log-retention-ms', v['log-retention-ms'] ?? env.BROOKLET_LOG_RETENTION_MS),
    logRetentionBytes: integer('log-retention-bytes', v['log-retention-bytes'] ?? env.BROOKLET_LOG_RETENTION_BYTES),
    logRetentionCheckIntervalMs: integer('log-retention-check-interval-ms',
      v['log-retention-check-interval-ms'] ?? env.BROOKLET_LOG_RETENTION_CHECK_INTERVAL_MS),
    logCleanerBackoffMs: integer('log-cleaner-backoff-ms', v['log-cleaner-backoff-ms'] ?? env.BROOKLET_LOG_CLEANER_BACKOFF_MS),
    logLevel: v['log-level'] ?? env.BROOKLET_LOG_LEVEL,
    logFormat: (v['log-format'] ?? env.BROOKLET_LOG_FORMAT) as BrokerConfig['logFormat'] | undefined,
    httpPort: integer('http-port', v['http-port'] ?? env.BROOKLET_HTTP_PORT),
    httpHost: v['http-host'] ?? env.BROOKLET_HTTP_HOST,
    schemaRegistryPort: integer('schema-registry-port', v['schema-registry-port'] ?? env.BROOKLET_SCHEMA_REGISTRY_PORT),
    schemaRegistryMaxBodyBytes: integer('schema-registry-max-body-bytes',
      v['schema-registry-max-body-bytes'] ?? env.BROOKLET_SCHEMA_REGISTRY_MAX_BODY_BYTES),
    flushPolicy: (v['flush-policy'] ?? env.BROOKLET_FLUSH_POLICY) as BrokerConfig['flushPolicy'] | undefined,
    flushIntervalMs: integer('flush-interval-ms', v['flush-interval-ms'] ?? env.BROOKLET_FLUSH_INTERVAL_MS),
    groupInitialRebalanceDelayMs: integer('group-initial-rebalance-delay-ms',
      v['group-initial-rebalance-delay-ms'] ?? env.BROOKLET_GROUP_INITIAL_REBALANCE_DELAY_MS),
    groupMinSessionTimeoutMs: integer('group-min-session-timeout-ms',
      v['group-min-session-timeout-ms'] ?? env.BROOKLET_GROUP_MIN_SESSION_TIMEOUT_MS),
    offsetsRetentionMinutes: integer('offsets-retention-minutes',
      v['offsets-retention-minutes'] ?? env.BROOKLET_OFFSETS_RETENTION_MINUTES),
    transactionMaxTimeoutMs: integer('transaction-max-timeout-ms', v['transaction-max-timeout-ms'] ?? env.BROOKLET_TRANSACTION_MAX_TIMEOUT_MS),
    transactionAbortTimedOutIntervalMs: integer('transaction-abort-timed-out-interval-ms',
      v['transaction-abort-timed-out-interval-ms'] ?? env.BROOKLET_TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS),
  };
  if (v['no-http']) config.http = false;
  else if (env.BROOKLET_HTTP !== undefined) config.http = boolean('BROOKLET_HTTP', env.BROOKLET_HTTP);
  if (v['no-schema-registry']) config.schemaRegistry = false;
  else if (env.BROOKLET_SCHEMA_REGISTRY !== undefined) config.schemaRegistry = boolean('BROOKLET_SCHEMA_REGISTRY', env.BROOKLET_SCHEMA_REGISTRY);
  if (v['no-auto-create-topics']) config.autoCreateTopics = false;
  else if (v['auto-create-topics']) config.autoCreateTopics = true;
  else if (env.BROOKLET_AUTO_CREATE_TOPICS !== undefined) {
    config.autoCreateTopics = boolean('BROOKLET_AUTO_CREATE_TOPICS', env.BROOKLET_AUTO_CREATE_TOPICS);
  }
  return { help: false, config };
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new ConfigError(`--${name} must be an integer, got "${text}"`);
  return Number(text);
}

function boolean(name: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${text}"`);
}
