/**
 * Every topic config Brooklet knows, in one table: Kafka 4.1's name, type (Kafka's ConfigType
 * code, as DescribeConfigs v3+ reports it), default, the broker config a topic falls back to
 * (its "synonym"; null where Kafka lists none), and the validator with Kafka's own messages
 * ("Invalid value <v> for configuration <name>: <why>"), so CreateTopics, AlterConfigs and
 * IncrementalAlterConfigs reject the same values with the same words as Kafka.
 *
 * What takes effect: segment.bytes, segment.ms, index.interval.bytes, flush.*, max.message.bytes,
 * and whatever storage/config.ts resolves (retention and compaction settings). The rest are
 * stored and reported so that tools which set them keep working.
 *
 * Deliberate difference: segment.bytes accepts values down to 14 bytes (Kafka 4: 1 MiB), so that
 * tests and small development brokers can roll segments quickly (README, differences table).
 */
import { validateValue, type Validator } from './config-values.js';

/** Kafka's ConfigType codes (DescribeConfigs v3+). */
export const CONFIG_TYPE = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 } as const;
const T = CONFIG_TYPE;
const LONG_MAX = '9223372036854775807';

export interface TopicConfigSpec {
  type: number;
  value: string;
  synonym: string | null;
  check: Validator;
}

const long = (min?: number): Validator => ({ kind: 'long', min });
const int = (min?: number, max?: number): Validator => ({ kind: 'int', min, max });
const bool: Validator = { kind: 'boolean' };
const throttled: Validator = { kind: 'throttled' };

export const TOPIC_CONFIGS: Readonly<Record<string, TopicConfigSpec>> = {
  'cleanup.policy': { value: 'delete', synonym: 'log.cleanup.policy', type: T.LIST, check: { kind: 'list', oneOf: ['compact', 'delete'] } },
  'compression.gzip.level': { value: '-1', synonym: 'compression.gzip.level', type: T.INT, check: { kind: 'gzip-level' } },
  'compression.lz4.level': { value: '9', synonym: 'compression.lz4.level', type: T.INT, check: int(1, 17) },
  'compression.type': { value: 'producer', synonym: 'compression.type', type: T.STRING,
    check: { kind: 'string', oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] } },
  'compression.zstd.level': { value: '3', synonym: 'compression.zstd.level', type: T.INT, check: int(-131072, 22) },
  'delete.retention.ms': { value: '86400000', synonym: 'log.cleaner.delete.retention.ms', type: T.LONG, check: long(0) },
  'file.delete.delay.ms': { value: '60000', synonym: 'log.segment.delete.delay.ms', type: T.LONG, check: long(0) },
  'flush.messages': { value: LONG_MAX, synonym: 'log.flush.interval.messages', type: T.LONG, check: long(1) },
  'flush.ms': { value: LONG_MAX, synonym: null, type: T.LONG, check: long(0) },
  'follower.replication.throttled.replicas': { value: '', synonym: null, type: T.LIST, check: throttled },
  'index.interval.bytes': { value: '4096', synonym: 'log.index.interval.bytes', type: T.INT, check: int(0) },
  'leader.replication.throttled.replicas': { value: '', synonym: null, type: T.LIST, check: throttled },
  'local.retention.bytes': { value: '-2', synonym: 'log.local.retention.bytes', type: T.LONG, check: long(-2) },
  'local.retention.ms': { value: '-2', synonym: 'log.local.retention.ms', type: T.LONG, check: long(-2) },
  'max.compaction.lag.ms': { value: LONG_MAX, synonym: 'log.cleaner.max.compaction.lag.ms', type: T.LONG, check: long(1) },
  'max.message.bytes': { value: '1048588', synonym: 'message.max.bytes', type: T.INT, check: int(0) },
  'message.timestamp.after.max.ms': { value: '3600000', synonym: 'log.message.timestamp.after.max.ms', type: T.LONG, check: long(0) },
  'message.timestamp.before.max.ms': { value: LONG_MAX, synonym: 'log.message.timestamp.before.max.ms', type: T.LONG, check: long(0) },
  'message.timestamp.type': { value: 'CreateTime', synonym: 'log.message.timestamp.type', type: T.STRING,
    check: { kind: 'string', oneOf: ['CreateTime', 'LogAppendTime'] } },
  'min.cleanable.dirty.ratio': { value: '0.5', synonym: 'log.cleaner.min.cleanable.ratio', type: T.DOUBLE, check: { kind: 'double', min: 0, max: 1 } },
  'min.compaction.lag.ms': { value: '0', synonym: 'log.cleaner.min.compaction.lag.ms', type: T.LONG, check: long(0) },
  'min.insync.replicas': { value: '1', synonym: 'min.insync.replicas', type: T.INT, check: int(1) },
  'preallocate': { value: 'false', synonym: 'log.preallocate', type: T.BOOLEAN, check: bool },
  'remote.log.copy.disable': { value: 'false', synonym: null, type: T.BOOLEAN, check: bool },
  'remote.log.delete.on.disable': { value: 'false', synonym: null, type: T.BOOLEAN, check: bool },
  'remote.storage.enable': { value: 'false', synonym: null, type: T.BOOLEAN, check: { kind: 'remote-storage' } },
  'retention.bytes': { value: '-1', synonym: 'log.retention.bytes', type: T.LONG, check: long() },
  'retention.ms': { value: '604800000', synonym: null, type: T.LONG, check: long(-1) },
  'segment.bytes': { value: '1073741824', synonym: 'log.segment.bytes', type: T.INT, check: int(14) },
  'segment.index.bytes': { value: '10485760', synonym: 'log.index.size.max.bytes', type: T.INT, check: int(4) },
  'segment.jitter.ms': { value: '0', synonym: null, type: T.LONG, check: long(0) },
  'segment.ms': { value: '604800000', synonym: null, type: T.LONG, check: long(1) },
  'unclean.leader.election.enable': { value: 'false', synonym: 'unclean.leader.election.enable', type: T.BOOLEAN, check: bool },
};

/** Kafka's broker default message.max.bytes, the limit for one record batch. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

/** Kafka's message for a config name no topic has (INVALID_CONFIG). */
export function unknownTopicConfig(name: string): string {
  return `Unknown topic config name: ${name}`;
}

/** The problem with one topic config value (Kafka's message), or null when it is valid. */
export function topicConfigProblem(name: string, value: string): string | null {
  const spec = TOPIC_CONFIGS[name];
  if (!spec) return unknownTopicConfig(name);
  return validateValue(name, value, spec.check);
}

/** CreateTopics: the message for the first invalid entry, or null when all are valid. */
export function validateTopicConfigs(configs: Record<string, string | null>): string | null {
  for (const [name, value] of Object.entries(configs)) {
    if (!TOPIC_CONFIGS[name]) return unknownTopicConfig(name);
    if (value === null) return `Null value not supported for topic configs: ${name}`;
    const problem = topicConfigProblem(name, value);
    if (problem) return problem;
  }
  return null;
}
