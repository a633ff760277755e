/**
 * The most recent bytes of an active segment, kept in memory so that tailing consumers are
 * served without a read syscall and without faulting in a fresh buffer per fetch (a 1 MB
 * positional read into a new Buffer costs ~10x a copy into warm memory; see BENCHMARKS.md).
 *
 * Bytes are copied in at append time, in chunks of `chunkBytes`. A request's batches never
 * straddle two chunks; a request larger than a chunk empties the cache (it restarts after it).
 * Chunks are append-only - bytes once written are never overwritten - so a slice handed to a
 * reader stays valid, and keeps its chunk alive, after the chunk leaves the cache. At most
 * `maxChunks` chunks are kept; memory grows only as data is written.
 */
export interface TailChunk {
  /** File position of the chunk's first byte. */
  start: number;
  /** Offset of the first batch in the chunk. */
  firstOffset: number;
  buf: Buffer;
  used: number;
}

export class TailCache {
  private chunks: TailChunk[] = [];

  constructor(
    readonly chunkBytes: number,
    readonly maxChunks: number,
  ) {}

  /** Records `records` (whole batches, first offset `firstOffset`) written at `position`. */
  append(records: Buffer, position: number, firstOffset: number): void {
    if (this.maxChunks <= 0) return;
    let last: TailChunk | undefined = this.chunks[this.chunks.length - 1];
    if (records.length > this.chunkBytes || (last !== undefined && last.start + last.used !== position)) {
      this.chunks = [];
      if (records.length > this.chunkBytes) return;
      last = undefined;
    }
    if (last === undefined || last.used + records.length > last.buf.length) {
      last = { start: position, firstOffset, buf: Buffer.allocUnsafe(this.chunkBytes), used: 0 };
      this.chunks.push(last);
      if (this.chunks.length > this.maxChunks) this.chunks.shift();
    }
    records.copy(last.buf, last.used);
    last.used += records.length;
  }

  /** The chunk holding `offset`: the one with the greatest first offset <= offset. */
  chunkFor(offset: number): TailChunk | undefined {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      if (this.chunks[i]!.firstOffset <= offset) return this.chunks[i];
    }
    return undefined;
  }

  clear(): void {
    this.chunks = [];
  }
}
