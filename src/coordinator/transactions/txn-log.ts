/**
 * The durable side of the transaction coordinator: one record per change of a transactional id
 * (txn-records.ts, Kafka's __transaction_state formats), appended to the internal topic
 * __transaction_state and replayed at startup, the last record of an id winning.
 *
 * As __consumer_offsets (offsets-log.ts): created on first write with one partition and
 * cleanup.policy=compact; an existing topic with N partitions is written at Kafka's partition
 * for the id (abs(hashCode) % N) and read whole. A record is written before the change it
 * describes is answered or acted on (the page cache survives kill -9; under the `always` flush
 * policy the append also waits for its sync). A record that cannot be read is skipped and
 * reported, so a damaged record never keeps the broker from starting.
 */
import { encodeRecordBatch } from '../../../protocol/index.js';
import type { LogManager } from '../../../storage/log-manager.js';
import { replayTopic } from '../internal-topic.js';
import { partitionFor } from '../offsets-log.js';
import { decodeTxnKey, decodeTxnValue, encodeTxnKey, encodeTxnValue, type TxnLogValue } from './txn-records.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export class TransactionStateLog {
  constructor(private readonly logs: LogManager) {}

  /** Appends the state of one id (null: a tombstone); throws when the log cannot take it. Resolves once durable. */
  append(transactionalId: string, value: TxnLogValue | null, now: number): Promise<void> | null {
    const topic = this.logs.getTopic(TRANSACTION_STATE_TOPIC) ??
      this.logs.createTopic(TRANSACTION_STATE_TOPIC, 1, { 'cleanup.policy': 'compact' });
    const log = this.logs.partition(TRANSACTION_STATE_TOPIC, partitionFor(transactionalId, topic.partitions));
    if (!log) throw new Error(`${TRANSACTION_STATE_TOPIC} has no partition for ${transactionalId}`);
    const batch = encodeRecordBatch({ records: [{ key: encodeTxnKey(transactionalId), value: value === null ? null : encodeTxnValue(value) }], timestamp: now });
    const result = log.append(batch, now);
    return this.logs.durableAck(log, result.lastOffset + 1);
  }

  /** Visits every record oldest first (value null: a tombstone); returns the record count. */
  replay(visit: (transactionalId: string, value: TxnLogValue | null) => void, onSkip: (where: string, err: unknown) => void): number {
    return replayTopic(this.logs, TRANSACTION_STATE_TOPIC, (record) => {
      const id = decodeTxnKey(record.key!);
      if (id === undefined) return false;
      visit(id, record.value === null ? null : decodeTxnValue(record.value));
      return true;
    }, onSkip);
  }
}
