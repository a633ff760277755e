/**
 * The records of the internal topic __transaction_state, in Kafka's formats (TransactionLogKey
 * and TransactionLogValue), so Kafka's tools (kafka-dump-log --transaction-log-decoder) read
 * Brooklet's files. Big-endian; strings int16 length + UTF-8, arrays int32 count.
 *
 * Key, version 0:  key_version int16 (0), transactional_id string
 * Value, version 0 (written; 0 and 1 read):
 *   value_version            int16 (0)
 *   producer_id              int64
 *   producer_epoch           int16
 *   transaction_timeout_ms   int32
 *   transaction_status       int8   (txn-state.ts: Empty 0 ... PrepareEpochFence 7)
 *   transaction_partitions   nullable array of { topic string, partition_ids array of int32 }
 *   last_update_timestamp_ms int64
 *   start_timestamp_ms       int64
 * Version 1 is the flexible form of the same fields (compact strings and arrays, a tagged-field
 * block per struct and at the end, whose tags 0-2 carry previous/next producer id and the client's
 * transaction version, which Brooklet skips).
 * Brooklet writes version 1 when the transaction carries consumer groups (AddOffsetsToTxn), with
 * one tagged field of its own, tag 1000 (Kafka's readers skip unknown tags):
 *   groups compact array of { group_id compact string, offsets compact array of { topic compact
 *   string, partition int32, offset int64, leader_epoch int32, metadata compact nullable string,
 *   tags }, tags }
 * the offsets TxnOffsetCommit sent, so that they survive a restart with their transaction and a
 * PrepareCommit replayed at startup commits them (Kafka keeps them in __consumer_offsets as
 * transactional records instead).
 * A null value is a tombstone: the transactional id was removed.
 */
import { Reader, Writer } from '../../../protocol/index.js';
import type { CommitEntry } from '../offsets.js';
import type { TxnPartition, TxnStateCode } from './txn-state.js';

export const GROUP_OFFSETS_TAG = 1000;

export interface TxnGroupOffsets {
  groupId: string;
  entries: CommitEntry[];
}

export interface TxnLogValue {
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStateCode;
  partitions: TxnPartition[];
  lastUpdateMs: number;
  startMs: number;
  /** Consumer groups of the open transaction and the offsets it holds for them. */
  groups?: TxnGroupOffsets[];
}

function bytesOf(w: Writer): Buffer {
  return Buffer.concat(w.finish());
}

export function encodeTxnKey(transactionalId: string): Buffer {
  return bytesOf(new Writer().int16(0).nullableString(transactionalId));
}

/** The transactional id, or undefined for a key version this broker does not know (skipped). */
export function decodeTxnKey(buf: Buffer): string | undefined {
  const r = new Reader(buf);
  if (r.int16() !== 0) return undefined;
  return r.string();
}

export function encodeTxnValue(v: TxnLogValue): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const p of v.partitions) {
    const list = byTopic.get(p.topic);
    if (list) list.push(p.partition);
    else byTopic.set(p.topic, [p.partition]);
  }
  const flexible = (v.groups?.length ?? 0) > 0;
  const w = new Writer().int16(flexible ? 1 : 0).int64(v.producerId).int16(v.producerEpoch).int32(v.timeoutMs).int8(v.state);
  if (flexible) w.compactArrayLength(byTopic.size);
  else w.int32(byTopic.size);
  for (const [topic, ids] of byTopic) {
    if (flexible) w.compactNullableString(topic).compactArrayLength(ids.length);
    else w.nullableString(topic).int32(ids.length);
    for (const id of ids) w.int32(id);
    if (flexible) w.uvarint(0);
  }
  w.int64(v.lastUpdateMs).int64(v.startMs);
  if (!flexible) return bytesOf(w);
  const groups = bytesOf(encodeGroups(v.groups!));
  return bytesOf(w.uvarint(1).uvarint(GROUP_OFFSETS_TAG).uvarint(groups.length).raw(groups));
}

function encodeGroups(groups: TxnGroupOffsets[]): Writer {
  const w = new Writer().compactArrayLength(groups.length);
  for (const g of groups) {
    w.compactNullableString(g.groupId).compactArrayLength(g.entries.length);
    for (const e of g.entries) {
      w.compactNullableString(e.topic).int32(e.partition).int64(e.offset).int32(e.leaderEpoch).compactNullableString(e.metadata).uvarint(0);
    }
    w.uvarint(0);
  }
  return w;
}

function decodeGroups(r: Reader): TxnGroupOffsets[] {
  const groups: TxnGroupOffsets[] = [];
  const count = r.compactArrayLength() ?? 0;
  for (let g = 0; g < count; g++) {
    const groupId = r.compactString();
    const entries: CommitEntry[] = [];
    const n = r.compactArrayLength() ?? 0;
    for (let i = 0; i < n; i++) {
      entries.push({ topic: r.compactString(), partition: r.int32(), offset: r.int64(), leaderEpoch: r.int32(), metadata: r.compactNullableString() });
      skipTaggedFields(r);
    }
    skipTaggedFields(r);
    groups.push({ groupId, entries });
  }
  return groups;
}

export function decodeTxnValue(buf: Buffer): TxnLogValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version !== 0 && version !== 1) throw new Error(`unknown transaction log value version ${version}`);
  const flexible = version === 1;
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const timeoutMs = r.int32();
  const state = r.int8();
  if (state < 0 || state > 7) throw new Error(`unknown transaction state ${state}`);
  const partitions: TxnPartition[] = [];
  const topics = (flexible ? r.compactArrayLength() : r.arrayLength()) ?? 0;
  for (let t = 0; t < topics; t++) {
    const topic = flexible ? r.compactString() : r.string();
    const count = (flexible ? r.compactArrayLength() : r.arrayLength()) ?? 0;
    for (let i = 0; i < count; i++) partitions.push({ topic, partition: r.int32() });
    if (flexible) skipTaggedFields(r);
  }
  const lastUpdateMs = r.int64();
  const startMs = r.int64();
  const value: TxnLogValue = { producerId, producerEpoch, timeoutMs, state: state as TxnStateCode, partitions, lastUpdateMs, startMs };
  if (flexible) {
    const tags = r.uvarint();
    for (let i = 0; i < tags; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      if (tag === GROUP_OFFSETS_TAG) value.groups = decodeGroups(new Reader(r.raw(size, 'group offsets')));
      else r.skip(size);
    }
  }
  return value;
}

function skipTaggedFields(r: Reader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}
