/**
 * Splits a TCP byte stream into Kafka request frames.
 *
 * Wire format: INT32 size (big-endian, not counting itself), then `size` bytes of request.
 * The size is checked against the limit BEFORE any buffer for the frame is allocated, so a peer
 * that declares 2 GiB (or a negative size, or sends "GET / HTTP/1.1", whose first four bytes read
 * as a 1.1 GB size) costs nothing but the connection.
 */
export class FrameTooLargeError extends Error {
  constructor(readonly declaredSize: number, readonly limit: number) {
    super(
      declaredSize < 0
        ? `negative frame size ${declaredSize}`
        : `frame of ${declaredSize} bytes exceeds the ${limit}-byte limit`,
    );
  }
}

export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Size of the frame being assembled, or -1 while its 4-byte prefix is incomplete. */
  private frameSize = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet returned as a frame (a half-sent frame, for idle checks). */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Feeds one chunk; returns the complete frames it finished (without their size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    for (;;) {
      if (this.frameSize < 0) {
        if (this.pendingBytes < 4) break;
        const size = this.peekInt32();
        if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        this.consume(4);
        this.frameSize = size;
      }
      if (this.pendingBytes < this.frameSize) break;
      frames.push(this.consume(this.frameSize));
      this.frameSize = -1;
    }
    return frames;
  }

  private peekInt32(): number {
    const first = this.pending[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.pending, Math.min(this.pendingBytes, 4));
    return head.readInt32BE(0);
  }

  /** Removes `n` bytes from the front; zero-copy when they lie within the first chunk. */
  private consume(n: number): Buffer {
    this.pendingBytes -= n;
    const first = this.pending[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.pending[0]!;
      const take = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, take);
      filled += take;
      if (take === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(take);
    }
    return out;
  }
}
