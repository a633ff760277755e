/**
 * What the peers send, so a test checks payloads against the rule and not only against the
 * peer's own echo. The same rule is written in RecordPlan.java and compat_client.py:
 *
 *   partition  i % partitions
 *   key        null when i % 5 == 4, else "key-<i>"
 *   value      null when i % 13 == 12, else "value-<i>-" + "brooklet " repeated (i % 7) * 8 times
 *   headers    i % 3 == 0: none; i % 3 == 1: [idx=<i>]; i % 3 == 2: [idx=<i>, codec=<codec>, idx=dup];
 *              and when i % 6 == 5 also [nullable=null]
 *   timestamp  base + 3 * i (base: the producer's start time, unknown to the test)
 *
 * Partition p receives records p, p + P, p + 2P, ... in that order, so with an idempotent
 * producer the record at (p, offset k) on a fresh topic must be record p + k * P.
 */

/** One record as the peers print it (one JSON line each). */
export interface PeerRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  timestamp: number;
}

export interface PlannedRecord {
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

export function plannedRecord(i: number, codec: string): PlannedRecord {
  const headers: [string, string | null][] = [];
  if (i % 3 === 1) headers.push(['idx', String(i)]);
  if (i % 3 === 2) headers.push(['idx', String(i)], ['codec', codec], ['idx', 'dup']);
  if (i % 6 === 5) headers.push(['nullable', null]);
  return {
    key: i % 5 === 4 ? null : `key-${i}`,
    value: i % 13 === 12 ? null : `value-${i}-` + 'brooklet '.repeat((i % 7) * 8),
    headers,
  };
}

/** Sorts by partition, then offset (the order the assertions compare in). */
export function byPartitionAndOffset(records: PeerRecord[]): PeerRecord[] {
  return [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** The plan index of the record at (partition, offset) on a fresh topic with P partitions. */
export function planIndex(partition: number, offset: number, partitions: number): number {
  return partition + offset * partitions;
}
