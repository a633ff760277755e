/**
 * Topic-level settings storage acts on, with Kafka's names and defaults. Other topic configs
 * are stored and returned untouched.
 */
export interface TopicConfigDefaults {
  /** segment.bytes: roll when the active segment would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll when the active segment is older than this. */
  segmentMs: number;
  /** index.interval.bytes: bytes appended between two index entries. */
  indexIntervalBytes: number;
}

export const KAFKA_DEFAULTS: TopicConfigDefaults = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
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
  };
}
