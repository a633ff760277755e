/**
 * Topic-level settings storage acts on, with Kafka's names and defaults. Other topic configs
 * are stored and returned untouched.
 *
 * Durability (flush policy), per broker and per topic. A topic chooses its policy with Kafka's
 * own names, so Kafka tools that set them keep their meaning:
 *   flush.messages=1      -> always   (every appended batch is synced before it is acknowledged)
 *   flush.ms=N (N >= 1)   -> interval (synced at most N ms after it was appended)
 *   flush.ms=0            -> always
 *   flush.ms >= 2^53      -> never    (Kafka's default Long.MAX_VALUE: the page cache only)
 * flush.messages=1 wins over flush.ms; flush.messages > 1 is stored but has no effect (Brooklet
 * counts no messages between syncs). A topic that sets neither follows the broker's policy.
 */
export type FlushPolicy = 'never' | 'interval' | 'always';

export const FLUSH_POLICIES: readonly FlushPolicy[] = ['never', 'interval', 'always'];

export interface TopicConfigDefaults {
  /** segment.bytes: roll when the active segment would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll when the active segment is older than this. */
  segmentMs: number;
  /** index.interval.bytes: bytes appended between two index entries. */
  indexIntervalBytes: number;
  /** When appended data is fdatasync'd (see above). */
  flushPolicy: FlushPolicy;
  /** For `interval`: the longest time appended data stays unsynced. */
  flushIntervalMs: number;
}

export const KAFKA_DEFAULTS: TopicConfigDefaults = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  flushPolicy: 'never',
  flushIntervalMs: 1000,
};

export interface LogConfig extends TopicConfigDefaults {}

function positiveInteger(configs: Record<string, string>, name: string, fallback: number): number {
  const raw = configs[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`topic config ${name}=${raw} is not a positive integer`);
  return value;
}

/** The settings of a topic: its own configs over the broker defaults. */
export function resolveLogConfig(configs: Record<string, string>, defaults: TopicConfigDefaults): LogConfig {
  return {
    segmentBytes: positiveInteger(configs, 'segment.bytes', defaults.segmentBytes),
    segmentMs: positiveInteger(configs, 'segment.ms', defaults.segmentMs),
    indexIntervalBytes: positiveInteger(configs, 'index.interval.bytes', defaults.indexIntervalBytes),
    ...flushSettings(configs, defaults),
  };
}

function flushSettings(configs: Record<string, string>, defaults: TopicConfigDefaults): Pick<LogConfig, 'flushPolicy' | 'flushIntervalMs'> {
  const messages = configs['flush.messages'];
  const ms = configs['flush.ms'];
  if (messages !== undefined && Number(messages) === 1) return { flushPolicy: 'always', flushIntervalMs: defaults.flushIntervalMs };
  if (ms === undefined) return { flushPolicy: defaults.flushPolicy, flushIntervalMs: defaults.flushIntervalMs };
  const value = Number(ms);
  if (!Number.isFinite(value) || value < 0 || !/^\d+$/.test(ms.trim())) throw new Error(`topic config flush.ms=${ms} is not a non-negative integer`);
  if (value === 0) return { flushPolicy: 'always', flushIntervalMs: defaults.flushIntervalMs };
  if (value > Number.MAX_SAFE_INTEGER) return { flushPolicy: 'never', flushIntervalMs: defaults.flushIntervalMs };
  return { flushPolicy: 'interval', flushIntervalMs: value };
}
