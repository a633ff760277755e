import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTxnEntries, encodeTxnEntry, TXN_INDEX_ENTRY_SIZE, TxnIndex, type AbortedTxn } from '../../../storage/transactions/txn-index.js';
import { tempDirForTest } from '../helpers.js';

const big: AbortedTxn = { producerId: 2 ** 40 + 7, firstOffset: 2 ** 33 + 1, lastOffset: 2 ** 33 + 90, lastStableOffset: 2 ** 33 + 91 };

describe('.txnindex (Kafka\'s TransactionIndex format)', () => {
  it('is 34-byte entries: version 0, producer id, first, last and last stable offset, big-endian', () => {
    const bytes = encodeTxnEntry(big);
    expect(bytes.length).toBe(TXN_INDEX_ENTRY_SIZE);
    expect(bytes.readInt16BE(0)).toBe(0);
    expect(bytes.readBigInt64BE(2)).toBe(BigInt(big.producerId));
    expect(bytes.readBigInt64BE(10)).toBe(BigInt(big.firstOffset));
    expect(bytes.readBigInt64BE(18)).toBe(BigInt(big.lastOffset));
    expect(bytes.readBigInt64BE(26)).toBe(BigInt(big.lastStableOffset));
    expect(decodeTxnEntries(Buffer.concat([bytes, bytes]))).toEqual([big, big]);
  });

  it('round-trips through the file, is created at the first entry, and cuts a partial last entry at open', () => {
    const file = path.join(tempDirForTest('brooklet-txnindex-'), '00000000000000000000.txnindex');
    const index = TxnIndex.open(file);
    expect(fs.existsSync(file)).toBe(false);
    const entries = [{ producerId: 1, firstOffset: 0, lastOffset: 4, lastStableOffset: 2 }, big];
    for (const e of entries) index.append(e);
    index.close();
    expect(fs.statSync(file).size).toBe(2 * TXN_INDEX_ENTRY_SIZE);
    expect(TxnIndex.open(file).entries).toEqual(entries);
    fs.appendFileSync(file, Buffer.alloc(20, 0xee)); // a crash mid-write
    const reopened = TxnIndex.open(file);
    expect(reopened.entries).toEqual(entries);
    expect(fs.statSync(file).size).toBe(2 * TXN_INDEX_ENTRY_SIZE);
    reopened.replaceAll([]);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('collects overlapping aborts and says when no later segment can add one', () => {
    const index = TxnIndex.open(path.join(tempDirForTest('brooklet-txnindex-'), 'x.txnindex'));
    index.append({ producerId: 1, firstOffset: 0, lastOffset: 10, lastStableOffset: 5 });
    index.append({ producerId: 2, firstOffset: 5, lastOffset: 12, lastStableOffset: 13 });
    index.append({ producerId: 3, firstOffset: 20, lastOffset: 30, lastStableOffset: 31 });
    const found: AbortedTxn[] = [];
    expect(index.collect(11, 15, found)).toBe(true); // producer 3's LSO 31 is past the bound
    expect(found.map((e) => e.producerId)).toEqual([2]);
    const open: AbortedTxn[] = [];
    expect(index.collect(11, 40, open)).toBe(false); // no LSO reached 40: later segments are asked too
    expect(open.map((e) => e.producerId)).toEqual([2, 3]);
    const bounded: AbortedTxn[] = [];
    expect(index.collect(0, 13, bounded)).toBe(true); // producer 2's LSO 13 closes the search
    expect(bounded.map((e) => e.producerId)).toEqual([1, 2]);
    index.close();
  });
});
