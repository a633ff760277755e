/**
 * OffsetCommit (key 8), versions 2-8 (v8 flexible). kafkajs sends 5, librdkafka 7/9, Java 8+.
 *
 * A partition of a topic that does not exist is UNKNOWN_TOPIC_OR_PARTITION; the rest go to the
 * group coordinator (src/coordinator/offsets.ts), which checks member and generation (generation
 * -1 with no member id: a standalone commit, accepted while the group is Empty), then writes the
 * offsets to __consumer_offsets before answering (under `--flush-policy always`, and after the
 * sync of that record). Metadata longer than offset.metadata.max.bytes
 * (4096) is OFFSET_METADATA_TOO_LARGE. retention_time_ms (v2-4) sets an explicit expiry.
 * Left out: v0-1 (ZooKeeper-era commits, commit timestamps), v9 (KIP-848 member epochs).
 */
import { ErrorCode, type OffsetCommitRequest, type OffsetCommitResponse } from '../../../protocol/index.js';
import type { CommitEntry } from '../../coordinator/offsets.js';
import { defineHandler } from '../handler.js';

export const offsetCommit = defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
  apiKey: 8,
  name: 'OffsetCommit',
  versions: { min: 2, max: 8 },
  handle(request, ctx) {
    const { broker } = ctx;
    const entries: CommitEntry[] = [];
    const codes = request.topics.map((t) => t.partitions.map((p) => {
      if (!broker.logs.partition(t.name, p.partitionIndex)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      entries.push({
        topic: t.name, partition: p.partitionIndex, offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata,
      });
      return -1; // filled from the coordinator's answer below
    }));
    const committed = entries.length === 0 ? [] : broker.groups.offsets.commit({
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      retentionTimeMs: ctx.apiVersion <= 4 ? request.retentionTimeMs : -1,
      entries,
    });
    // Under the `always` flush policy the answer waits for the sync of the commit's record.
    return Array.isArray(committed) ? answer(committed) : committed.then(answer);

    function answer(answers: number[]): OffsetCommitResponse {
      let next = 0;
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t, ti) => ({
          name: t.name,
          partitions: t.partitions.map((p, pi) => ({
            partitionIndex: p.partitionIndex,
            errorCode: codes[ti]![pi] === -1 ? answers[next++]! : codes[ti]![pi]!,
          })),
        })),
      };
    }
  },
  errorResponse: (request, errorCode) => ({
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  }),
});
