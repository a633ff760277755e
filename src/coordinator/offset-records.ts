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

/*
 * Offset keys and values are written straight into a buffer of their exact size: a commit writes
 * one of each per partition, and a Writer starts with a 4 KiB scratch buffer of its own (outside
 * Node's small-buffer pool), which made the allocation, not the encoding, most of a commit's cost.
 * The group metadata value (once per rebalance) keeps the Writer.
 */

/** UTF-8 length of a string field, refused past the int16 length prefix (as Writer.nullableString). */
function stringBytes(v: string): number {
  const n = Buffer.byteLength(v, 'utf8');
  if (n > 0x7fff) throw new Error(`string too long for INT16 length: ${n} bytes`);
  return n;
}

function putString(buf: Buffer, pos: number, v: string, n: number): number {
  buf.writeInt16BE(n, pos);
  return n === 0 ? pos + 2 : pos + 2 + buf.write(v, pos + 2, n, 'utf8');
}

/** int64 from a JS number (exact within +/-2^53), as Writer.int64. */
function putInt64(buf: Buffer, pos: number, v: number): number {
  const hi = Math.floor(v / 0x1_0000_0000);
  buf.writeInt32BE(hi, pos);
  return buf.writeUInt32BE(Math.trunc(v - hi * 0x1_0000_0000), pos + 4);
}

export function encodeOffsetKey(group: string, topic: string, partition: number): Buffer {
  const g = stringBytes(group);
  const t = stringBytes(topic);
  const buf = Buffer.allocUnsafe(10 + g + t);
  buf.writeInt16BE(1, 0);
  const pos = putString(buf, putString(buf, 2, group, g), topic, t);
  buf.writeInt32BE(partition, pos);
  return buf;
}

/**
 * Offset keys of one group: the version, group and topic encoded once per topic and copied into
 * each key, since an OffsetCommit names one group and few topics but many partitions.
 */
export function offsetKeyEncoder(group: string): (topic: string, partition: number) => Buffer {
  const prefixes = new Map<string, Buffer>();
  return (topic, partition) => {
    let prefix = prefixes.get(topic);
    if (prefix === undefined) prefixes.set(topic, (prefix = encodeOffsetKey(group, topic, 0).subarray(0, -4)));
    const key = Buffer.allocUnsafe(prefix.length + 4);
    key.set(prefix, 0);
    key.writeInt32BE(partition, prefix.length);
    return key;
  };
}

export function encodeGroupKey(group: string): Buffer {
  const g = stringBytes(group);
  const buf = Buffer.allocUnsafe(4 + g);
  buf.writeInt16BE(2, 0);
  putString(buf, 2, group, g);
  return buf;
}

export function encodeOffsetValue(c: CommittedOffset): Buffer {
  const m = stringBytes(c.metadata);
  if (c.expireTimestamp !== null) {
    const buf = Buffer.allocUnsafe(28 + m);
    buf.writeInt16BE(1, 0);
    putInt64(buf, putInt64(buf, putString(buf, putInt64(buf, 2, c.offset), c.metadata, m), c.commitTimestamp), c.expireTimestamp);
    return buf;
  }
  const buf = Buffer.allocUnsafe(24 + m);
  buf.writeInt16BE(3, 0);
  const pos = buf.writeInt32BE(c.leaderEpoch, putInt64(buf, 2, c.offset));
  putInt64(buf, putString(buf, pos, c.metadata, m), c.commitTimestamp);
  return buf;
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
