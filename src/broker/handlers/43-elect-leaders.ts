/**
 * ElectLeaders (key 43), versions 0-2: kafka-leader-election and the Java admin's electLeaders.
 * On one node every partition is already led by its only replica, so nothing is ever elected:
 * each existing partition asked for answers ELECTION_NOT_NEEDED, an unknown topic or partition
 * UNKNOWN_TOPIC_OR_PARTITION, with Kafka's messages. A null list (every partition) answers each
 * topic with an empty partition list, as Kafka does when no election was needed anywhere. An
 * election type other than 0 (preferred) or 1 (unclean) is INVALID_REQUEST.
 */
import { ErrorCode, type ElectLeadersRequest, type ElectLeadersResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const electLeaders = defineHandler<ElectLeadersRequest, ElectLeadersResponse>({
  apiKey: 43,
  name: 'ElectLeaders',
  versions: { min: 0, max: 2 },
  handle(request, ctx) {
    const { logs } = ctx.broker;
    if (request.topicPartitions === null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE,
        replicaElectionResults: logs.listTopics().map((t) => ({ topic: t.name, partitionResult: [] })) };
    }
    const type = ctx.apiVersion >= 1 ? request.electionType : 0;
    if (type !== 0 && type !== 1) {
      return failure(request, ErrorCode.INVALID_REQUEST, `Unknown election type ${type}`);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: request.topicPartitions.map((t) => {
        const topic = logs.getTopic(t.topic);
        return {
          topic: t.topic,
          partitionResult: t.partitions.map((p) => {
            if (!topic) return { partitionId: p, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${t.topic}` };
            if (p < 0 || p >= topic.partitions) {
              return { partitionId: p, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${t.topic}-${p}` };
            }
            return { partitionId: p, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' };
          }),
        };
      }),
    };
  },
  errorResponse: (request, errorCode) => failure(request, errorCode, null),
});

function failure(request: ElectLeadersRequest, errorCode: number, errorMessage: string | null): ElectLeadersResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    replicaElectionResults: (request.topicPartitions ?? []).map((t) => ({
      topic: t.topic,
      partitionResult: t.partitions.map((p) => ({ partitionId: p, errorCode, errorMessage })),
    })),
  };
}
