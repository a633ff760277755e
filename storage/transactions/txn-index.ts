/**
 * The aborted-transaction index of one segment: `<base offset>.txnindex`, Kafka's
 * TransactionIndex format, so kafka-dump-log reads it.
 *
 * A flat file of 34-byte entries, big-endian, in the order the aborts were written:
 *   0   int16  version (0)
 *   2   int64  producerId
 *   10  int64  firstOffset       first offset of the aborted transaction on this partition
 *   18  int64  lastOffset        offset of its ABORT marker (which lies in this segment)
 *   26  int64  lastStableOffset  the partition's LSO just after the marker was written
 *
 * The file is created at the first abort written into the segment (most segments have none).
 * Entries are kept in memory too (a fetch must not read files to answer its aborted list).
 * A trailing partial entry (a crash mid-write) is cut off at open; recovery rebuilds the index
 * of every segment it rescans from the markers in the .log (recovery.ts, log-transactions.ts).
 */
import fs from 'node:fs';
import { readInt64, writeInt64 } from '../batch-header.js';

export const TXN_INDEX_ENTRY_SIZE = 34;
const VERSION = 0;

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export function encodeTxnEntry(entry: AbortedTxn): Buffer {
  const out = Buffer.alloc(TXN_INDEX_ENTRY_SIZE);
  out.writeInt16BE(VERSION, 0);
  writeInt64(out, 2, entry.producerId);
  writeInt64(out, 10, entry.firstOffset);
  writeInt64(out, 18, entry.lastOffset);
  writeInt64(out, 26, entry.lastStableOffset);
  return out;
}

export function decodeTxnEntries(bytes: Buffer): AbortedTxn[] {
  const entries: AbortedTxn[] = [];
  for (let at = 0; at + TXN_INDEX_ENTRY_SIZE <= bytes.length; at += TXN_INDEX_ENTRY_SIZE) {
    const version = bytes.readInt16BE(at);
    if (version !== VERSION) throw new Error(`transaction index entry ${at / TXN_INDEX_ENTRY_SIZE} has version ${version}`);
    entries.push({ producerId: readInt64(bytes, at + 2), firstOffset: readInt64(bytes, at + 10), lastOffset: readInt64(bytes, at + 18), lastStableOffset: readInt64(bytes, at + 26) });
  }
  return entries;
}

export class TxnIndex {
  private list: AbortedTxn[];
  private fd: number | null = null;

  private constructor(readonly path: string, entries: AbortedTxn[]) {
    this.list = entries;
  }

  /** Reads the file if there is one; a partial last entry is cut off, an unreadable file emptied. */
  static open(path: string): TxnIndex {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch {
      return new TxnIndex(path, []);
    }
    let entries: AbortedTxn[];
    try {
      entries = decodeTxnEntries(bytes);
    } catch {
      entries = [];
    }
    const index = new TxnIndex(path, entries);
    if (bytes.length !== entries.length * TXN_INDEX_ENTRY_SIZE) index.replaceAll(entries);
    return index;
  }

  get entries(): readonly AbortedTxn[] {
    return this.list;
  }

  get exists(): boolean {
    return this.fd !== null || fs.existsSync(this.path);
  }

  append(entry: AbortedTxn): void {
    const fd = this.openFile();
    fs.writeSync(fd, encodeTxnEntry(entry), 0, TXN_INDEX_ENTRY_SIZE, this.list.length * TXN_INDEX_ENTRY_SIZE);
    this.list.push(entry);
  }

  /** Rewrites the file with exactly `entries` (recovery); removes it when there are none. */
  replaceAll(entries: AbortedTxn[]): void {
    this.closeFile();
    this.list = [...entries];
    if (entries.length === 0) {
      fs.rmSync(this.path, { force: true });
      return;
    }
    fs.writeFileSync(this.path, Buffer.concat(entries.map(encodeTxnEntry)));
  }

  /**
   * Aborted transactions that overlap [fromOffset, upperBoundOffset): their marker is at or
   * after fromOffset and they began before the bound. `complete` is true once an entry's LSO
   * reached the bound: no later segment can hold an abort that began below it.
   */
  collect(fromOffset: number, upperBoundOffset: number, into: AbortedTxn[]): boolean {
    for (const entry of this.list) {
      if (entry.lastOffset >= fromOffset && entry.firstOffset < upperBoundOffset) into.push(entry);
      if (entry.lastStableOffset >= upperBoundOffset) return true;
    }
    return false;
  }

  flush(): void {
    if (this.fd !== null) fs.fdatasyncSync(this.fd);
  }

  close(): void {
    this.closeFile();
  }

  private openFile(): number {
    this.fd ??= fs.openSync(this.path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    return this.fd;
  }

  private closeFile(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
