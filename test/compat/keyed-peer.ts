/**
 * librdkafka (confluent-kafka for Python) driving the keyed compaction workload of
 * test/compat/python/compacted_client.py: produce (last value per key, tombstones, a sentinel
 * after a segment.ms gap) and consume up to the high watermark, one JSON line per record.
 */
import path from 'node:path';
import { repoRoot } from '../harness/repo-paths.js';
import { librdkafkaPeer, type Peer } from './peers.js';

export interface KeyedRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

export const keyedPeer: Peer = {
  name: 'librdkafka keyed workload (confluent-kafka for Python)',
  missing: () => librdkafkaPeer.missing(),
  command: () => [librdkafkaPeer.command()[0], path.join(repoRoot, 'test/compat/python/compacted_client.py')],
};

/** What compaction must leave of `acked`: the last record of every key (tombstones included), by offset. */
export function lastPerKey(acked: readonly KeyedRecord[]): KeyedRecord[] {
  const last = new Map<string | null, KeyedRecord>();
  for (const r of acked) last.set(r.key, { offset: r.offset, key: r.key, value: r.value });
  return [...last.values()].sort((a, b) => a.offset - b.offset);
}
