/**
 * Topic-level configs Brooklet accepts in CreateTopics, with Kafka's names and validation.
 * segment.bytes, segment.ms, index.interval.bytes and max.message.bytes take effect; the others
 * are stored and reported so that tools which set them keep working.
 * An unknown name or a value of the wrong kind is INVALID_CONFIG, as in Kafka.
 */
type Kind = 'int' | 'long' | 'boolean' | 'string' | 'ratio' | { oneOf: readonly string[] };

const KNOWN: Record<string, { kind: Kind; min?: number }> = {
  'cleanup.policy': { kind: 'string' },
  'compression.type': { kind: { oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] } },
  'compression.gzip.level': { kind: 'int' },
  'compression.lz4.level': { kind: 'int' },
  'compression.zstd.level': { kind: 'int' },
  'delete.retention.ms': { kind: 'long', min: 0 },
  'file.delete.delay.ms': { kind: 'long', min: 0 },
  'flush.messages': { kind: 'long', min: 1 },
  'flush.ms': { kind: 'long', min: 0 },
  'follower.replication.throttled.replicas': { kind: 'string' },
  'index.interval.bytes': { kind: 'int', min: 0 },
  'leader.replication.throttled.replicas': { kind: 'string' },
  'local.retention.bytes': { kind: 'long', min: -2 },
  'local.retention.ms': { kind: 'long', min: -2 },
  'max.compaction.lag.ms': { kind: 'long', min: 1 },
  'max.message.bytes': { kind: 'int', min: 0 },
  'message.downconversion.enable': { kind: 'boolean' },
  'message.timestamp.after.max.ms': { kind: 'long', min: 0 },
  'message.timestamp.before.max.ms': { kind: 'long', min: 0 },
  'message.timestamp.difference.max.ms': { kind: 'long', min: 0 },
  'message.timestamp.type': { kind: { oneOf: ['CreateTime', 'LogAppendTime'] } },
  'min.cleanable.dirty.ratio': { kind: 'ratio' },
  'min.compaction.lag.ms': { kind: 'long', min: 0 },
  'min.insync.replicas': { kind: 'int', min: 1 },
  'preallocate': { kind: 'boolean' },
  'remote.storage.enable': { kind: 'boolean' },
  'retention.bytes': { kind: 'long', min: -1 },
  'retention.ms': { kind: 'long', min: -1 },
  'segment.bytes': { kind: 'int', min: 14 },
  'segment.index.bytes': { kind: 'int', min: 4 },
  'segment.jitter.ms': { kind: 'long', min: 0 },
  'segment.ms': { kind: 'long', min: 1 },
  'unclean.leader.election.enable': { kind: 'boolean' },
};

/** Kafka's broker default message.max.bytes, the limit for one record batch. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

/** Returns an error message for the first invalid entry, or null when all are valid. */
export function validateTopicConfigs(configs: Record<string, string | null>): string | null {
  for (const [name, value] of Object.entries(configs)) {
    const spec = KNOWN[name];
    if (!spec) return `Unknown topic config name: ${name}`;
    if (value === null) return `Null value not supported for topic configs: ${name}`;
    const problem = checkValue(spec.kind, value, spec.min);
    if (problem) return `Invalid value ${value} for configuration ${name}: ${problem}`;
  }
  return null;
}

function checkValue(kind: Kind, value: string, min: number | undefined): string | null {
  if (kind === 'int' || kind === 'long') {
    if (!/^-?\d+$/.test(value.trim())) return 'Not a number of type ' + kind.toUpperCase();
    const n = Number(value);
    if (kind === 'int' && (n < -(2 ** 31) || n > 2 ** 31 - 1)) return 'Not a number of type INT';
    if (min !== undefined && n < min) return `Value must be at least ${min}`;
    return null;
  }
  if (kind === 'boolean') return /^(true|false)$/i.test(value.trim()) ? null : 'Expected value to be either true or false';
  if (kind === 'ratio') {
    const n = Number(value);
    return Number.isFinite(n) && n >= 0 && n <= 1 ? null : 'Value must be between 0 and 1';
  }
  if (kind === 'string') return null;
  return kind.oneOf.includes(value) ? null : `String must be one of: ${kind.oneOf.join(', ')}`;
}
