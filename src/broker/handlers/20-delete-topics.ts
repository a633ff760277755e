/**
 * DeleteTopics (key 20), versions 1-6. v1-5 name topics; v6 names them or gives their topic id.
 * The topic's partitions are closed and their directories removed at once (Kafka renames them
 * for later deletion; a single node has no one to wait for). Unknown name:
 * UNKNOWN_TOPIC_OR_PARTITION; unknown id: UNKNOWN_TOPIC_ID; an internal topic (__consumer_offsets):
 * INVALID_TOPIC_EXCEPTION.
 */
import { ErrorCode, type DeleteTopicsRequest, type DeleteTopicsResponse } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';
import { isInternalTopic } from '../topic-names.js';

type Result = DeleteTopicsResponse.DeletableTopicResult;
const ZERO_ID = Buffer.alloc(16);

export const deleteTopics = defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>({
  apiKey: 20,
  name: 'DeleteTopics',
  versions: { min: 1, max: 6 },
  handle(request, ctx) {
    const targets = ctx.apiVersion >= 6
      ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : request.topicNames.map((name) => ({ name, topicId: ZERO_ID }));
    return { throttleTimeMs: 0, responses: targets.map((t) => deleteOne(ctx.broker, t.name, t.topicId, ctx.apiVersion >= 6)) };
  },
  errorResponse: (request, errorCode, ctx) => ({
    responses: (ctx.apiVersion >= 6 ? request.topics.map((t) => t.name) : request.topicNames)
      .map((name) => ({ name, topicId: ZERO_ID, errorCode, errorMessage: null })),
  }),
});

/** v6 may name a topic by id alone (null or empty name); before v6 an empty name is just unknown. */
function deleteOne(broker: Broker, name: string | null, topicId: Buffer, idsAllowed: boolean): Result {
  const byId = idsAllowed && (name === null || name === '');
  const topic = byId
    ? broker.logs.listTopics().find((t) => t.topicId.equals(topicId))
    : broker.logs.getTopic(name ?? '');
  if (!topic) {
    return byId
      ? { name: null, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' }
      : { name: name ?? '', topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' };
  }
  if (isInternalTopic(topic.name)) {
    return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
      errorMessage: `Topic ${topic.name} is an internal topic and cannot be deleted.` };
  }
  broker.deleteTopic(topic.name);
  return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
}
