/**
 * Committed offsets: commit validation (member, generation, standalone commits), fetch, delete,
 * retention, deleted topics, and durability through __consumer_offsets across a reopen (the log
 * is replayed; groups come back with their generation and members).
 */
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import type { CommitEntry, CommitParams } from '../../src/coordinator/offsets.js';
import { encodeRecordBatch } from '../../protocol/index.js';
import { OFFSETS_TOPIC, partitionFor } from '../../src/coordinator/offsets-log.js';
import { Harness, withHarnessPerTest } from './harness.js';

const entry = (partition: number, offset: number, metadata: string | null = null): CommitEntry =>
  ({ topic: 't', partition, offset, leaderEpoch: 3, metadata });

describe('committed offsets', () => {
  let h: Harness;
  withHarnessPerTest((next) => (h = next));

  const commit = (p: Partial<CommitParams> & { entries: CommitEntry[] }) => h.coordinator.offsets.commit({
    groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, ...p,
  });
  const fetchAll = (groupId = 'g') => h.coordinator.offsets.fetch(groupId, null);

  it('a standalone commit (generation -1) creates an Empty group; fetch returns offset, epoch and metadata', () => {
    expect(commit({ entries: [entry(0, 10, 'meta'), entry(1, 20)] })).toEqual([0, 0]);
    expect(h.state()).toBe('Empty');
    expect(fetchAll()).toEqual([{ name: 't', partitions: [
      { partition: 0, offset: 10, leaderEpoch: 3, metadata: 'meta' },
      { partition: 1, offset: 20, leaderEpoch: 3, metadata: '' },
    ] }]);
    expect(h.coordinator.offsets.fetch('g', [{ name: 't', partitions: [1, 7] }, { name: 'u', partitions: [0] }])).toEqual([
      { name: 't', partitions: [{ partition: 1, offset: 20, leaderEpoch: 3, metadata: '' }, { partition: 7, offset: -1, leaderEpoch: -1, metadata: '' }] },
      { name: 'u', partitions: [{ partition: 0, offset: -1, leaderEpoch: -1, metadata: '' }] },
    ]);
    expect(commit({ entries: [entry(0, 1, 'x'.repeat(4097)), entry(1, 21)] })).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
  });

  it('member commits need the current member and generation; none during CompletingRebalance', async () => {
    expect(commit({ groupId: 'fresh', generationId: 1, memberId: 'm', entries: [entry(0, 1)] })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    const joined = h.join({});
    await vi.advanceTimersByTimeAsync(0);
    const { memberId, generationId } = joined.result!;
    expect(commit({ generationId, memberId, entries: [entry(0, 1)] })).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    h.sync({ memberId, generationId });
    expect(commit({ generationId, memberId, entries: [entry(0, 5)] })).toEqual([0]);
    expect(commit({ generationId: generationId + 1, memberId, entries: [entry(0, 6)] })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(commit({ generationId, memberId: 'other', entries: [entry(0, 6)] })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(commit({ entries: [entry(0, 6)] })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]); // standalone, group not Empty
    expect(fetchAll()[0]!.partitions[0]!.offset).toBe(5);
  });

  it('offsets, generation and members survive a reopen; members keep heartbeating without a rebalance', async () => {
    const a = await h.joinAndSync('g');
    expect(commit({ generationId: a.generationId, memberId: a.memberId, entries: [entry(0, 42, 'kept')] })).toEqual([0]);
    commit({ groupId: 'standalone', entries: [entry(2, 7)] });
    commit({ groupId: 'standalone', entries: [entry(2, 8)] }); // the later record wins on replay
    h.restart();
    expect(fetchAll()).toEqual([{ name: 't', partitions: [{ partition: 0, offset: 42, leaderEpoch: 3, metadata: 'kept' }] }]);
    expect(fetchAll('standalone')[0]!.partitions[0]!.offset).toBe(8);
    expect(h.state()).toBe('Stable');
    expect(h.heartbeat(a.memberId, a.generationId)).toBe(ErrorCode.NONE);
    expect(h.coordinator.admin.describe('g').members[0]!.assignment).toEqual(Buffer.from('all'));
    // The session clock started again at load: silence now expires the member.
    await vi.advanceTimersByTimeAsync(6000);
    expect(h.state()).toBe('Empty');
    expect(h.logs.getTopic(OFFSETS_TOPIC)!.partitions).toBe(1);
  });

  it('deleting a group or offsets writes tombstones that hold across a reopen', () => {
    commit({ entries: [entry(0, 1), entry(1, 2)] });
    commit({ groupId: 'h', entries: [entry(0, 3)] });
    expect(h.coordinator.offsets.deleteOffsets('g', [{ topic: 't', partition: 0 }])).toEqual({ errorCode: 0, errors: [0] });
    expect(h.coordinator.admin.deleteGroup('h')).toBe(0);
    expect(h.coordinator.admin.deleteGroup('h')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    h.restart();
    expect(fetchAll()).toEqual([{ name: 't', partitions: [{ partition: 1, offset: 2, leaderEpoch: 3, metadata: '' }] }]);
    expect(h.coordinator.admin.list().map((g) => g.groupId)).toEqual(['g']);
  });

  it('a group with members cannot be deleted; its subscribed topics keep their offsets', async () => {
    const a = await h.joinAndSync('g', { protocols: [{ name: 'range', metadata: subscription(['t']) }] });
    commit({ generationId: a.generationId, memberId: a.memberId, entries: [entry(0, 1)] });
    commit({ generationId: a.generationId, memberId: a.memberId, entries: [{ ...entry(0, 1), topic: 'old' }] });
    expect(h.coordinator.admin.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(h.coordinator.offsets.deleteOffsets('g', [{ topic: 't', partition: 0 }, { topic: 'old', partition: 0 }]))
      .toEqual({ errorCode: 0, errors: [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0] });
    expect(h.coordinator.offsets.deleteOffsets('none', [])).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errors: [] });
  });

  it('offsets of a deleted topic are dropped', () => {
    commit({ entries: [entry(0, 1), { ...entry(0, 9), topic: 'other' }] });
    h.coordinator.topicDeleted('t');
    expect(fetchAll()).toEqual([{ name: 'other', partitions: [{ partition: 0, offset: 9, leaderEpoch: 3, metadata: '' }] }]);
    h.restart();
    expect(fetchAll().map((t) => t.name)).toEqual(['other']);
  });

  it('offsets of an Empty group expire after the retention time, then the group goes', async () => {
    h.close();
    h = new Harness(undefined, { offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 });
    const a = await h.joinAndSync('g');
    commit({ generationId: a.generationId, memberId: a.memberId, entries: [entry(0, 1)] });
    for (let t = 0; t < 120_000; t += 5000) { // a live member: nothing expires
      await vi.advanceTimersByTimeAsync(5000);
      expect(h.heartbeat(a.memberId, a.generationId)).toBe(0);
    }
    expect(fetchAll()[0]!.partitions[0]!.offset).toBe(1);
    h.coordinator.membership.leave('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    expect(h.state()).toBe('Empty');
    await vi.advanceTimersByTimeAsync(50_000);
    expect(fetchAll()[0]!.partitions[0]!.offset).toBe(1);
    await vi.advanceTimersByTimeAsync(20_000); // Empty for 60 s, and a check ran after that
    expect(fetchAll()).toEqual([]);
    expect(h.coordinator.admin.list()).toEqual([]);
  });

  it('records nobody can read in __consumer_offsets are skipped at load, never fatal', () => {
    commit({ entries: [entry(0, 11)] });
    const log = h.logs.partition(OFFSETS_TOPIC, 0)!;
    log.append(encodeRecordBatch({ records: [
      { key: Buffer.from([0]), value: Buffer.from('garbage') }, // truncated key
      { key: Buffer.from([0, 9, 1, 2]), value: null }, // a key version from the future
      { key: Buffer.from([0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 1]), value: Buffer.from([0, 99]) }, // g/t/1, unknown value version
    ] }));
    commit({ entries: [entry(1, 12)] });
    h.restart();
    expect(fetchAll()[0]!.partitions.map((p) => p.offset)).toEqual([11, 12]);
  });

  it('groups map to partitions as Kafka does (abs(String.hashCode) mod n)', () => {
    expect(partitionFor('hello', 50)).toBe(99162322 % 50); // Java: "hello".hashCode() == 99162322
    expect(partitionFor('polygenelubricants', 50)).toBe(0); // hashCode() == Integer.MIN_VALUE; Kafka's abs gives 0
    expect(partitionFor('anything', 1)).toBe(0);
  });
});

/** A consumer-protocol subscription (version 0): topics only. */
function subscription(topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)];
  for (const t of topics) parts.push(Buffer.from([0, t.length]), Buffer.from(t));
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
