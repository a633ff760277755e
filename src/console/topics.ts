/**
 * Topics for the console: the list with partitions, offsets, sizes and configs; create, delete,
 * and produce one test message. Read and written through the broker's own services (Broker,
 * LogManager), as the Kafka handlers do, with the same rules: Kafka's topic-name rules, internal
 * topics neither deleted nor written, a test message appended as one v2 batch (then the
 * partition's long polls are woken, and under flush policy `always` the answer waits for the
 * sync, as a Produce answer does).
 */
import { encodeRecordBatch } from '../../protocol/index.js';
import type { Broker } from '../broker/broker.js';
import { FetchWaiters } from '../broker/fetch-waiters.js';
import { isInternalTopic, topicNameProblem } from '../broker/topic-names.js';
import { HttpError } from '../http/router.js';

export const MAX_CREATE_PARTITIONS = 1000;

export interface PartitionView {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  sizeBytes: number;
  segments: number;
}

export interface TopicView {
  name: string;
  internal: boolean;
  partitions: PartitionView[];
  /** The configs the topic set for itself (everything else is the broker's default). */
  configs: Record<string, string>;
  sizeBytes: number;
  /** Sum over partitions of end - start (records between, compaction aside). */
  records: number;
}

export function listTopics(broker: Broker): TopicView[] {
  return broker.logs.listTopics()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((info) => {
      const partitions: PartitionView[] = [];
      for (let p = 0; p < info.partitions; p++) {
        const log = broker.logs.partition(info.name, p);
        if (!log) continue;
        partitions.push({
          partition: p,
          logStartOffset: log.logStartOffset,
          logEndOffset: log.logEndOffset,
          sizeBytes: log.segmentList.reduce((n, s) => n + s.size, 0),
          segments: log.segmentList.length,
        });
      }
      return {
        name: info.name,
        internal: isInternalTopic(info.name),
        partitions,
        configs: info.configs,
        sizeBytes: partitions.reduce((n, p) => n + p.sizeBytes, 0),
        records: partitions.reduce((n, p) => n + p.logEndOffset - p.logStartOffset, 0),
      };
    });
}

export function topicView(broker: Broker, name: string): TopicView {
  const found = listTopics(broker).find((t) => t.name === name);
  if (!found) throw new HttpError(404, `topic '${name}' does not exist`);
  return found;
}

export function createTopic(broker: Broker, body: unknown): TopicView {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  const { name, partitions = 1 } = body as { name?: unknown; partitions?: unknown };
  if (typeof name !== 'string') throw new HttpError(400, 'name must be a string');
  const problem = topicNameProblem(name);
  if (problem) throw new HttpError(400, problem);
  if (isInternalTopic(name)) throw new HttpError(400, `'${name}' is an internal topic name`);
  if (!Number.isInteger(partitions) || (partitions as number) < 1 || (partitions as number) > MAX_CREATE_PARTITIONS) {
    throw new HttpError(400, `partitions must be an integer from 1 to ${MAX_CREATE_PARTITIONS}`);
  }
  if (broker.logs.getTopic(name)) throw new HttpError(409, `topic '${name}' already exists`);
  broker.createTopic(name, partitions as number);
  return topicView(broker, name);
}

export function deleteTopic(broker: Broker, name: string): void {
  if (isInternalTopic(name)) throw new HttpError(400, `'${name}' is an internal topic and cannot be deleted`);
  if (!broker.deleteTopic(name)) throw new HttpError(404, `topic '${name}' does not exist`);
}

interface TestMessage {
  partition: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string }[];
}

function parseTestMessage(body: unknown): TestMessage {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  const b = body as Record<string, unknown>;
  const partition = b.partition ?? 0;
  if (!Number.isInteger(partition) || (partition as number) < 0) throw new HttpError(400, 'partition must be a non-negative integer');
  const text = (v: unknown, what: string) => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new HttpError(400, `${what} must be a string or null`);
    return v;
  };
  const headers = b.headers ?? [];
  if (!Array.isArray(headers) || headers.length > 100) throw new HttpError(400, 'headers must be a list of at most 100 {key, value}');
  return {
    partition: partition as number,
    key: text(b.key, 'key'),
    value: text(b.value, 'value'),
    headers: headers.map((h: unknown, i) => {
      const k = text((h as { key?: unknown } | null)?.key, `headers[${i}].key`);
      if (k === null) throw new HttpError(400, `headers[${i}].key must be a string`);
      return { key: k, value: text((h as { value?: unknown }).value, `headers[${i}].value`) ?? '' };
    }),
  };
}

export async function produceTestMessage(broker: Broker, topic: string, body: unknown): Promise<{ partition: number; offset: number }> {
  const message = parseTestMessage(body);
  if (isInternalTopic(topic)) throw new HttpError(400, `'${topic}' is an internal topic: only the broker writes it`);
  if (!broker.logs.getTopic(topic)) throw new HttpError(404, `topic '${topic}' does not exist`);
  const log = broker.logs.partition(topic, message.partition);
  if (!log) throw new HttpError(400, `topic '${topic}' has no partition ${message.partition}`);
  const now = Date.now();
  const batch = encodeRecordBatch({
    timestamp: now,
    records: [{
      key: message.key === null ? null : Buffer.from(message.key, 'utf8'),
      value: message.value === null ? null : Buffer.from(message.value, 'utf8'),
      headers: message.headers.map((h) => ({ key: h.key, value: Buffer.from(h.value, 'utf8') })),
      timestamp: now,
    }],
  });
  let result;
  try {
    result = log.append(batch, now);
  } catch (err) {
    throw new HttpError(400, `the log refused the message: ${(err as Error).message}`);
  }
  broker.waiters.notify(FetchWaiters.key(topic, message.partition));
  await broker.logs.durableAck(log, result.lastOffset + 1);
  return { partition: message.partition, offset: result.baseOffset };
}
