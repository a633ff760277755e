/**
 * DescribeLogDirs (key 35), versions 1-4 (Kafka 4 dropped v0): kafka-log-dirs --describe and the
 * Java admin's describeLogDirs. Brooklet has one log directory, the data directory: each
 * partition asked for (null: every partition) with its size on disk (the bytes of its segment
 * files) and offset lag 0 (there is no future replica catching up); v4 adds the file system's
 * total and usable bytes. Unknown topics and partitions are left out, as Kafka leaves them.
 */
import fs from 'node:fs';
import { ErrorCode, type DescribeLogDirsRequest, type DescribeLogDirsResponse } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';

type TopicResult = DescribeLogDirsResponse.DescribeLogDirsTopic;

export const describeLogDirs = defineHandler<DescribeLogDirsRequest, DescribeLogDirsResponse>({
  apiKey: 35,
  name: 'DescribeLogDirs',
  versions: { min: 1, max: 4 },
  handle(request, ctx) {
    const { broker } = ctx;
    const wanted = request.topics === null
      ? broker.logs.listTopics().map((t) => ({ topic: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) }))
      : request.topics;
    const topics = wanted.map((t) => describeTopic(broker, t.topic, t.partitions ?? [])).filter((t) => t.partitions!.length > 0);
    const { totalBytes, usableBytes } = fileSystemBytes(broker.logs.dataDir);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: broker.logs.dataDir, topics, totalBytes, usableBytes }],
    };
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode, results: [] }),
});

function describeTopic(broker: Broker, name: string, partitions: number[]): TopicResult {
  const found = [...new Set(partitions)].flatMap((index) => {
    const log = broker.logs.partition(name, index);
    if (!log) return [];
    const partitionSize = log.segmentList.reduce((sum, s) => sum + s.size, 0);
    return [{ partitionIndex: index, partitionSize, offsetLag: 0, isFutureKey: false }];
  });
  return { name, partitions: found };
}

function fileSystemBytes(dir: string): { totalBytes: number; usableBytes: number } {
  try {
    const s = fs.statfsSync(dir);
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}
