/**
 * Metadata (key 3), versions 0-12. v10+ answer each topic's id (kept in partition.metadata);
 * a v10+ request may name a topic by id alone (name null): a known id answers that topic, an
 * unknown one UNKNOWN_TOPIC_ID, as Kafka does. Ids in requests belong to v12+: a v10-11 request
 * with a null name or a non-zero id is INVALID_REQUEST for every topic it names, as Kafka refuses it
 * (a v10-11 answer cannot even carry a null name).
 * One broker (this one) leads every partition at leader epoch 0 with itself as the only replica.
 * Topics: v0's empty list and v1+'s null mean "all topics". An unknown topic is auto-created when
 * the broker allows it (default on) and the request does too (allow_auto_topic_creation, v4+);
 * Kafka answers LEADER_NOT_AVAILABLE for a topic it just created, Brooklet answers it ready.
 * An illegal name is INVALID_TOPIC_EXCEPTION; an unknown one UNKNOWN_TOPIC_OR_PARTITION.
 * __consumer_offsets (the group coordinator's log) is listed with isInternal: true.
 */
import { ErrorCode, type MetadataRequest, type MetadataResponse } from '../../../protocol/index.js';
import type { TopicInfo } from '../../../storage/log-manager.js';
import { OFFSETS_TOPIC } from '../../coordinator/offsets-log.js';
import { LEADER_EPOCH, type Broker } from '../broker.js';
import { defineHandler } from '../handler.js';
import { topicNameProblem } from '../topic-names.js';

type TopicResponse = MetadataResponse.MetadataResponseTopic;

export const metadata = defineHandler<MetadataRequest, MetadataResponse>({
  apiKey: 3,
  name: 'Metadata',
  versions: { min: 0, max: 12 },
  handle(request, ctx) {
    const { broker } = ctx;
    const wantsAll = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
    if (!wantsAll && ctx.apiVersion < 12 && request.topics!.some((t) => t.name === null || (t.topicId && !isZeroUuid(t.topicId)))) {
      return invalidRequest(request);
    }
    const topics: TopicResponse[] = wantsAll
      ? broker.logs.listTopics().map((t) => describeTopic(broker, t))
      : request.topics!.map((t) => (t.name === null && t.topicId && !isZeroUuid(t.topicId)
        ? lookupById(broker, t.topicId)
        : lookup(broker, t.name ?? '', request.allowAutoTopicCreation)));
    // The address of the listener this client came in on, as Kafka answers per listener.
    const { host, port } = broker.advertisedFor(ctx.conn);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host, port, rack: null }],
      clusterId: broker.logs.clusterId,
      controllerId: broker.nodeId,
      topics,
    };
  },
  errorResponse: (request, errorCode) => ({
    topics: (request.topics ?? []).map((t) => ({ name: t.name ?? '', errorCode, partitions: [] })),
  }),
});

function invalidRequest(request: MetadataRequest): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [],
    topics: (request.topics ?? []).map((t) => ({ name: t.name ?? '', errorCode: ErrorCode.INVALID_REQUEST, partitions: [] })),
  };
}

function isZeroUuid(id: Buffer): boolean {
  return id.every((b) => b === 0);
}

function lookupById(broker: Broker, topicId: Buffer): TopicResponse {
  const topic = broker.logs.topicById(topicId);
  if (topic) return describeTopic(broker, topic);
  return { name: null, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, isInternal: false, partitions: [] };
}

function lookup(broker: Broker, name: string, allowAutoCreate: boolean): TopicResponse {
  const existing = broker.logs.getTopic(name);
  if (existing) return describeTopic(broker, existing);
  const problem = topicNameProblem(name);
  if (problem) return { name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, isInternal: false, partitions: [] };
  if (!broker.config.autoCreateTopics || !allowAutoCreate) {
    return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, isInternal: false, partitions: [] };
  }
  return describeTopic(broker, broker.createTopic(name, -1));
}

function describeTopic(broker: Broker, topic: TopicInfo): TopicResponse {
  const node = broker.nodeId;
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.name === OFFSETS_TOPIC,
    partitions: Array.from({ length: topic.partitions }, (_, index) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: node,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: [node],
      isrNodes: [node],
      offlineReplicas: [],
    })),
  };
}
