/**
 * The transaction coordinator wired to the broker's services: its state log in
 * __transaction_state, markers through the partition logs (waking long polls), the group
 * coordinator for the offsets of committed transactions, producer ids from the shared block.
 */
import type { Logger } from 'pino';
import type { LogManager } from '../../../storage/log-manager.js';
import type { GroupCoordinator } from '../group-coordinator.js';
import { OFFSETS_TOPIC, partitionFor } from '../offsets-log.js';
import type { ProducerIds } from '../producer-ids.js';
import { LogMarkerWriter, type MarkerWriter } from './markers.js';
import { TransactionStateLog } from './txn-log.js';
import { TransactionCoordinator, TXN_DEFAULTS, type TxnCoordinatorConfig } from './txn-coordinator.js';
import type { TxnPartition } from './txn-state.js';

export { TransactionCoordinator } from './txn-coordinator.js';
export { TRANSACTION_STATE_TOPIC } from './txn-log.js';

export interface TxnServices {
  logs: LogManager;
  groups: GroupCoordinator;
  producerIds: ProducerIds;
  logger: Logger;
  /** Called after a marker was written to a partition (wakes its long polls). */
  onMarker: (tp: TxnPartition) => void;
}

/** Builds the coordinator, replays its log (completing half-finished transactions) and starts its sweep. */
export function startTransactionCoordinator(s: TxnServices, config: Partial<TxnCoordinatorConfig> = {}): TransactionCoordinator {
  const coordinator = new TransactionCoordinator({
    store: new TransactionStateLog(s.logs),
    markers: withKillHook(new LogMarkerWriter(s.logs, (topic) => topic === OFFSETS_TOPIC, s.onMarker)),
    groupOffsets: s.groups.offsets,
    allocateProducerId: () => s.producerIds.allocate(),
    offsetsPartitionOf: (groupId) => ({ topic: OFFSETS_TOPIC, partition: partitionFor(groupId, s.logs.getTopic(OFFSETS_TOPIC)?.partitions ?? 1) }),
    logger: s.logger,
  }, { ...TXN_DEFAULTS, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) });
  coordinator.load();
  coordinator.start();
  return coordinator;
}

/**
 * Test hook for the fault suite (test/faults/transactions-kill.test.ts), unset in normal use:
 * with BROOKLET_TEST_TXN_KILL_AFTER_MARKERS=N the process kills itself with SIGKILL instead of
 * writing its N+1th marker (0: right after the first commit or abort decision was recorded).
 */
function withKillHook(writer: MarkerWriter): MarkerWriter {
  const setting = process.env.BROOKLET_TEST_TXN_KILL_AFTER_MARKERS;
  if (!setting) return writer;
  let left = Number(setting);
  return {
    write(tp, marker, now) {
      if (left-- === 0) process.kill(process.pid, 'SIGKILL');
      writer.write(tp, marker, now);
    },
  };
}
