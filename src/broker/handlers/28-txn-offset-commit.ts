/**
 * TxnOffsetCommit (key 28), versions 0-4 (v2 adds the leader epoch, v3 member id, generation
 * and group instance id, v3 flexible). kafkajs sends 0, Java up to 4 without transactions v2.
 *
 * Offsets committed inside a transaction (sendOffsetsToTransaction): held by the transaction
 * coordinator until EndTxn makes them the group's committed offsets (commit) or drops them
 * (abort); meanwhile OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT for them.
 * Errors per partition: a missing partition is UNKNOWN_TOPIC_OR_PARTITION; a member id or
 * generation (v3+) must be current (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID,
 * as OffsetCommit but without REBALANCE_IN_PROGRESS); the producer must hold the transaction,
 * with the group added by AddOffsetsToTxn (INVALID_PRODUCER_ID_MAPPING, INVALID_PRODUCER_EPOCH,
 * INVALID_TXN_STATE); metadata above 4096 bytes is OFFSET_METADATA_TOO_LARGE.
 * Left out: v5 (transactions v2 verification).
 */
import { ErrorCode, type TxnOffsetCommitRequest, type TxnOffsetCommitResponse } from '../../../protocol/index.js';
import type { CommitEntry } from '../../coordinator/offsets.js';
import { afterStateSync, fencedForVersion } from '../../coordinator/transactions/txn-errors.js';
import { defineHandler } from '../handler.js';

const NEVER = Number.MAX_SAFE_INTEGER;

export const txnOffsetCommit = defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    const { broker } = ctx;
    const answer = (codeOf: (topic: string, partition: number) => number) => ({
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codeOf(t.name, p.partitionIndex) })),
      })),
    });
    if (request.groupId === '') return answer(() => ErrorCode.INVALID_GROUP_ID);
    const v3 = ctx.apiVersion >= 3;
    const memberError = broker.groups.offsets.validateTxnCommit(
      request.groupId, v3 ? request.generationId : -1, v3 ? request.memberId : '', v3 ? request.groupInstanceId : null,
    );
    if (memberError !== ErrorCode.NONE) return answer(() => memberError);
    const maxMetadata = broker.groups.config.offsetMetadataMaxBytes;
    const codes = new Map<string, number>();
    const entries: CommitEntry[] = [];
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const key = `${t.name}\0${p.partitionIndex}`;
        if (!broker.logs.partition(t.name, p.partitionIndex)) codes.set(key, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        else if ((p.committedMetadata ?? '').length > maxMetadata) codes.set(key, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        else {
          entries.push({
            topic: t.name, partition: p.partitionIndex, offset: p.committedOffset,
            leaderEpoch: ctx.apiVersion >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata,
          });
        }
      }
    }
    const code = entries.length === 0 ? ErrorCode.NONE : fencedForVersion(
      broker.transactions.txnOffsetCommit(request.transactionalId, request.groupId, request.producerId, request.producerEpoch, entries),
      ctx.apiVersion, NEVER,
    );
    return afterStateSync(broker.transactions, answer((topic, partition) => codes.get(`${topic}\0${partition}`) ?? code),
      () => answer((topic, partition) => codes.get(`${topic}\0${partition}`) ?? ErrorCode.COORDINATOR_NOT_AVAILABLE));
  },
  errorResponse: (request, errorCode) => ({
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  }),
});
