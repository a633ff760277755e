/**
 * Offsets a transaction committed for consumer groups (TxnOffsetCommit), held until EndTxn: on
 * commit they become the groups' committed offsets (written to __consumer_offsets through the
 * group coordinator), on abort they are dropped. While any is pending for a partition, an
 * OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT for it, as Kafka does.
 *
 * Held here and in the transaction's state record (txn-records.ts, tag 1000), which the
 * coordinator rewrites on every TxnOffsetCommit before answering it, so they survive a restart
 * with their transaction and are committed by a PrepareCommit replayed at startup.
 */
import type { CommitEntry } from '../offsets.js';

/** The group coordinator's side: makes offsets committed, as an OffsetCommit would. */
export interface GroupOffsetSink {
  commitTransactionalOffsets(groupId: string, entries: CommitEntry[]): void;
}

export class PendingTxnOffsets {
  /** group -> producer id -> "topic\0partition" -> entry */
  private readonly byGroup = new Map<string, Map<number, Map<string, CommitEntry>>>();

  add(groupId: string, producerId: number, entries: CommitEntry[]): void {
    let producers = this.byGroup.get(groupId);
    if (!producers) this.byGroup.set(groupId, (producers = new Map()));
    let pending = producers.get(producerId);
    if (!pending) producers.set(producerId, (pending = new Map()));
    for (const e of entries) pending.set(`${e.topic}\0${e.partition}`, e);
  }

  /** What the producer holds for the group (a copy). */
  peek(groupId: string, producerId: number): CommitEntry[] {
    return [...(this.byGroup.get(groupId)?.get(producerId)?.values() ?? [])];
  }

  /** Sets exactly what the producer holds for the group (none: nothing). */
  replace(groupId: string, producerId: number, entries: CommitEntry[]): void {
    this.take(groupId, producerId);
    if (entries.length > 0) this.add(groupId, producerId, entries);
  }

  /** Removes what the producer holds for the group and returns it (commit writes it). */
  take(groupId: string, producerId: number): CommitEntry[] {
    const producers = this.byGroup.get(groupId);
    const pending = producers?.get(producerId);
    if (!producers || !pending) return [];
    producers.delete(producerId);
    if (producers.size === 0) this.byGroup.delete(groupId);
    return [...pending.values()];
  }

  isPending(groupId: string, topic: string, partition: number): boolean {
    const producers = this.byGroup.get(groupId);
    if (!producers) return false;
    const key = `${topic}\0${partition}`;
    for (const pending of producers.values()) if (pending.has(key)) return true;
    return false;
  }

  hasAny(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }
}
