/**
 * The transaction coordinator alone, over an in-memory state log and marker sink: epochs and
 * fencing, Kafka's error codes per state, markers only after the decision is recorded, the
 * replay that completes a transaction caught between decision and markers, timeouts.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import type { CommitEntry } from '../../../src/coordinator/offsets.js';
import type { Marker } from '../../../src/coordinator/transactions/markers.js';
import { TransactionCoordinator, type TxnStateStore } from '../../../src/coordinator/transactions/txn-coordinator.js';
import type { TxnLogValue } from '../../../src/coordinator/transactions/txn-records.js';
import { TxnState, type TxnPartition } from '../../../src/coordinator/transactions/txn-state.js';

class World {
  records: { id: string; value: TxnLogValue | null }[] = [];
  markers: { tp: TxnPartition; marker: Marker }[] = [];
  committed: { groupId: string; entries: CommitEntry[] }[] = [];
  /** Every event in order: "state:<name>" records and "marker:<topic>-<p>" writes. */
  events: string[] = [];
  failMarkers = false;
  clock = 1_000_000;
  nextPid = 100;

  coordinator(): TransactionCoordinator {
    const store: TxnStateStore = {
      append: (id, value) => {
        this.records.push({ id, value });
        this.events.push(value === null ? 'tombstone' : `state:${value.state}`);
        return null;
      },
      replay: (visit) => {
        // the last record of an id wins, as the real log's replay
        for (const r of this.records) visit(r.id, r.value);
        return this.records.length;
      },
    };
    const c = new TransactionCoordinator({
      store,
      markers: {
        write: (tp, marker) => {
          if (this.failMarkers) throw new Error('disk full');
          this.markers.push({ tp, marker });
          this.events.push(`marker:${tp.topic}-${tp.partition}`);
        },
      },
      groupOffsets: { commitTransactionalOffsets: (groupId, entries) => { this.committed.push({ groupId, entries }); } },
      allocateProducerId: () => this.nextPid++,
      offsetsPartitionOf: () => ({ topic: '__consumer_offsets', partition: 0 }),
      logger: pino({ level: 'silent' }),
      now: () => this.clock,
    });
    c.load();
    return c;
  }
}

const T = (topic: string, partition: number) => ({ topic, partition });

describe('transaction coordinator', () => {
  it('bumps the epoch on every init and fences the older producer', () => {
    const w = new World();
    const c = w.coordinator();
    const first = c.initProducerId('tx', 60_000, -1, -1);
    expect(first).toEqual({ errorCode: ErrorCode.NONE, producerId: 100, producerEpoch: 0 });
    const second = c.initProducerId('tx', 60_000, -1, -1);
    expect(second).toEqual({ errorCode: ErrorCode.NONE, producerId: 100, producerEpoch: 1 });
    expect(c.addPartitions('tx', 100, 0, [T('a', 0)])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(c.endTxn('tx', 100, 0, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(c.addPartitions('tx', 999, 1, [T('a', 0)])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(c.addPartitions('nope', 100, 1, [T('a', 0)])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });

  it('refuses timeouts above transaction.max.timeout.ms and empty ids', () => {
    const c = new World().coordinator();
    expect(c.initProducerId('tx', 900_001, -1, -1).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(c.initProducerId('tx', 0, -1, -1).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(c.initProducerId('tx', 900_000, -1, -1).errorCode).toBe(ErrorCode.NONE);
    expect(c.initProducerId('', 1000, -1, -1).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('writes the decision, then every marker, then the completion; hands the group its offsets on commit', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    expect(c.addPartitions('tx', pid, 0, [T('a', 0), T('b', 1)])).toBe(ErrorCode.NONE);
    expect(c.addOffsets('tx', pid, 0, 'g')).toBe(ErrorCode.NONE);
    const entry = { topic: 'in', partition: 0, offset: 42, leaderEpoch: -1, metadata: null };
    expect(c.txnOffsetCommit('tx', 'g', pid, 0, [entry])).toBe(ErrorCode.NONE);
    expect(c.pendingOffsets.isPending('g', 'in', 0)).toBe(true);
    expect(c.verifyProduce('tx', pid, 0, 'a', 0)).toBe(ErrorCode.NONE);
    expect(c.verifyProduce('tx', pid, 0, 'c', 0)).toBe(ErrorCode.INVALID_TXN_STATE);
    w.events = [];
    expect(c.endTxn('tx', pid, 0, true)).toBe(ErrorCode.NONE);
    // The group's __consumer_offsets partition gets none here: the fake sink stands for storage.
    expect(w.events).toEqual([`state:${TxnState.PrepareCommit}`, 'marker:a-0', 'marker:b-1', 'marker:__consumer_offsets-0', `state:${TxnState.CompleteCommit}`]);
    expect(w.markers.every((m) => m.marker.commit && m.marker.producerId === pid && m.marker.producerEpoch === 0)).toBe(true);
    expect(w.committed).toEqual([{ groupId: 'g', entries: [entry] }]);
    expect(c.pendingOffsets.isPending('g', 'in', 0)).toBe(false);
    // A retried commit is answered NONE; aborting what was committed is INVALID_TXN_STATE.
    expect(c.endTxn('tx', pid, 0, true)).toBe(ErrorCode.NONE);
    expect(c.endTxn('tx', pid, 0, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(c.verifyProduce('tx', pid, 0, 'a', 0)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('drops transactional offsets on abort and refuses ending a transaction that never began', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    expect(c.endTxn('tx', pid, 0, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(c.txnOffsetCommit('tx', 'g', pid, 0, [])).toBe(ErrorCode.INVALID_TXN_STATE);
    c.addOffsets('tx', pid, 0, 'g');
    c.txnOffsetCommit('tx', 'g', pid, 0, [{ topic: 'in', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }]);
    expect(c.endTxn('tx', pid, 0, false)).toBe(ErrorCode.NONE);
    expect(w.committed).toEqual([]);
    expect(c.pendingOffsets.hasAny('g')).toBe(false);
  });

  it('fences an open transaction on init: aborts it with a bumped epoch and answers CONCURRENT_TRANSACTIONS', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    c.addPartitions('tx', pid, 0, [T('a', 0)]);
    expect(c.initProducerId('tx', 60_000, -1, -1).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(w.markers).toEqual([{ tp: T('a', 0), marker: { producerId: pid, producerEpoch: 1, commit: false, coordinatorEpoch: 0 } }]);
    expect(c.initProducerId('tx', 60_000, -1, -1)).toEqual({ errorCode: ErrorCode.NONE, producerId: pid, producerEpoch: 2 });
    expect(c.verifyProduce('tx', pid, 0, 'a', 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(c.endTxn('tx', pid, 0, true)).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('aborts a transaction open past its timeout, fencing its producer', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 5_000, -1, -1);
    c.addPartitions('tx', pid, 0, [T('a', 0)]);
    w.clock += 5_000;
    expect(c.abortTimedOut()).toBe(0);
    w.clock += 1;
    expect(c.abortTimedOut()).toBe(1);
    expect(c.txns.get('tx')!.state).toBe(TxnState.CompleteAbort);
    expect(w.markers.map((m) => m.marker)).toEqual([{ producerId: pid, producerEpoch: 1, commit: false, coordinatorEpoch: 0 }]);
    expect(c.endTxn('tx', pid, 0, true)).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('keeps a transaction whose markers failed in its Prepare state (CONCURRENT_TRANSACTIONS) until a retry writes them', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    c.addPartitions('tx', pid, 0, [T('a', 0)]);
    w.failMarkers = true;
    expect(c.endTxn('tx', pid, 0, true)).toBe(ErrorCode.NONE);
    expect(c.txns.get('tx')!.state).toBe(TxnState.PrepareCommit);
    expect(c.addPartitions('tx', pid, 0, [T('a', 0)])).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(c.endTxn('tx', pid, 0, true)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    w.failMarkers = false;
    c.abortTimedOut();
    expect(c.txns.get('tx')!.state).toBe(TxnState.CompleteCommit);
    expect(w.markers.map((m) => m.marker.commit)).toEqual([true]);
  });

  it('completes at load a transaction whose decision was recorded but whose markers were not all written', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    c.addPartitions('tx', pid, 0, [T('a', 0), T('a', 1)]);
    w.failMarkers = true;
    c.endTxn('tx', pid, 0, true);
    w.failMarkers = false;
    const restarted = w.coordinator(); // replays the same records: PrepareCommit is the last
    expect(restarted.txns.get('tx')!.state).toBe(TxnState.CompleteCommit);
    expect(w.markers.map((m) => `${m.tp.topic}-${m.tp.partition}:${m.marker.commit}`)).toEqual(['a-0:true', 'a-1:true']);
    // The producer carries on with the same epoch after the restart.
    expect(restarted.addPartitions('tx', pid, 0, [T('a', 0)])).toBe(ErrorCode.NONE);
  });

  it('keeps transactional offsets across a restart: an open transaction commits them later, a replayed PrepareCommit at load', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    c.addOffsets('tx', pid, 0, 'g');
    const entry = { topic: 'in', partition: 3, offset: 77, leaderEpoch: 2, metadata: 'meta' };
    expect(c.txnOffsetCommit('tx', 'g', pid, 0, [entry])).toBe(ErrorCode.NONE);
    const restarted = w.coordinator();
    expect(restarted.pendingOffsets.isPending('g', 'in', 3)).toBe(true);
    expect(restarted.endTxn('tx', pid, 0, true)).toBe(ErrorCode.NONE);
    expect(w.committed).toEqual([{ groupId: 'g', entries: [entry] }]);

    w.committed = [];
    restarted.addOffsets('tx', pid, 0, 'g');
    restarted.txnOffsetCommit('tx', 'g', pid, 0, [{ ...entry, offset: 78 }]);
    w.failMarkers = true; // the decision is recorded, the markers are not written
    restarted.endTxn('tx', pid, 0, true);
    w.committed = []; // what the failed attempt handed over is not what this test checks
    w.failMarkers = false;
    const again = w.coordinator();
    expect(again.txns.get('tx')!.state).toBe(TxnState.CompleteCommit);
    expect(w.committed).toEqual([{ groupId: 'g', entries: [{ ...entry, offset: 78 }] }]);
  });

  it('answers a retried init (KIP-360) with the epoch it already handed out, and fences a stale one', () => {
    const c = new World().coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    expect(c.initProducerId('tx', 60_000, pid, 0)).toEqual({ errorCode: ErrorCode.NONE, producerId: pid, producerEpoch: 1 });
    expect(c.initProducerId('tx', 60_000, pid, 0)).toEqual({ errorCode: ErrorCode.NONE, producerId: pid, producerEpoch: 1 });
    expect(c.initProducerId('tx', 60_000, pid, 7).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('removes ids idle past transactional.id.expiration.ms with a tombstone, never one with an open transaction', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: idle } = c.initProducerId('idle', 60_000, -1, -1);
    const { producerId: open } = c.initProducerId('open', 60_000, -1, -1);
    c.addPartitions('open', open, 0, [T('a', 0)]);
    w.clock += 604_800_000;
    c.abortTimedOut(); // the open one is past its timeout: aborted now, and idle from now on
    expect(c.txns.has('idle')).toBe(false);
    expect(c.txns.get('open')!.state).toBe(TxnState.CompleteAbort);
    expect(w.records).toContainEqual({ id: 'idle', value: null });
    expect(w.records.filter((r) => r.value === null)).toHaveLength(1);
    expect(w.coordinator().txns.has('idle')).toBe(false); // the tombstone wins at replay
    expect(c.initProducerId('idle', 60_000, -1, -1).producerId).not.toBe(idle);
  });

  it('moves to a new producer id when the epoch is exhausted', () => {
    const w = new World();
    const c = w.coordinator();
    const { producerId: pid } = c.initProducerId('tx', 60_000, -1, -1);
    c.txns.get('tx')!.producerEpoch = 32766;
    const next = c.initProducerId('tx', 60_000, -1, -1);
    expect(next.producerId).not.toBe(pid);
    expect(next.producerEpoch).toBe(0);
  });
});
