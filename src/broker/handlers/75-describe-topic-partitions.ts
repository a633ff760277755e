/**
 * DescribeTopicPartitions (key 75), version 0: what kafka-topics --describe (Kafka 3.9+) asks
 * instead of Metadata. Topics are answered in name order, each with its id and every partition
 * led by this node (ELR lists empty: a single node has no eligible-leader replicas to track).
 * An empty topic list means every topic. Paging as Kafka pages: at most response_partition_limit
 * partitions (at least 1, at most 2000) per answer, resumed from the cursor (topics sorting before
 * the cursor's are skipped, the cursor's topic starts at its partition), and next_cursor names
 * the first partition left out. An illegal name is INVALID_TOPIC_EXCEPTION and an unknown one
 * UNKNOWN_TOPIC_OR_PARTITION, listed in their place with no partitions. Authorized operations:
 * everything a topic allows, as Kafka reports for a principal allowed everything (Brooklet has
 * no ACLs).
 */
import { ErrorCode, type DescribeTopicPartitionsRequest, type DescribeTopicPartitionsResponse } from '../../../protocol/index.js';
import { OFFSETS_TOPIC } from '../../coordinator/offsets-log.js';
import { LEADER_EPOCH } from '../broker.js';
import { defineHandler } from '../handler.js';
import { topicNameProblem } from '../topic-names.js';

type TopicResult = DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic;
/** Kafka's max.request.partition.size.limit default. */
const MAX_PARTITIONS_PER_ANSWER = 2000;
const TOPIC_OPERATIONS = 3576;

export const describeTopicPartitions = defineHandler<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>({
  apiKey: 75,
  name: 'DescribeTopicPartitions',
  versions: { min: 0, max: 0 },
  handle(request, ctx) {
    const { logs, nodeId } = ctx.broker;
    const names = request.topics.length === 0 ? logs.listTopics().map((t) => t.name) : [...new Set(request.topics.map((t) => t.name))];
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const cursor = request.cursor;
    let budget = Math.max(1, Math.min(request.responsePartitionLimit, MAX_PARTITIONS_PER_ANSWER));
    const topics: TopicResult[] = [];
    let nextCursor: DescribeTopicPartitionsResponse.Cursor | null = null;
    for (const name of names) {
      if (cursor && name < cursor.topicName) continue;
      const topic = logs.getTopic(name);
      if (!topic) {
        const code = topicNameProblem(name) ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        topics.push({ errorCode: code, name, topicId: Buffer.alloc(16), isInternal: false, partitions: [], topicAuthorizedOperations: TOPIC_OPERATIONS });
        continue;
      }
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const first = cursor && name === cursor.topicName ? Math.max(0, cursor.partitionIndex) : 0;
      const last = Math.min(topic.partitions, first + budget);
      budget -= last - first;
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.topicId,
        isInternal: name === OFFSETS_TOPIC,
        partitions: Array.from({ length: Math.max(0, last - first) }, (_, i) => ({
          errorCode: ErrorCode.NONE, partitionIndex: first + i, leaderId: nodeId, leaderEpoch: LEADER_EPOCH,
          replicaNodes: [nodeId], isrNodes: [nodeId], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [],
        })),
        topicAuthorizedOperations: TOPIC_OPERATIONS,
      });
      if (last < topic.partitions) {
        nextCursor = { topicName: name, partitionIndex: last };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ errorCode, name: t.name, topicId: Buffer.alloc(16), partitions: [] })),
    nextCursor: null,
  }),
});
