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
 *
 * Retention and compaction (storage/retention/, storage/cleaner/), Kafka's names and defaults:
 *   retention.ms               604800000 (7 days); -1 = keep forever
 *   retention.bytes            -1 (no size limit); per partition, as in Kafka
 *   cleanup.policy             delete | compact | compact,delete (either order)
 *   delete.retention.ms        86400000: how long a tombstone (and an emptied transaction's
 *                              marker) stays after the segment holding it was cleaned
 *   min.cleanable.dirty.ratio  0.5: the share of the cleanable log that must be dirty
 *   min.compaction.lag.ms      0: a record younger than this is never compacted
 *   max.compaction.lag.ms      Long.MAX_VALUE: a dirty record older than this forces a clean
 *                              whatever the ratio
 * Kafka's Long.MAX_VALUE (or anything past 2^53) reads as Infinity.
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
  /** retention.ms: sealed segments whose newest record is older are deleted; -1 = never. */
  retentionMs: number;
  /** retention.bytes: oldest segments are deleted while the partition is larger; -1 = no limit. */
  retentionBytes: number;
}

export type CleanupPolicy = { delete: boolean; compact: boolean };

export const KAFKA_DEFAULTS: TopicConfigDefaults = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  flushPolicy: 'never',
  flushIntervalMs: 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
};

export interface LogConfig extends TopicConfigDefaults {
  cleanupPolicy: CleanupPolicy;
  deleteRetentionMs: number;
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
}

/** Kafka's topic defaults for the settings that have no broker-wide flag here. */
export const COMPACTION_DEFAULTS = {
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Infinity,
};

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
    retentionMs: longAtLeast(configs, 'retention.ms', -1, defaults.retentionMs),
    retentionBytes: longAtLeast(configs, 'retention.bytes', -1, defaults.retentionBytes),
    cleanupPolicy: cleanupPolicy(configs['cleanup.policy']),
    deleteRetentionMs: longAtLeast(configs, 'delete.retention.ms', 0, COMPACTION_DEFAULTS.deleteRetentionMs),
    minCleanableDirtyRatio: ratio(configs, 'min.cleanable.dirty.ratio', COMPACTION_DEFAULTS.minCleanableDirtyRatio),
    minCompactionLagMs: longAtLeast(configs, 'min.compaction.lag.ms', 0, COMPACTION_DEFAULTS.minCompactionLagMs),
    maxCompactionLagMs: longAtLeast(configs, 'max.compaction.lag.ms', 1, COMPACTION_DEFAULTS.maxCompactionLagMs),
  };
}

/** A Kafka long config >= min; values past 2^53 (Long.MAX_VALUE) read as Infinity. */
function longAtLeast(configs: Record<string, string>, name: string, min: number, fallback: number): number {
  const raw = configs[name];
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new Error(`topic config ${name}=${raw} is not an integer`);
  const value = Number(raw);
  if (value < min) throw new Error(`topic config ${name}=${raw} is below ${min}`);
  return value > Number.MAX_SAFE_INTEGER ? Infinity : value;
}

function ratio(configs: Record<string, string>, name: string, fallback: number): number {
  const raw = configs[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new Error(`topic config ${name}=${raw} is not a number from 0 to 1`);
  return value;
}

/** cleanup.policy: a comma-separated list of delete and compact (Kafka accepts either order). */
export function cleanupPolicy(raw: string | undefined): CleanupPolicy {
  if (raw === undefined) return { delete: true, compact: false };
  const parts = raw.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part.length > 0);
  for (const part of parts) if (part !== 'delete' && part !== 'compact') throw new Error(`topic config cleanup.policy=${raw}: each value must be delete or compact`);
  return { delete: parts.includes('delete'), compact: parts.includes('compact') };
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
