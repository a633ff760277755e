/**
 * The records of the internal topic __consumer_offsets, in Kafka's own formats, so Kafka's
 * tools (kafka-dump-log --offsets-decoder) can read Brooklet's files. Big-endian; strings are
 * int16 length + UTF-8, bytes int32 length, arrays int32 count.
 *
 * Key (first int16 = key version):
 *   0 or 1  offset commit:  group string, topic string, partition int32
 *   2       group metadata: group string
 * Offset commit value (first int16 = value version):
 *   0: offset int64, metadata string, commit_timestamp int64
 *   1: offset int64, metadata string, commit_timestamp int64, expire_timestamp int64
 *   2: as 0
 *   3: offset int64, leader_epoch int32, metadata string, commit_timestamp int64
 *   4: as 3, then a tagged-field block (flexible)
 *   Brooklet writes 3, or 1 when an explicit expire timestamp exists (OffsetCommit v2-4).
 * Group metadata value, version 3 (written; 0-3 read):
 *   protocol_type string, generation int32, protocol nullable string, leader nullable string,
 *   current_state_timestamp int64 (v2+), members array of:
 *     member_id string, group_instance_id nullable string (v3+), client_id string,
 *     client_host string, rebalance_timeout int32 (v1+), session_timeout int32,
 *     subscription bytes, assignment bytes
 * A record with a null value is a tombstone: the offset or the group was deleted.
 */
import { Reader, Writer } from '../../protocol/index.js';
import type { CommittedOffset } from './group.js';

export type OffsetsRecordKey =
  | { kind: 'offset'; group: string; topic: string; partition: number }
  | { kind: 'group'; group: string };

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface StoredGroup {
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  stateTimestamp: number;
  members: StoredMember[];
}

function bytesOf(w: Writer): Buffer {
  return Buffer.concat(w.finish());
}

export function encodeOffsetKey(group: string, topic: string, partition: number): Buffer {
  return bytesOf(new Writer().int16(1).nullableString(group).nullableString(topic).int32(partition));
}

export function encodeGroupKey(group: string): Buffer {
  return bytesOf(new Writer().int16(2).nullableString(group));
}

export function encodeOffsetValue(c: CommittedOffset): Buffer {
  if (c.expireTimestamp !== null) {
    return bytesOf(new Writer().int16(1).int64(c.offset).nullableString(c.metadata)
      .int64(c.commitTimestamp).int64(c.expireTimestamp));
  }
  return bytesOf(new Writer().int16(3).int64(c.offset).int32(c.leaderEpoch)
    .nullableString(c.metadata).int64(c.commitTimestamp));
}

export function encodeGroupValue(g: StoredGroup): Buffer {
  const w = new Writer().int16(3)
    .nullableString(g.protocolType).int32(g.generationId)
    .nullableString(g.protocolName).nullableString(g.leaderId)
    .int64(g.stateTimestamp).int32(g.members.length);
  for (const m of g.members) {
    w.nullableString(m.memberId).nullableString(m.groupInstanceId).nullableString(m.clientId)
      .nullableString(m.clientHost).int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs)
      .nullableBytes(m.subscription).nullableBytes(m.assignment);
  }
  return bytesOf(w);
}

/** Undefined for a key version this broker does not know (skipped on replay, as Kafka does). */
export function decodeKey(buf: Buffer): OffsetsRecordKey | undefined {
  const r = new Reader(buf);
  const version = r.int16();
  if (version === 0 || version === 1) return { kind: 'offset', group: r.string(), topic: r.string(), partition: r.int32() };
  if (version === 2) return { kind: 'group', group: r.string() };
  return undefined;
}

export function decodeOffsetValue(buf: Buffer): CommittedOffset {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new Error(`unknown offset commit value version ${version}`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : null;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

export function decodeGroupValue(buf: Buffer): StoredGroup {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) throw new Error(`unknown group metadata value version ${version}`);
  const protocolType = r.string();
  const generationId = r.int32();
  const protocolName = r.nullableString();
  const leaderId = r.nullableString();
  const stateTimestamp = version >= 2 ? r.int64() : -1;
  const count = r.arrayLength() ?? 0;
  const members: StoredMember[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    // Copies: the record may be a view of a memory-mapped segment.
    const subscription = Buffer.from(r.bytes());
    const assignment = Buffer.from(r.bytes());
    members.push({
      memberId, groupInstanceId, clientId, clientHost, sessionTimeoutMs, subscription, assignment,
      rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? sessionTimeoutMs : rebalanceTimeoutMs,
    });
  }
  return { protocolType, generationId, protocolName, leaderId, stateTimestamp, members };
}
