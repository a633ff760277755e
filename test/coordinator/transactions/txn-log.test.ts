/**
 * __transaction_state records: Kafka's key and value layouts byte for byte (version 0, and the
 * flexible version 1 read), and the log replayed from a real data directory after a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Writer } from '../../../protocol/index.js';
import { LogManager } from '../../../storage/log-manager.js';
import { TransactionStateLog } from '../../../src/coordinator/transactions/txn-log.js';
import { decodeTxnKey, decodeTxnValue, encodeTxnKey, encodeTxnValue, type TxnLogValue } from '../../../src/coordinator/transactions/txn-records.js';
import { TxnState } from '../../../src/coordinator/transactions/txn-state.js';

const value: TxnLogValue = {
  producerId: 4000, producerEpoch: 3, timeoutMs: 60_000, state: TxnState.Ongoing,
  partitions: [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 2 }, { topic: 'a', partition: 1 }],
  lastUpdateMs: 1_700_000_000_123, startMs: 1_700_000_000_000,
};

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

describe('__transaction_state records', () => {
  it('key: version 0 then the transactional id', () => {
    expect(encodeTxnKey('tx')).toEqual(Buffer.from([0, 0, 0, 2, 0x74, 0x78]));
    expect(decodeTxnKey(encodeTxnKey('tx'))).toBe('tx');
    expect(decodeTxnKey(Buffer.from([0, 1, 0, 0]))).toBeUndefined();
  });

  it('value version 0: fields in Kafka order, partitions grouped by topic', () => {
    const bytes = encodeTxnValue(value);
    const expected = Buffer.concat(new Writer().int16(0).int64(4000).int16(3).int32(60_000).int8(1)
      .int32(2).nullableString('a').int32(2).int32(0).int32(1).nullableString('b').int32(1).int32(2)
      .int64(1_700_000_000_123).int64(1_700_000_000_000).finish());
    expect(bytes).toEqual(expected);
    expect(decodeTxnValue(bytes)).toEqual({ ...value, partitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 2 }] });
  });

  it('reads the flexible version 1 (compact fields, tagged fields skipped)', () => {
    const w = new Writer().int16(1).int64(7).int16(0).int32(1000).int8(4)
      .compactArrayLength(1).compactNullableString('t').compactArrayLength(1).int32(5).uvarint(0)
      .int64(2).int64(1)
      .uvarint(1).uvarint(0).uvarint(8).int64(6); // tag 0: previous producer id
    const decoded = decodeTxnValue(Buffer.concat(w.finish()));
    expect(decoded).toEqual({ producerId: 7, producerEpoch: 0, timeoutMs: 1000, state: 4, partitions: [{ topic: 't', partition: 5 }], lastUpdateMs: 2, startMs: 1 });
  });

  it('writes version 1 with tag 1000 for the groups and offsets of the transaction, and reads it back', () => {
    const groups = [{ groupId: 'g', entries: [{ topic: 'in', partition: 1, offset: 42, leaderEpoch: 3, metadata: null }] }, { groupId: 'h', entries: [] }];
    const bytes = encodeTxnValue({ ...value, groups });
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(decodeTxnValue(bytes)).toEqual({ ...value, partitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 2 }], groups });
  });

  it('is replayed from the data directory after a restart, the last record of an id winning', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-txnlog-'));
    dirs.push(dataDir);
    let logs = LogManager.open({ dataDir });
    const log = new TransactionStateLog(logs);
    log.append('x', value, 1);
    log.append('y', { ...value, producerId: 9 }, 2);
    log.append('x', { ...value, state: TxnState.CompleteCommit, partitions: [] }, 3);
    logs.close();
    logs = LogManager.open({ dataDir });
    const seen = new Map<string, TxnLogValue | null>();
    const count = new TransactionStateLog(logs).replay((id, v) => seen.set(id, v), (where, err) => { throw new Error(`${where}: ${String(err)}`); });
    logs.close();
    expect(count).toBe(3);
    expect(seen.get('x')!.state).toBe(TxnState.CompleteCommit);
    expect(seen.get('y')!.producerId).toBe(9);
  });
});
