/**
 * __consumer_offsets under compaction: the group coordinator writes it with cleanup.policy=compact
 * and Kafka's 100 MiB segments; after the cleaner has compacted it, a restart replays far fewer
 * records and every group's committed offsets come back exactly as before.
 */
import { expect, it } from 'vitest';
import { OFFSETS_TOPIC } from '../../src/coordinator/offsets-log.js';
import { Harness } from './harness.js';

it('a compacted __consumer_offsets restores every group\'s offsets with far fewer records', async () => {
  const h = new Harness();
  try {
    h.logs.createTopic('t', 4);
    for (let round = 0; round < 50; round++) {
      for (let g = 0; g < 5; g++) {
        h.coordinator.offsets.commit({ groupId: `g${g}`, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
          entries: [0, 1, 2, 3].map((partition) => ({ topic: 't', partition, offset: round * 10 + partition + g, leaderEpoch: -1, metadata: `r${round}` })) });
      }
    }
    expect(h.logs.getTopic(OFFSETS_TOPIC)!.configs).toMatchObject({ 'cleanup.policy': 'compact', 'segment.bytes': String(100 * 1024 * 1024) });
    const before = [0, 1, 2, 3, 4].map((g) => h.coordinator.offsets.fetch(`g${g}`, null));
    const log = h.logs.partition(OFFSETS_TOPIC, 0)!;
    log.roll(); // the commits' segment is sealed, as 100 MiB of commits would seal it
    const result = await h.logs.cleanNow(log, Date.now(), true);
    expect(result!.stats.recordsKept).toBeLessThan(result!.stats.recordsRead / 10);
    h.restart();
    const after = [0, 1, 2, 3, 4].map((g) => h.coordinator.offsets.fetch(`g${g}`, null));
    expect(after).toEqual(before);
    expect(after[4]![0]!.partitions.map((p) => p.offset)).toEqual([494, 495, 496, 497]);
  } finally {
    h.close();
  }
});
