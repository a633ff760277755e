/**
 * The time index of one segment (`<base offset>.timeindex`), Kafka's format.
 *
 * Each entry is 12 bytes, big-endian:
 *
 *   int64 timestamp        the greatest batch max timestamp appended to the segment so far
 *   int32 relativeOffset   offset - segment base offset of the batch (its last offset) that
 *                          carried that timestamp
 *
 * Entries are added at the offset index's cadence, and only when the timestamp grows, so both
 * fields increase strictly. A lookup for time T gives the greatest entry with timestamp <= T:
 * every batch before that entry's offset has a max timestamp <= T, so a search for the first
 * record at or after T can start there. The file holds exactly `entries * 12` bytes.
 */
import fs from 'node:fs';
import { readInt64, writeInt64 } from './batch-header.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex {
  private timestamps = new Float64Array(64);
  private relativeOffsets = new Int32Array(64);
  private count = 0;
  private fd: number | null;

  private constructor(
    readonly path: string,
    readonly baseOffset: number,
    fd: number | null,
  ) {
    this.fd = fd;
  }

  static open(path: string, baseOffset: number, writable: boolean): TimeIndex {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    const index = new TimeIndex(path, baseOffset, fd);
    const bytes = fs.readFileSync(fd);
    const whole = bytes.length - (bytes.length % TIME_INDEX_ENTRY_SIZE);
    for (let at = 0; at < whole; at += TIME_INDEX_ENTRY_SIZE) {
      index.push(readInt64(bytes, at), bytes.readInt32BE(at + 8));
    }
    if (!writable) index.close();
    return index;
  }

  get entries(): number {
    return this.count;
  }

  get expectedFileSize(): number {
    return this.count * TIME_INDEX_ENTRY_SIZE;
  }

  entry(i: number): TimestampOffset {
    return { timestamp: this.timestamps[i]!, offset: this.baseOffset + this.relativeOffsets[i]! };
  }

  lastEntry(): TimestampOffset | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  /** Appends when `timestamp` is above the last entry's (the index only ever grows in time). */
  maybeAppend(timestamp: number, offset: number): void {
    if (this.count > 0) {
      const last = this.count - 1;
      if (timestamp <= this.timestamps[last]!) return;
      if (offset - this.baseOffset <= this.relativeOffsets[last]!) return;
    }
    if (this.fd === null) throw new Error(`time index ${this.path} is read-only`);
    const entry = Buffer.allocUnsafe(TIME_INDEX_ENTRY_SIZE);
    writeInt64(entry, 0, timestamp);
    entry.writeInt32BE(offset - this.baseOffset, 8);
    fs.writeSync(this.fd, entry, 0, TIME_INDEX_ENTRY_SIZE, this.count * TIME_INDEX_ENTRY_SIZE);
    this.push(timestamp, offset - this.baseOffset);
  }

  /** Greatest entry with timestamp <= target; the segment start when there is none. */
  lookup(target: number): TimestampOffset {
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.timestamps[mid]! <= target) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(found);
  }

  /** True when both fields increase strictly and offsets stay below `nextOffset`. */
  isConsistent(nextOffset: number): boolean {
    for (let i = 0; i < this.count; i++) {
      if (this.relativeOffsets[i]! < 0 || this.baseOffset + this.relativeOffsets[i]! >= nextOffset) return false;
      if (i > 0 && (this.timestamps[i]! <= this.timestamps[i - 1]! || this.relativeOffsets[i]! <= this.relativeOffsets[i - 1]!)) {
        return false;
      }
    }
    return true;
  }

  replaceAll(entries: TimestampOffset[]): void {
    this.count = 0;
    const bytes = Buffer.allocUnsafe(entries.length * TIME_INDEX_ENTRY_SIZE);
    entries.forEach((e, i) => {
      writeInt64(bytes, i * TIME_INDEX_ENTRY_SIZE, e.timestamp);
      bytes.writeInt32BE(e.offset - this.baseOffset, i * TIME_INDEX_ENTRY_SIZE + 8);
      this.push(e.timestamp, e.offset - this.baseOffset);
    });
    const fd = this.fd ?? fs.openSync(this.path, 'r+');
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    if (this.fd === null) fs.closeSync(fd);
  }

  /** Drops entries past the first `entries` (undoing a failed append). */
  truncateEntries(entries: number): void {
    if (entries >= this.count) return;
    this.count = entries;
    if (this.fd !== null) fs.ftruncateSync(this.fd, entries * TIME_INDEX_ENTRY_SIZE);
  }

  flush(): void {
    if (this.fd !== null) fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private push(timestamp: number, relative: number): void {
    if (this.count === this.timestamps.length) {
      const timestamps = new Float64Array(this.count * 2);
      const offsets = new Int32Array(this.count * 2);
      timestamps.set(this.timestamps);
      offsets.set(this.relativeOffsets);
      this.timestamps = timestamps;
      this.relativeOffsets = offsets;
    }
    this.timestamps[this.count] = timestamp;
    this.relativeOffsets[this.count] = relative;
    this.count++;
  }
}
