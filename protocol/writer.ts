/*
 * Writer: builds a message as a list of Buffers (the encoding side of primitives.ts, which
 * describes the wire forms). Small fields go into a growing scratch buffer; record data and
 * other large byte fields are appended as their own chunks, never copied, so a Fetch
 * response can point straight at the log's slices.
 */

const TWO_POW_32 = 0x1_0000_0000;
/**
 * Under half of Node's 8 KiB buffer pool, so a scratch buffer is a slice of the pool rather than
 * an ArrayBuffer of its own: at 4096 every Writer (one per response encoded, one per record
 * batch built) paid a fresh allocation, about 1.2-1.5 us more per small message in a
 * microbenchmark. A larger message just spans more scratch chunks.
 */
const SCRATCH_SIZE = 1024;

/**
 * Builds a message as a list of Buffers. Small fields go into a scratch buffer; `raw()`
 * appends a caller's Buffer as its own chunk without copying (record data is never copied).
 */
export class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch: Buffer = Buffer.allocUnsafe(0);
  private start = 0;
  private pos = 0;
  private flushed = 0;

  /** Total bytes written so far. */
  get length(): number {
    return this.flushed + (this.pos - this.start);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.scratch.length) return;
    this.flushScratch();
    this.scratch = Buffer.allocUnsafe(Math.max(SCRATCH_SIZE, n));
    this.start = 0;
    this.pos = 0;
  }

  private flushScratch(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.scratch.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  int8(v: number): this { this.ensure(1); this.pos = this.scratch.writeInt8(v, this.pos); return this; }
  int16(v: number): this { this.ensure(2); this.pos = this.scratch.writeInt16BE(v, this.pos); return this; }
  int32(v: number): this { this.ensure(4); this.pos = this.scratch.writeInt32BE(v, this.pos); return this; }
  uint16(v: number): this { this.ensure(2); this.pos = this.scratch.writeUInt16BE(v, this.pos); return this; }
  uint32(v: number): this { this.ensure(4); this.pos = this.scratch.writeUInt32BE(v, this.pos); return this; }
  float64(v: number): this { this.ensure(8); this.pos = this.scratch.writeDoubleBE(v, this.pos); return this; }
  bool(v: boolean): this { return this.int8(v ? 1 : 0); }

  /** int64 from a JS number (exact within +/-2^53). */
  int64(v: number): this {
    const hi = Math.floor(v / TWO_POW_32);
    this.ensure(8);
    this.pos = this.scratch.writeInt32BE(hi, this.pos);
    this.pos = this.scratch.writeUInt32BE(Math.trunc(v - hi * TWO_POW_32), this.pos);
    return this;
  }

  uuid(v: Buffer): this {
    if (v.length !== 16) throw new Error(`uuid must be 16 bytes, got ${v.length}`);
    return this.copy(v);
  }

  uvarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new Error(`uvarint out of range: ${v}`);
    this.ensure(5);
    while (v >= 0x80) {
      this.scratch[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.scratch[this.pos++] = v;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  varlong(v: number): this {
    const n = BigInt(Math.trunc(v));
    let u = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.scratch[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.scratch[this.pos++] = Number(u);
    return this;
  }

  /** Copies small bytes into the scratch buffer. */
  copy(b: Buffer): this {
    this.ensure(b.length);
    this.pos += b.copy(this.scratch, this.pos);
    return this;
  }

  /** Appends b as its own chunk, without copying. */
  raw(b: Buffer): this {
    if (b.length === 0) return this;
    this.flushScratch();
    this.chunks.push(b);
    this.flushed += b.length;
    return this;
  }

  /** Appends everything another writer produced (its chunks are not copied). */
  append(other: Writer): this {
    for (const chunk of other.finish()) this.raw(chunk);
    return this;
  }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v, 'utf8');
    if (n > 0x7fff) throw new Error(`string too long for INT16 length: ${n} bytes`);
    this.int16(n);
    this.ensure(n);
    this.pos += this.scratch.write(v, this.pos, 'utf8');
    return this;
  }

  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const n = Buffer.byteLength(v, 'utf8');
    this.uvarint(n + 1);
    this.ensure(n);
    this.pos += this.scratch.write(v, this.pos, 'utf8');
    return this;
  }

  /** Bytes of up to this size are copied into the scratch buffer; larger ones are chunks. */
  private bytesBody(v: Buffer): this {
    return v.length <= 256 ? this.copy(v) : this.raw(v);
  }

  nullableBytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    return this.bytesBody(v);
  }

  compactNullableBytes(v: Buffer | null): this {
    if (v === null) return this.uvarint(0);
    this.uvarint(v.length + 1);
    return this.bytesBody(v);
  }

  /** Record data: a Buffer or a list of slices written back to back, never copied. */
  records(v: Buffer | readonly Buffer[] | null, compact: boolean): this {
    if (v === null) return compact ? this.uvarint(0) : this.int32(-1);
    const parts: readonly Buffer[] = Buffer.isBuffer(v) ? [v] : v;
    let total = 0;
    for (const p of parts) total += p.length;
    if (compact) this.uvarint(total + 1);
    else this.int32(total);
    for (const p of parts) this.raw(p);
    return this;
  }

  arrayLength(n: number | null): this {
    return this.int32(n === null ? -1 : n);
  }

  compactArrayLength(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1);
  }

  /** The chunks written so far; the writer stays usable (later writes start a new chunk). */
  finish(): Buffer[] {
    this.flushScratch();
    return this.chunks.slice();
  }
}
