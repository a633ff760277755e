/**
 * The offset index of one segment (`<base offset>.index`), Kafka's format so kafka-dump-log
 * reads it.
 *
 * A sparse map from offsets to byte positions in the segment's .log file. Each entry is
 * 8 bytes, big-endian:
 *
 *   int32 relativeOffset   offset - segment base offset (the LAST offset of the indexed batch)
 *   int32 position         byte position of that batch in the .log file
 *
 * Entries are strictly increasing in both fields. One entry is added each time more than
 * index.interval.bytes were appended since the previous entry, so finding the batch holding an
 * offset is a binary search here followed by a short scan of batch headers in the .log.
 * The file holds exactly `entries * 8` bytes (Kafka preallocates and trims on close; we append).
 *
 * The entries live in memory as typed arrays; the file is written as entries are added.
 */
import fs from 'node:fs';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex {
  private relativeOffsets = new Int32Array(64);
  private positions = new Int32Array(64);
  private count = 0;
  private fd: number | null;

  private constructor(
    readonly path: string,
    readonly baseOffset: number,
    fd: number | null,
  ) {
    this.fd = fd;
  }

  /** Opens (creating if absent) and loads the file; `writable` keeps it open for appends. */
  static open(path: string, baseOffset: number, writable: boolean): OffsetIndex {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    const index = new OffsetIndex(path, baseOffset, fd);
    const bytes = fs.readFileSync(fd);
    const whole = bytes.length - (bytes.length % OFFSET_INDEX_ENTRY_SIZE);
    for (let at = 0; at < whole; at += OFFSET_INDEX_ENTRY_SIZE) {
      index.push(bytes.readInt32BE(at), bytes.readInt32BE(at + 4));
    }
    if (!writable) index.close();
    return index;
  }

  get entries(): number {
    return this.count;
  }

  /** Size the file should have; a different size on disk means a torn or foreign file. */
  get expectedFileSize(): number {
    return this.count * OFFSET_INDEX_ENTRY_SIZE;
  }

  entry(i: number): OffsetPosition {
    return { offset: this.baseOffset + this.relativeOffsets[i]!, position: this.positions[i]! };
  }

  lastEntry(): OffsetPosition | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  append(offset: number, position: number): void {
    const relative = offset - this.baseOffset;
    if (this.count > 0 && relative <= this.relativeOffsets[this.count - 1]!) {
      throw new Error(`index entry ${offset} not above the last one in ${this.path}`);
    }
    const entry = Buffer.allocUnsafe(OFFSET_INDEX_ENTRY_SIZE);
    entry.writeInt32BE(relative, 0);
    entry.writeInt32BE(position, 4);
    if (this.fd === null) throw new Error(`index ${this.path} is read-only`);
    fs.writeSync(this.fd, entry, 0, OFFSET_INDEX_ENTRY_SIZE, this.count * OFFSET_INDEX_ENTRY_SIZE);
    this.push(relative, position);
  }

  /** Greatest entry whose offset is <= target; the segment start when there is none. */
  lookup(target: number): OffsetPosition {
    const found = this.search(target);
    return found < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(found);
  }

  /** lookup(target).position without allocating (the read path). */
  lookupPosition(target: number): number {
    const found = this.search(target);
    return found < 0 ? 0 : this.positions[found]!;
  }

  /** Greatest indexed batch position <= target (positions increase too), or -1. */
  floorPosition(target: number): number {
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.positions[mid]! <= target) {
        found = this.positions[mid]!;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** Offset of the first entry at or past `target`, or -1 (bounds a fetch's aborted list, as Kafka's fetchUpperBoundOffset). */
  firstOffsetAtOrAfter(target: number): number {
    const next = this.search(target - 1) + 1;
    return next < this.count ? this.baseOffset + this.relativeOffsets[next]! : -1;
  }

  /** Index of the greatest entry with offset <= target, or -1. */
  private search(target: number): number {
    const relative = target - this.baseOffset;
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.relativeOffsets[mid]! <= relative) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** True when entries increase strictly and every position lies inside a log of `logSize`. */
  isConsistent(logSize: number): boolean {
    for (let i = 0; i < this.count; i++) {
      const position = this.positions[i]!;
      if (this.relativeOffsets[i]! < 0 || position < 0 || position >= logSize) return false;
      if (i > 0 && (this.relativeOffsets[i]! <= this.relativeOffsets[i - 1]! || position <= this.positions[i - 1]!)) {
        return false;
      }
    }
    return true;
  }

  /** Replaces every entry (index rebuild) and rewrites the file in one write. */
  replaceAll(entries: OffsetPosition[]): void {
    this.count = 0;
    const bytes = Buffer.allocUnsafe(entries.length * OFFSET_INDEX_ENTRY_SIZE);
    entries.forEach((e, i) => {
      bytes.writeInt32BE(e.offset - this.baseOffset, i * OFFSET_INDEX_ENTRY_SIZE);
      bytes.writeInt32BE(e.position, i * OFFSET_INDEX_ENTRY_SIZE + 4);
      this.push(e.offset - this.baseOffset, e.position);
    });
    this.rewriteFile(bytes);
  }

  /** Drops entries past the first `entries` (undoing a failed append). */
  truncateEntries(entries: number): void {
    if (entries >= this.count) return;
    this.count = entries;
    if (this.fd !== null) fs.ftruncateSync(this.fd, entries * OFFSET_INDEX_ENTRY_SIZE);
  }

  flush(): void {
    if (this.fd !== null) fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private rewriteFile(bytes: Buffer): void {
    const fd = this.fd ?? fs.openSync(this.path, 'r+');
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    if (this.fd === null) fs.closeSync(fd);
  }

  private push(relative: number, position: number): void {
    if (this.count === this.relativeOffsets.length) {
      const offsets = new Int32Array(this.count * 2);
      const positions = new Int32Array(this.count * 2);
      offsets.set(this.relativeOffsets);
      positions.set(this.positions);
      this.relativeOffsets = offsets;
      this.positions = positions;
    }
    this.relativeOffsets[this.count] = relative;
    this.positions[this.count] = position;
    this.count++;
  }
}
