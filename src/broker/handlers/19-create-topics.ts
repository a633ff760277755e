/**
 * CreateTopics (key 19), versions 2-7.
 * Validates as Kafka does: legal name (INVALID_TOPIC_EXCEPTION), not yet existing
 * (TOPIC_ALREADY_EXISTS), partitions -1 (num.partitions) or 1..MAX_PARTITIONS (INVALID_PARTITIONS),
 * replication factor -1 or 1 on a single node (INVALID_REPLICATION_FACTOR), manual assignments only
 * onto this broker (INVALID_REPLICA_ASSIGNMENT), known configs with valid values (INVALID_CONFIG),
 * a name listed twice (INVALID_REQUEST). validate_only checks without creating. v5+ answer the
 * partition count, replication factor and every topic config with its source; v7 the topic id.
 * Brooklet caps partitions per topic at MAX_PARTITIONS (each partition owns open files).
 */
import { ErrorCode, type CreateTopicsRequest, type CreateTopicsResponse } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';
import { validateTopicConfigs } from '../configs/topic-configs.js';
import { topicNameProblem } from '../topic-names.js';
import { topicEntries } from './32-describe-configs.js';

type TopicResult = CreateTopicsResponse.CreatableTopicResult;
export const MAX_PARTITIONS = 10_000;

export const createTopics = defineHandler<CreateTopicsRequest, CreateTopicsResponse>({
  apiKey: 19,
  name: 'CreateTopics',
  versions: { min: 2, max: 7 },
  handle(request, ctx) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => {
        if (counts.get(topic.name)! > 1) {
          return failure(topic.name, ErrorCode.INVALID_REQUEST, `Create topics request from client contains duplicate topic name ${topic.name}`);
        }
        return createOne(ctx.broker, topic, request.validateOnly);
      }),
    };
  },
  errorResponse: (request, errorCode) => ({ topics: request.topics.map((t) => failure(t.name, errorCode, null)) }),
});

function createOne(broker: Broker, topic: CreateTopicsRequest.CreatableTopic, validateOnly: boolean): TopicResult {
  const { name } = topic;
  const nameProblem = topicNameProblem(name);
  if (nameProblem) return failure(name, ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
  if (broker.logs.getTopic(name)) return failure(name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);

  let partitions = topic.numPartitions;
  if (topic.assignments.length > 0) {
    if (partitions !== -1 || topic.replicationFactor !== -1) {
      return failure(name, ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    const sorted = [...topic.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    const ok = sorted.every((a, i) => a.partitionIndex === i && a.brokerIds.length === 1 && a.brokerIds[0] === broker.nodeId);
    if (!ok) return failure(name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignments must place partitions 0..n-1 on broker ${broker.nodeId} only.`);
    partitions = sorted.length;
  }
  if (partitions === -1) partitions = broker.config.numPartitions;
  if (partitions < 1) return failure(name, ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
  if (partitions > MAX_PARTITIONS) return failure(name, ErrorCode.INVALID_PARTITIONS, `Number of partitions ${partitions} exceeds Brooklet's limit of ${MAX_PARTITIONS}.`);

  const rf = topic.replicationFactor;
  if (rf === 0 || rf < -1) return failure(name, ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
  if (rf > 1) {
    return failure(name, ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only 1 broker(s) are registered.`);
  }

  const configs: Record<string, string | null> = {};
  for (const c of topic.configs) configs[c.name] = c.value;
  const configProblem = validateTopicConfigs(configs);
  if (configProblem) return failure(name, ErrorCode.INVALID_CONFIG, configProblem);

  const finalConfigs = configs as Record<string, string>;
  const topicId = validateOnly ? Buffer.alloc(16) : broker.createTopic(name, partitions, finalConfigs).topicId;
  return {
    name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions: partitions,
    replicationFactor: 1,
    // Kafka answers every topic config with its effective value and source, not only the ones set.
    configs: topicEntries(broker, finalConfigs, false).map((c) => ({
      name: c.name!, value: c.value ?? null, readOnly: c.readOnly!, configSource: c.configSource!, isSensitive: c.isSensitive!,
    })),
  };
}

function failure(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, topicId: Buffer.alloc(16), errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: [] };
}
