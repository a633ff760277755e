/**
 * DescribeConfigs (key 32), versions 1-4: what kafka-configs --describe, the admin clients'
 * describeConfigs and librdkafka's describe_configs ask. v3+ carry each config's type (Kafka's
 * ConfigType codes) and documentation, which Brooklet leaves null. v3-4 are there because
 * @platformatic/kafka 1.x reads v2 answers as if they had v3's fields.
 *
 * Topics (resource type 2): every topic-level config Kafka 4.1 reports, with Kafka's names,
 * defaults and sources: a value set on the topic (CreateTopics configs) is TOPIC_CONFIG (1), a
 * default is DEFAULT_CONFIG (5), or STATIC_BROKER_CONFIG (4) where Brooklet's own flag (segment
 * bytes) overrides Kafka's default. min.insync.replicas is DYNAMIC_DEFAULT_BROKER_CONFIG (3)
 * because Kafka 4 in KRaft writes it as a cluster-wide dynamic default at format time, and
 * clients that print sources should see the same thing from both brokers. Synonyms (v1+, when
 * asked) follow Kafka: the topic's own value first, then the broker config it falls back to.
 *
 * The broker (resource type 4, name = node id): the subset of Kafka's ~300 broker configs that
 * Brooklet has a meaning for, with Brooklet's actual values. An empty name is the cluster-level
 * dynamic defaults, as in Kafka. Another broker id: INVALID_REQUEST with Kafka's message.
 * An unknown topic: UNKNOWN_TOPIC_OR_PARTITION. configurationKeys filters the answer; unknown
 * keys are left out silently, as Kafka does. Kafka sends '' (not null) as the error message of a
 * result without a message, so Brooklet does too.
 */
import { ErrorCode, type DescribeConfigsRequest, type DescribeConfigsResponse } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';
import { topicNameProblem } from '../topic-names.js';
import { formatEndpoint } from '../../server/listeners/listener-config.js';

type Result = DescribeConfigsResponse.DescribeConfigsResult;
type Entry = DescribeConfigsResponse.DescribeConfigsResourceResult;
type Synonym = { name: string; value: string | null; source: number };

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const SOURCE = { TOPIC: 1, DYNAMIC_DEFAULT_BROKER: 3, STATIC_BROKER: 4, DEFAULT: 5 } as const;
const LONG_MAX = '9223372036854775807';

/**
 * Topic configs: Kafka 4.1's default and the broker config a topic falls back to (whose default
 * synonym Kafka lists; null where Kafka lists none, e.g. retention.ms -> log.retention.ms unset).
 */
/** Kafka's ConfigType codes (DescribeConfigs v3+). */
const T = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 } as const;

const TOPIC_DEFAULTS: Record<string, { value: string; synonym: string | null; type: number }> = {
  'cleanup.policy': { value: 'delete', synonym: 'log.cleanup.policy', type: T.LIST },
  'compression.gzip.level': { value: '-1', synonym: 'compression.gzip.level', type: T.INT },
  'compression.lz4.level': { value: '9', synonym: 'compression.lz4.level', type: T.INT },
  'compression.type': { value: 'producer', synonym: 'compression.type', type: T.STRING },
  'compression.zstd.level': { value: '3', synonym: 'compression.zstd.level', type: T.INT },
  'delete.retention.ms': { value: '86400000', synonym: 'log.cleaner.delete.retention.ms', type: T.LONG },
  'file.delete.delay.ms': { value: '60000', synonym: 'log.segment.delete.delay.ms', type: T.LONG },
  'flush.messages': { value: LONG_MAX, synonym: 'log.flush.interval.messages', type: T.LONG },
  'flush.ms': { value: LONG_MAX, synonym: null, type: T.LONG },
  'follower.replication.throttled.replicas': { value: '', synonym: null, type: T.LIST },
  'index.interval.bytes': { value: '4096', synonym: 'log.index.interval.bytes', type: T.INT },
  'leader.replication.throttled.replicas': { value: '', synonym: null, type: T.LIST },
  'local.retention.bytes': { value: '-2', synonym: 'log.local.retention.bytes', type: T.LONG },
  'local.retention.ms': { value: '-2', synonym: 'log.local.retention.ms', type: T.LONG },
  'max.compaction.lag.ms': { value: LONG_MAX, synonym: 'log.cleaner.max.compaction.lag.ms', type: T.LONG },
  'max.message.bytes': { value: '1048588', synonym: 'message.max.bytes', type: T.INT },
  'message.timestamp.after.max.ms': { value: '3600000', synonym: 'log.message.timestamp.after.max.ms', type: T.LONG },
  'message.timestamp.before.max.ms': { value: LONG_MAX, synonym: 'log.message.timestamp.before.max.ms', type: T.LONG },
  'message.timestamp.type': { value: 'CreateTime', synonym: 'log.message.timestamp.type', type: T.STRING },
  'min.cleanable.dirty.ratio': { value: '0.5', synonym: 'log.cleaner.min.cleanable.ratio', type: T.DOUBLE },
  'min.compaction.lag.ms': { value: '0', synonym: 'log.cleaner.min.compaction.lag.ms', type: T.LONG },
  'min.insync.replicas': { value: '1', synonym: 'min.insync.replicas', type: T.INT },
  'preallocate': { value: 'false', synonym: 'log.preallocate', type: T.BOOLEAN },
  'remote.log.copy.disable': { value: 'false', synonym: null, type: T.BOOLEAN },
  'remote.log.delete.on.disable': { value: 'false', synonym: null, type: T.BOOLEAN },
  'remote.storage.enable': { value: 'false', synonym: null, type: T.BOOLEAN },
  'retention.bytes': { value: '-1', synonym: 'log.retention.bytes', type: T.LONG },
  'retention.ms': { value: '604800000', synonym: null, type: T.LONG },
  'segment.bytes': { value: '1073741824', synonym: 'log.segment.bytes', type: T.INT },
  'segment.index.bytes': { value: '10485760', synonym: 'log.index.size.max.bytes', type: T.INT },
  'segment.jitter.ms': { value: '0', synonym: null, type: T.LONG },
  'segment.ms': { value: '604800000', synonym: null, type: T.LONG },
  'unclean.leader.election.enable': { value: 'false', synonym: 'unclean.leader.election.enable', type: T.BOOLEAN },
};

export const describeConfigs = defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
  apiKey: 32,
  name: 'DescribeConfigs',
  versions: { min: 1, max: 4 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      results: request.resources.map((r) => describeOne(ctx.broker, r, request.includeSynonyms)),
    };
  },
  errorResponse: (request, errorCode) => ({
    results: request.resources.map((r) => failure(r, errorCode, null)),
  }),
});

function describeOne(broker: Broker, resource: DescribeConfigsRequest.DescribeConfigsResource,
  includeSynonyms: boolean): Result {
  let entries: Entry[];
  if (resource.resourceType === RESOURCE_TOPIC) {
    const topic = broker.logs.getTopic(resource.resourceName);
    if (!topic) {
      const invalid = topicNameProblem(resource.resourceName);
      return failure(resource, invalid ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, invalid ?? '');
    }
    entries = topicEntries(broker, topic.configs, includeSynonyms);
  } else if (resource.resourceType === RESOURCE_BROKER) {
    if (resource.resourceName === '') {
      const synonym = { name: 'min.insync.replicas', value: '1', source: SOURCE.DYNAMIC_DEFAULT_BROKER };
      entries = [entry(synonym.name, synonym.value, false, synonym.source, T.INT, includeSynonyms ? [synonym] : undefined)];
    } else if (resource.resourceName === String(broker.nodeId)) {
      entries = brokerEntries(broker, includeSynonyms);
    } else {
      return failure(resource, ErrorCode.INVALID_REQUEST,
        `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resource.resourceName}`);
    }
  } else {
    return failure(resource, ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType}`);
  }
  const keys = resource.configurationKeys;
  if (keys !== null && keys.length > 0) entries = entries.filter((e) => keys.includes(e.name!));
  return { errorCode: ErrorCode.NONE, errorMessage: '', resourceType: resource.resourceType,
    resourceName: resource.resourceName, configs: entries };
}

/** Every topic config with its value and source (also CreateTopics v5+'s answer). */
export function topicEntries(broker: Broker, overrides: Record<string, string>, includeSynonyms: boolean): Entry[] {
  const brokerDefaults = brokerTopicDefaults(broker);
  return Object.entries(TOPIC_DEFAULTS).map(([name, spec]) => {
    const fallback = brokerDefaults[name];
    const defaultSource = name === 'min.insync.replicas' ? SOURCE.DYNAMIC_DEFAULT_BROKER
      : fallback ? SOURCE.STATIC_BROKER : SOURCE.DEFAULT;
    const defaultValue = fallback ?? spec.value;
    const synonyms: Synonym[] = [];
    const own = overrides[name];
    if (own !== undefined) synonyms.push({ name, value: own, source: SOURCE.TOPIC });
    if (spec.synonym !== null) {
      if (name === 'min.insync.replicas') synonyms.push({ name, value: '1', source: SOURCE.DYNAMIC_DEFAULT_BROKER });
      if (fallback) synonyms.push({ name: spec.synonym, value: fallback, source: SOURCE.STATIC_BROKER });
      synonyms.push({ name: spec.synonym, value: spec.value, source: SOURCE.DEFAULT });
    }
    return own !== undefined
      ? entry(name, own, false, SOURCE.TOPIC, spec.type, includeSynonyms ? synonyms : undefined)
      : entry(name, defaultValue, false, defaultSource, spec.type, includeSynonyms ? synonyms : undefined);
  });
}

/** Topic defaults that Brooklet's own configuration changes from Kafka's (reported as static broker configs). */
function brokerTopicDefaults(broker: Broker): Record<string, string> {
  const out: Record<string, string> = {};
  const c = broker.config;
  if (String(c.segmentBytes) !== TOPIC_DEFAULTS['segment.bytes']!.value) out['segment.bytes'] = String(c.segmentBytes);
  if (String(c.indexIntervalBytes) !== TOPIC_DEFAULTS['index.interval.bytes']!.value) {
    out['index.interval.bytes'] = String(c.indexIntervalBytes);
  }
  return out;
}

/** The broker configs Brooklet has a meaning for: [name, value, readOnly, source, type]. */
function brokerEntries(broker: Broker, includeSynonyms: boolean): Entry[] {
  const c = broker.config;
  const listener = broker.listeners.map((l) => formatEndpoint(l.name, l.host, l.port)).join(',')
    || `PLAINTEXT://${c.host}:${broker.advertisedPort}`;
  const advertised = broker.listeners.map((l) => formatEndpoint(l.name, l.advertisedHost, l.advertisedPort)).join(',')
    || `PLAINTEXT://${c.advertisedHost}:${broker.advertisedPort}`;
  const rows: [string, string | null, boolean, number, number][] = [
    ['node.id', String(c.nodeId), true, SOURCE.STATIC_BROKER, T.INT],
    ['broker.id', String(c.nodeId), true, SOURCE.STATIC_BROKER, T.INT],
    ['process.roles', 'broker,controller', true, SOURCE.STATIC_BROKER, T.LIST],
    ['listeners', listener, false, SOURCE.STATIC_BROKER, T.STRING],
    ['advertised.listeners', advertised, true, SOURCE.STATIC_BROKER, T.STRING],
    ['log.dirs', c.dataDir, true, SOURCE.STATIC_BROKER, T.STRING],
    ['num.partitions', String(c.numPartitions), true, SOURCE.STATIC_BROKER, T.INT],
    ['auto.create.topics.enable', String(c.autoCreateTopics), true, SOURCE.STATIC_BROKER, T.BOOLEAN],
    ['default.replication.factor', '1', true, SOURCE.DEFAULT, T.INT],
    ['delete.topic.enable', 'true', true, SOURCE.DEFAULT, T.BOOLEAN],
    ['message.max.bytes', '1048588', false, SOURCE.DEFAULT, T.INT],
    ['socket.request.max.bytes', String(c.maxRequestBytes), true, SOURCE.DEFAULT, T.INT],
    ['connections.max.idle.ms', String(c.connectionsMaxIdleMs), true, SOURCE.DEFAULT, T.LONG],
    ['log.segment.bytes', String(c.segmentBytes), false, SOURCE.DEFAULT, T.INT],
    ['log.roll.hours', '168', true, SOURCE.DEFAULT, T.INT],
    ['log.roll.ms', null, false, SOURCE.DEFAULT, T.LONG],
    ['log.index.interval.bytes', String(c.indexIntervalBytes), false, SOURCE.DEFAULT, T.INT],
    ['log.index.size.max.bytes', '10485760', false, SOURCE.DEFAULT, T.INT],
    ['log.retention.hours', '168', true, SOURCE.DEFAULT, T.INT],
    ['log.retention.ms', null, false, SOURCE.DEFAULT, T.LONG],
    ['log.retention.bytes', '-1', false, SOURCE.DEFAULT, T.LONG],
    ['log.cleanup.policy', 'delete', false, SOURCE.DEFAULT, T.LIST],
    ['log.message.timestamp.type', 'CreateTime', false, SOURCE.DEFAULT, T.STRING],
    ['compression.type', 'producer', false, SOURCE.DEFAULT, T.STRING],
    ['min.insync.replicas', '1', false, SOURCE.DYNAMIC_DEFAULT_BROKER, T.INT],
    ['unclean.leader.election.enable', 'false', false, SOURCE.DEFAULT, T.BOOLEAN],
    ['offsets.topic.replication.factor', '1', true, SOURCE.STATIC_BROKER, T.SHORT],
    ['offsets.topic.num.partitions', '1', true, SOURCE.STATIC_BROKER, T.INT],
    ['group.initial.rebalance.delay.ms', '0', true, SOURCE.STATIC_BROKER, T.INT],
    ['group.min.session.timeout.ms', '6000', true, SOURCE.DEFAULT, T.INT],
    ['group.max.session.timeout.ms', '1800000', true, SOURCE.DEFAULT, T.INT],
  ];
  return rows.map(([name, value, readOnly, source, type]) =>
    entry(name, value, readOnly, source, type, includeSynonyms ? (value === null ? [] : [{ name, value, source }]) : undefined));
}

function entry(name: string, value: string | null, readOnly: boolean, source: number, configType: number,
  synonyms: Synonym[] | undefined): Entry {
  return { name, value, readOnly, configSource: source, isSensitive: false, synonyms: synonyms ?? [], configType, documentation: null };
}

function failure(resource: DescribeConfigsRequest.DescribeConfigsResource, errorCode: number, errorMessage: string | null): Result {
  return { errorCode, errorMessage, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
}
