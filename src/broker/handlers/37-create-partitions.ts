/**
 * CreatePartitions (key 37), versions 0-3: kafka-topics --alter --partitions, kafkajs
 * admin.createPartitions, the Java admin's createPartitions. Grows a topic to `count` partitions,
 * durably (storage makes the new partition directories before topics.json names them); the new
 * partitions are empty and led by this broker at once. validate_only checks without growing.
 *
 * Errors as Kafka 4.1 answers them: a topic named twice is INVALID_REQUEST "Duplicate topic name."
 * answered once; an unknown (or illegal) topic UNKNOWN_TOPIC_OR_PARTITION without a message; the
 * same count INVALID_PARTITIONS "Topic already has N partition(s)."; fewer INVALID_PARTITIONS
 * "... would not be an increase."; manual assignments must give one replica list per new
 * partition, each naming only this broker, once (INVALID_REPLICA_ASSIGNMENT). Brooklet caps a
 * topic at MAX_PARTITIONS, as CreateTopics does.
 */
import { ErrorCode, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';
import { MAX_PARTITIONS } from './19-create-topics.js';

type Result = CreatePartitionsResponse.CreatePartitionsTopicResult;

export const createPartitions = defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>({
  apiKey: 37,
  name: 'CreatePartitions',
  versions: { min: 0, max: 3 },
  handle(request, ctx) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const answered = new Set<string>();
    const results: Result[] = [];
    for (const t of request.topics) {
      if (answered.has(t.name)) continue; // Kafka answers a duplicated name once
      answered.add(t.name);
      results.push(counts.get(t.name)! > 1
        ? result(t.name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.')
        : growOne(ctx.broker, t, request.validateOnly));
    }
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.topics.map((t) => result(t.name, errorCode, null)),
  }),
});

function growOne(broker: Broker, t: CreatePartitionsRequest.CreatePartitionsTopic, validateOnly: boolean): Result {
  const topic = broker.logs.getTopic(t.name);
  if (!topic) return result(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
  const current = topic.partitions;
  if (t.count === current) return result(t.name, ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
  if (t.count < current) {
    return result(t.name, ErrorCode.INVALID_PARTITIONS, `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`);
  }
  if (t.count > MAX_PARTITIONS) {
    return result(t.name, ErrorCode.INVALID_PARTITIONS, `Number of partitions ${t.count} exceeds Brooklet's limit of ${MAX_PARTITIONS}.`);
  }
  const assignmentProblem = checkAssignments(broker, t, t.count - current);
  if (assignmentProblem) return result(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, assignmentProblem);
  if (!validateOnly) {
    broker.logs.addPartitions(t.name, t.count);
    broker.log.info({ topic: t.name, partitions: t.count }, 'partitions added');
  }
  return result(t.name, ErrorCode.NONE, null);
}

function checkAssignments(broker: Broker, t: CreatePartitionsRequest.CreatePartitionsTopic, added: number): string | null {
  if (t.assignments === null) return null;
  if (t.assignments.length !== added) {
    return `Attempted to add ${added} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`;
  }
  for (const { brokerIds } of t.assignments) {
    if (brokerIds.length === 0) return 'The manual partition assignment includes an empty replica list.';
    const other = brokerIds.find((id) => id !== broker.nodeId);
    if (other !== undefined) return `The manual partition assignment includes broker ${other}, but no such broker is registered.`;
    if (brokerIds.length > 1) return `The manual partition assignment includes the broker ${broker.nodeId} more than once.`;
  }
  return null;
}

function result(name: string, errorCode: number, errorMessage: string | null): Result {
  return { name, errorCode, errorMessage };
}
