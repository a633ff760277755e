/**
 * DeleteRecords from a hostile or broken client: extreme offsets, negative and huge partition
 * indexes, path-like and empty topic names, and one request naming 50,000 partitions. Each gets
 * Kafka's per-partition error, nothing moves that should not, no file outside the data directory
 * is touched, and the broker keeps serving.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
let broker: Broker;

beforeAll(async () => {
  broker = await startTestBroker();
  const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'hostile-dr', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'victim', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'victim', messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
  await producer.disconnect();
});
afterAll(async () => broker?.close());

async function deleteRecords(client: RawClient, version: number, topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; offset: number }> }>) {
  const { body } = await client.request(21, version, { timeoutMs: 0, topics });
  return body.topics.flatMap((t: any) => t.partitions.map((p: any) => ({ name: t.name, partition: p.partitionIndex, errorCode: p.errorCode, low: Number(p.lowWatermark) })));
}

describe('hostile DeleteRecords', () => {
  it('answers extreme offsets and partitions with Kafka codes and moves nothing', async () => {
    const client = await RawClient.connect(broker.bootstrap);
    try {
      const answers = await deleteRecords(client, 2, [
        { name: 'victim', partitions: [
          { partitionIndex: 0, offset: Number.MAX_SAFE_INTEGER },
          { partitionIndex: 0, offset: -Number.MAX_SAFE_INTEGER },
          { partitionIndex: 0, offset: -2 },
          { partitionIndex: 0, offset: 11 },
          { partitionIndex: -1, offset: 0 },
          { partitionIndex: 2 ** 31 - 1, offset: 0 },
        ] },
        { name: '../../etc', partitions: [{ partitionIndex: 0, offset: 0 }] },
        { name: '', partitions: [{ partitionIndex: 0, offset: 0 }] },
      ]);
      expect(answers.map((a: any) => [a.partition, a.errorCode, a.low])).toEqual([
        [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
        [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
        [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
        [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
        [-1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
        [2 ** 31 - 1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
        [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
        [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
      ]);
      expect(fs.existsSync(path.join(broker.dataDir, '..', '..', 'etc-0'))).toBe(false);
      // nothing moved: offset 0 still reads
      const [kept] = await deleteRecords(client, 0, [{ name: 'victim', partitions: [{ partitionIndex: 0, offset: 0 }] }]);
      expect(kept).toMatchObject({ errorCode: ErrorCode.NONE, low: 0 });
    } finally {
      client.close();
    }
  });

  it('answers a request naming 50,000 partitions and keeps serving', async () => {
    const client = await RawClient.connect(broker.bootstrap);
    try {
      const partitions = Array.from({ length: 50_000 }, (_, i) => ({ partitionIndex: i, offset: 3 }));
      const answers = await deleteRecords(client, 1, [{ name: 'victim', partitions }]);
      expect(answers).toHaveLength(50_000);
      expect(answers[0]).toMatchObject({ partition: 0, errorCode: ErrorCode.NONE, low: 3 });
      expect(answers.slice(1).every((a: any) => a.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
      const [again] = await deleteRecords(client, 2, [{ name: 'victim', partitions: [{ partitionIndex: 0, offset: -1 }] }]);
      expect(again).toMatchObject({ errorCode: ErrorCode.NONE, low: 10 });
    } finally {
      client.close();
    }
  });
});
