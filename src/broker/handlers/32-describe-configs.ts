/**
 * DescribeConfigs (key 32), versions 1-4: what kafka-configs --describe, the admin clients'
 * describeConfigs and librdkafka's describe_configs ask. v3+ carry each config's type (Kafka's
 * ConfigType codes) and documentation, which Brooklet leaves null. v3-4 are there because
 * @platformatic/kafka 1.x reads v2 answers as if they had v3's fields.
 *
 * Topics (resource type 2): every topic-level config Kafka 4.1 reports, with Kafka's names,
 * defaults and sources (configs/config-sources.ts): a value set on the topic (CreateTopics,
 * AlterConfigs) is DYNAMIC_TOPIC_CONFIG (1); a broker default set at run time (AlterConfigs on the
 * broker) is DYNAMIC_BROKER_CONFIG (2) or, cluster-wide, DYNAMIC_DEFAULT_BROKER_CONFIG (3); else
 * STATIC_BROKER_CONFIG (4) where Brooklet's own flag (segment bytes) overrides Kafka's default,
 * or DEFAULT_CONFIG (5). min.insync.replicas is DYNAMIC_DEFAULT_BROKER_CONFIG (3)
 * because Kafka 4 in KRaft writes it as a cluster-wide dynamic default at format time, and
 * clients that print sources should see the same thing from both brokers. Synonyms (v1+, when
 * asked) follow Kafka: the topic's own value first, then the broker config it falls back to.
 *
 * The broker (resource type 4, name = node id): the subset of Kafka's ~300 broker configs that
 * Brooklet has a meaning for, with Brooklet's actual values and any dynamic value laid over them,
 * then every other dynamic config set. An empty name is the cluster-level dynamic defaults, as in
 * Kafka. Another broker id: INVALID_REQUEST with Kafka's message.
 * An unknown topic: UNKNOWN_TOPIC_OR_PARTITION. configurationKeys filters the answer; unknown
 * keys are left out silently, as Kafka does. Kafka sends '' (not null) as the error message of a
 * result without a message, so Brooklet does too.
 */
import { ErrorCode, type DescribeConfigsRequest, type DescribeConfigsResponse } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';
import { topicNameProblem } from '../topic-names.js';
import { formatEndpoint } from '../../server/listeners/listener-config.js';
import { brokerRow, entry, extraDynamicEntries, SOURCE, topicConfigChain, type Entry } from '../configs/config-sources.js';
import { CONFIG_TYPE, TOPIC_CONFIGS } from '../configs/topic-configs.js';

type Result = DescribeConfigsResponse.DescribeConfigsResult;
const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const T = CONFIG_TYPE;

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
      const dynamic = extraDynamicEntries(broker.dynamicConfigs, 'cluster', new Set(['min.insync.replicas']), includeSynonyms);
      const own = broker.dynamicConfigs.get('cluster')['min.insync.replicas'] ?? '1';
      const synonym = { name: 'min.insync.replicas', value: own, source: SOURCE.DYNAMIC_DEFAULT_BROKER };
      entries = [entry(synonym.name, synonym.value, false, synonym.source, T.INT, includeSynonyms ? [synonym] : []), ...dynamic];
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
  return Object.entries(TOPIC_CONFIGS).map(([name, spec]) => {
    const chain = topicConfigChain(name, spec, overrides[name], broker.dynamicConfigs, brokerDefaults[name]);
    const inForce = chain[0] ?? { value: spec.value, source: SOURCE.DEFAULT };
    return entry(name, inForce.value, false, inForce.source, spec.type, includeSynonyms ? chain : []);
  });
}

/** Topic defaults that Brooklet's own configuration changes from Kafka's (reported as static broker configs). */
function brokerTopicDefaults(broker: Broker): Record<string, string> {
  const out: Record<string, string> = {};
  const c = broker.config;
  if (String(c.segmentBytes) !== TOPIC_CONFIGS['segment.bytes']!.value) out['segment.bytes'] = String(c.segmentBytes);
  if (String(c.indexIntervalBytes) !== TOPIC_CONFIGS['index.interval.bytes']!.value) {
    out['index.interval.bytes'] = String(c.indexIntervalBytes);
  }
  if (String(c.logRetentionMs) !== TOPIC_CONFIGS['retention.ms']!.value) out['retention.ms'] = String(c.logRetentionMs);
  if (String(c.logRetentionBytes) !== TOPIC_CONFIGS['retention.bytes']!.value) out['retention.bytes'] = String(c.logRetentionBytes);
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
    ...retentionRows(broker),
    ['log.cleanup.policy', 'delete', false, SOURCE.DEFAULT, T.LIST],
    ['log.message.timestamp.type', 'CreateTime', false, SOURCE.DEFAULT, T.STRING],
    ['compression.type', 'producer', false, SOURCE.DEFAULT, T.STRING],
    ['min.insync.replicas', '1', false, SOURCE.DEFAULT, T.INT],
    ['unclean.leader.election.enable', 'false', false, SOURCE.DEFAULT, T.BOOLEAN],
    ['offsets.topic.replication.factor', '1', true, SOURCE.STATIC_BROKER, T.SHORT],
    ['offsets.topic.num.partitions', '1', true, SOURCE.STATIC_BROKER, T.INT],
    ['group.initial.rebalance.delay.ms', '0', true, SOURCE.STATIC_BROKER, T.INT],
    ['group.min.session.timeout.ms', '6000', true, SOURCE.DEFAULT, T.INT],
    ['group.max.session.timeout.ms', '1800000', true, SOURCE.DEFAULT, T.INT],
  ];
  const listed = rows.map(([name, value, readOnly, source, type]) =>
    brokerRow(name, value, readOnly, source, type, broker.dynamicConfigs, includeSynonyms));
  return [...listed, ...extraDynamicEntries(broker.dynamicConfigs, 'broker', new Set(rows.map((r) => r[0])), includeSynonyms)];
}

function failure(resource: DescribeConfigsRequest.DescribeConfigsResource, errorCode: number, errorMessage: string | null): Result {
  return { errorCode, errorMessage, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
}

/** log.retention.ms and .bytes: Kafka's defaults, or Brooklet's flags where they set others. */
function retentionRows(broker: Broker): [string, string | null, boolean, number, number][] {
  const { logRetentionMs: ms, logRetentionBytes: bytes } = broker.config;
  const msSet = String(ms) !== TOPIC_CONFIGS['retention.ms']!.value;
  const bytesSet = String(bytes) !== TOPIC_CONFIGS['retention.bytes']!.value;
  return [
    ['log.retention.ms', msSet ? String(ms) : null, false, msSet ? SOURCE.STATIC_BROKER : SOURCE.DEFAULT, T.LONG],
    ['log.retention.bytes', String(bytes), false, bytesSet ? SOURCE.STATIC_BROKER : SOURCE.DEFAULT, T.LONG],
  ];
}
