/**
 * The most recent bytes of an active segment, kept in memory so that tailing consumers are
 * served without a read syscall and without faulting in a fresh buffer per fetch (a 1 MB
 * positional read into a new Buffer costs ~10x a copy into warm memory; see BENCHMARKS.md).
 *
 * Bytes are copied in at append time, in chunks of `chunkBytes`. A request's batches never
 * straddle two chunks; a request larger than a chunk empties the cache (it restarts after it).
 * Chunks are append-only - bytes once written are never overwritten - so a slice handed to a
 * reader stays valid, and keeps its chunk alive, after the chunk leaves the cache. At most
 * `maxChunks` chunks are kept per partition.
 *
 * All partitions of a broker share one TailBudget: the bytes of every cached chunk together
 * stay under it. Without it, every partition ever written would keep its last few MiB forever
 * (a benchmark that wrote to 108 partitions held 430 MiB of tails). When a new chunk does not
 * fit, the oldest chunks broker-wide are dropped first; a read of a dropped range simply falls
 * back to positional reads of the file (segment-read.ts), so eviction never loses data.
 */
export interface TailChunk {
  /** File position of the chunk's first byte. */
  start: number;
  /** Offset of the first batch in the chunk. */
  firstOffset: number;
  buf: Buffer;
  used: number;
}

/**
 * A chunk as the budget tracks it: who holds it and how many bytes it counts for. `chunk` is
 * null once released, so that an entry waiting in the budget's list keeps no buffer alive.
 */
interface Held {
  chunk: TailChunk | null;
  owner: TailCache;
  bytes: number;
}

/** The bytes all tails of a broker may hold together; the oldest chunks give way first. */
export class TailBudget {
  private used = 0;
  private liveCount = 0;
  /** Chunks in allocation order; released ones stay until compacted or popped. */
  private order: Held[] = [];

  constructor(readonly limitBytes: number) {}

  /** Bytes held by cached chunks now. */
  get usedBytes(): number {
    return this.used;
  }

  /** Room for `bytes` more, made by evicting the oldest chunks; false when it cannot fit at all. */
  reserve(bytes: number): boolean {
    if (bytes > this.limitBytes) return false;
    while (this.used + bytes > this.limitBytes) {
      const oldest = this.order.shift();
      if (oldest === undefined) return false;
      if (oldest.chunk !== null) oldest.owner.evict(oldest.chunk);
    }
    return true;
  }

  /** Counts `chunk` (after reserve) as held by `owner`. */
  hold(chunk: TailChunk, owner: TailCache): Held {
    const held: Held = { chunk, owner, bytes: chunk.buf.length };
    this.order.push(held);
    this.used += held.bytes;
    this.liveCount++;
    return held;
  }

  /** `held` left its cache: its bytes no longer count. */
  release(held: Held): void {
    if (held.chunk === null) return;
    held.chunk = null;
    this.used -= held.bytes;
    this.liveCount--;
    // Released entries are dropped lazily; keep the list proportional to what is live.
    if (this.order.length > 2 * this.liveCount + 64) this.order = this.order.filter((h) => h.chunk !== null);
  }
}

/** A tail without a shared budget (tests, tools) gets one of exactly its own maximum. */
const ownBudget = (bytes: number) => new TailBudget(bytes);

export class TailCache {
  private chunks: TailChunk[] = [];
  private held = new Map<TailChunk, Held>();
  private readonly budget: TailBudget;

  constructor(
    readonly chunkBytes: number,
    readonly maxChunks: number,
    budget?: TailBudget,
  ) {
    this.budget = budget ?? ownBudget(chunkBytes * Math.max(maxChunks, 0));
  }

  /** Records `records` (whole batches, first offset `firstOffset`) written at `position`. */
  append(records: Buffer, position: number, firstOffset: number): void {
    if (this.maxChunks <= 0) return;
    let last: TailChunk | undefined = this.chunks[this.chunks.length - 1];
    if (records.length > this.chunkBytes || (last !== undefined && last.start + last.used !== position)) {
      this.clear();
      if (records.length > this.chunkBytes) return;
      last = undefined;
    }
    if (last === undefined || last.used + records.length > last.buf.length) {
      if (this.chunks.length >= this.maxChunks) this.evict(this.chunks[0]!);
      if (!this.budget.reserve(this.chunkBytes)) {
        this.clear(); // no room at all: this tail restarts at a later append
        return;
      }
      last = { start: position, firstOffset, buf: Buffer.allocUnsafe(this.chunkBytes), used: 0 };
      this.chunks.push(last);
      this.held.set(last, this.budget.hold(last, this));
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

  /** Bytes this tail holds. */
  get bytes(): number {
    return this.chunks.length * this.chunkBytes;
  }

  clear(): void {
    for (const chunk of this.chunks) this.budget.release(this.held.get(chunk)!);
    this.chunks = [];
    this.held.clear();
  }

  /**
   * Takes `chunk` out (the tail's oldest, for maxChunks or for the budget). The chunks after it
   * stay: a read below them misses and goes to the file, never to a wrong chunk.
   */
  evict(chunk: TailChunk): void {
    const i = this.chunks.indexOf(chunk);
    if (i < 0) return;
    this.chunks.splice(i, 1);
    this.budget.release(this.held.get(chunk)!);
    this.held.delete(chunk);
  }
}
