/**
 * Consumer-group lag, read from the coordinator's committed offsets and the logs' end offsets
 * (both in memory): lag = log end offset - committed offset, never below zero. Computed when
 * asked (a scrape, a console poll), never on the request path. A partition the group never
 * committed has no lag row, as Kafka's kafka-consumer-groups tool shows it blank.
 */
import type { LogManager } from '../../storage/log-manager.js';
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  committed: number;
  logEndOffset: number;
  lag: number;
}

export function groupLag(groups: GroupCoordinator, logs: LogManager, onlyGroup?: string): PartitionLag[] {
  const rows: PartitionLag[] = [];
  const ids = onlyGroup === undefined ? [...groups.store.groups.keys()] : [onlyGroup];
  for (const group of ids) {
    for (const topic of groups.offsets.fetch(group, null)) {
      for (const c of topic.partitions) {
        const log = logs.partition(topic.name, c.partition);
        if (!log || c.offset < 0) continue;
        const end = log.logEndOffset;
        rows.push({ group, topic: topic.name, partition: c.partition, committed: c.offset, logEndOffset: end, lag: Math.max(0, end - c.offset) });
      }
    }
  }
  return rows;
}
