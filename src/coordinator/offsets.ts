/**
 * Committed offsets: OffsetCommit, OffsetFetch and OffsetDelete on the groups' offset tables,
 * written through to __consumer_offsets before they are answered, plus Kafka's expiry rules.
 *
 * Commit validation (Kafka's validateOffsetCommit): a commit with generation -1, no member id
 * and no instance id comes from an admin client or a consumer without group management and is
 * accepted while the group is Empty (creating the group if needed); anything else must name a
 * current member of the current generation. A commit to an unknown group with a generation is
 * ILLEGAL_GENERATION; during CompletingRebalance it is REBALANCE_IN_PROGRESS.
 *
 * Expiry (offsets.retention.minutes): offsets of an Empty group expire once the group has been
 * Empty for the retention time (for a group never managed by the coordinator: once the commit is
 * that old); a Stable consumer group's offsets of topics nobody subscribes to expire by commit
 * age; an explicit expire timestamp (OffsetCommit v2-4 retention time) wins. An Empty group left
 * without offsets is removed.
 */
import type { Logger } from 'pino';
import { ErrorCode } from '../../protocol/index.js';
import type { CoordinatorConfig } from './config.js';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-protocol.js';
import { offsetKey, parseOffsetKey, type CommittedOffset, type Group } from './group.js';
import type { GroupStore } from './group-store.js';
import { validateMember } from './membership.js';
import type { Rebalancer } from './rebalance.js';

export interface CommitEntry {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface CommitParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-4 retention_time_ms; -1: the broker's retention. */
  retentionTimeMs: number;
  entries: CommitEntry[];
}

export interface FetchedOffset {
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
}

export class OffsetManager {
  constructor(
    private readonly store: GroupStore,
    private readonly rebalancer: Rebalancer,
    private readonly config: CoordinatorConfig,
    private readonly logger: Logger,
  ) {}

  /**
   * One error code per entry, in order. Under the `always` flush policy the codes come as a
   * promise that settles once the commit's record was synced; a failed sync answers
   * COORDINATOR_NOT_AVAILABLE (Kafka's mapping of a storage error in a commit). The offsets
   * are applied at once either way, as a produce's records are readable before its sync: the
   * record is in the log, and a group cannot be expired or deleted between write and apply.
   */
  commit(p: CommitParams): number[] | Promise<number[]> {
    const all = (code: number) => p.entries.map(() => code);
    let group = this.store.get(p.groupId);
    if (!group) {
      if (p.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = this.store.getOrCreate(p.groupId);
    }
    const error = validateCommit(group, p);
    if (error !== ErrorCode.NONE) return all(error);
    if (group.is('CompletingRebalance')) return all(ErrorCode.REBALANCE_IN_PROGRESS);
    const member = group.members.get(p.memberId);
    if (member) this.rebalancer.touch(group, member);

    const now = this.store.now();
    const expireTimestamp = p.retentionTimeMs > 0 ? now + p.retentionTimeMs : null;
    const codes = p.entries.map((e) => ((e.metadata ?? '').length > this.config.offsetMetadataMaxBytes
      ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE));
    const accepted = p.entries.flatMap((e, i) => (codes[i] === ErrorCode.NONE ? [{
      topic: e.topic,
      partition: e.partition,
      offset: { offset: e.offset, leaderEpoch: e.leaderEpoch, metadata: e.metadata ?? '', commitTimestamp: now, expireTimestamp },
    }] : []));
    const failed = (err: unknown) => {
      this.logger.error({ err, group: p.groupId }, 'could not write committed offsets');
      return codes.map((c) => (c === ErrorCode.NONE ? ErrorCode.COORDINATOR_NOT_AVAILABLE : c));
    };
    let durable: Promise<void> | null;
    try {
      durable = this.store.writeOffsets(p.groupId, accepted, true);
    } catch (err) {
      if (group.is('Empty') && group.offsets.size === 0 && group.generationId === 0) this.store.groups.delete(group.groupId);
      return failed(err);
    }
    for (const a of accepted) group.offsets.set(offsetKey(a.topic, a.partition), a.offset);
    return durable === null ? codes : durable.then(() => codes, failed);
  }

  /**
   * The committed offsets of the partitions asked (-1 and "" where none), or of every partition
   * with a committed offset when `topics` is null.
   */
  fetch(groupId: string, topics: { name: string; partitions: number[] }[] | null): { name: string; partitions: FetchedOffset[] }[] {
    const group = this.store.get(groupId);
    if (topics === null) {
      const byTopic = new Map<string, FetchedOffset[]>();
      for (const [key, c] of group?.offsets ?? []) {
        const { topic, partition } = parseOffsetKey(key);
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push({ partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata });
      }
      return [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partition - b.partition) }));
    }
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => {
        const c = group?.offsets.get(offsetKey(t.name, partition));
        return c
          ? { partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata }
          : { partition, offset: -1, leaderEpoch: -1, metadata: '' };
      }),
    }));
  }

  /**
   * TxnOffsetCommit's member checks (Kafka's doTxnCommitOffsets): a member id or generation, when
   * given, must be current; unlike OffsetCommit, a rebalance in progress does not refuse it.
   */
  validateTxnCommit(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    const group = this.store.get(groupId);
    if (!group) return generationId >= 0 ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (memberId !== '' || groupInstanceId !== null) {
      const error = validateMember(group, memberId, groupInstanceId);
      if (error !== ErrorCode.NONE) return error;
    }
    return generationId >= 0 && generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE;
  }

  /**
   * The offsets of a committed transaction become the group's committed offsets, written as an
   * OffsetCommit's are (the group created if needed). Throws when the log cannot take them.
   */
  commitTransactionalOffsets(groupId: string, entries: CommitEntry[]): void {
    const group = this.store.getOrCreate(groupId);
    const now = this.store.now();
    const accepted = entries.map((e) => ({
      topic: e.topic,
      partition: e.partition,
      offset: { offset: e.offset, leaderEpoch: e.leaderEpoch, metadata: e.metadata ?? '', commitTimestamp: now, expireTimestamp: null },
    }));
    this.store.writeOffsets(groupId, accepted);
    for (const a of accepted) group.offsets.set(offsetKey(a.topic, a.partition), a.offset);
  }

  /** OffsetDelete: a group-level error, or one error per partition asked. */
  deleteOffsets(groupId: string, partitions: { topic: string; partition: number }[]): { errorCode: number; errors: number[] } {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, errors: [] };
    const group = this.store.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errors: [] };
    const isEmpty = group.is('Empty');
    if (!isEmpty && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return { errorCode: ErrorCode.NON_EMPTY_GROUP, errors: [] };
    const subscribed = (topic: string) => !isEmpty && (group.subscribedTopics?.has(topic) ?? true);
    const errors = partitions.map((p) => (subscribed(p.topic) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE));
    const doomed = partitions.filter((p, i) => errors[i] === ErrorCode.NONE && group.offsets.has(offsetKey(p.topic, p.partition)));
    try {
      this.store.writeOffsets(groupId, doomed.map((p) => ({ ...p, offset: null })));
    } catch (err) {
      this.logger.error({ err, group: groupId }, 'could not delete committed offsets');
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errors: [] };
    }
    for (const p of doomed) group.offsets.delete(offsetKey(p.topic, p.partition));
    return { errorCode: ErrorCode.NONE, errors };
  }

  /** A deleted topic's offsets go from every group (tombstones written). */
  dropTopic(topic: string): void {
    for (const group of this.store.groups.values()) {
      const doomed = [...group.offsets.keys()].map(parseOffsetKey).filter((k) => k.topic === topic);
      if (doomed.length === 0) continue;
      for (const k of doomed) group.offsets.delete(offsetKey(k.topic, k.partition));
      try {
        this.store.writeOffsets(group.groupId, doomed.map((k) => ({ ...k, offset: null })));
      } catch (err) {
        this.logger.error({ err, group: group.groupId, topic }, 'could not write tombstones for a deleted topic');
      }
    }
  }

  /** One retention pass; returns how many offsets expired. */
  expire(now = this.store.now()): number {
    let expired = 0;
    for (const group of [...this.store.groups.values()]) {
      const doomed = [...group.offsets].filter(([key, c]) => this.isExpired(group, key, c, now)).map(([key]) => key);
      if (doomed.length > 0) {
        try {
          this.store.writeOffsets(group.groupId, doomed.map((key) => ({ ...parseOffsetKey(key), offset: null })));
        } catch (err) {
          this.logger.error({ err, group: group.groupId }, 'could not expire offsets');
          continue;
        }
        for (const key of doomed) group.offsets.delete(key);
        expired += doomed.length;
      }
      if (group.is('Empty') && group.offsets.size === 0 && group.pendingMembers.size === 0) {
        try {
          this.store.remove(group);
        } catch (err) {
          this.logger.error({ err, group: group.groupId }, 'could not remove an empty group');
        }
      }
    }
    if (expired > 0) this.logger.info({ expired }, 'expired committed offsets');
    return expired;
  }

  private isExpired(group: Group, key: string, c: CommittedOffset, now: number): boolean {
    const retention = this.config.offsetsRetentionMs;
    const old = (base: number) => (c.expireTimestamp !== null ? now >= c.expireTimestamp : now - base >= retention);
    if (group.protocolType !== null && group.is('Empty')) return old(group.stateTimestamp);
    if (group.protocolType === null) return old(c.commitTimestamp);
    if (group.protocolType === CONSUMER_PROTOCOL_TYPE && group.is('Stable') && group.subscribedTopics) {
      return !group.subscribedTopics.has(parseOffsetKey(key).topic) && old(c.commitTimestamp);
    }
    return false;
  }
}

function validateCommit(group: Group, p: CommitParams): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (p.generationId >= 0 || p.memberId !== '' || p.groupInstanceId !== null) {
    const error = validateMember(group, p.memberId, p.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    return p.generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
  }
  // Generation -1 without a member: an admin client or a consumer managing its own partitions.
  return group.is('Empty') ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}
