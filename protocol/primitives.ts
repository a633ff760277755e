/*
 * Kafka wire primitives (all big-endian).
 *
 *   int8/int16/int32/int64, uint16/uint32, float64  fixed width
 *   bool        int8, 0 = false, anything else = true
 *   uuid        16 raw bytes (kept as a 16-byte Buffer)
 *   varint      zigzag-encoded signed 32-bit, 7 bits per byte, low group first
 *   varlong     zigzag-encoded signed 64-bit (kept as a JS number)
 *   uvarint     unsigned 32-bit, 7 bits per byte
 *   string      INT16 length N then N UTF-8 bytes; -1 = null (nullable form only)
 *   bytes       INT32 length N then N bytes; -1 = null (nullable form only)
 *   compact*    UVARINT N+1 then N bytes; 0 = null (flexible versions)
 *   array       INT32 count (-1 = null); compact array: UVARINT count+1 (0 = null)
 *
 * Every declared length or count is checked against the bytes left BEFORE anything is
 * sliced or allocated (the class of bug behind CVE-2022-34917). Byte fields come back as
 * zero-copy `subarray` views of the input frame. The only error the Reader throws is
 * ProtocolDecodeError, so a connection can tell a malformed peer from a bug.
 */

export class ProtocolDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolDecodeError';
  }
}

const TWO_POW_32 = 0x1_0000_0000;

export class Reader {
  readonly buf: Buffer;
  offset: number;

  constructor(buf: Buffer, offset = 0) {
    this.buf = buf;
    this.offset = offset;
  }

  remaining(): number {
    return this.buf.length - this.offset;
  }

  /** Advances past n bytes after checking they exist; returns the old offset. */
  private take(n: number, what: string): number {
    if (n < 0 || n > this.buf.length - this.offset) {
      throw new ProtocolDecodeError(
        `${what}: need ${n} bytes at offset ${this.offset}, only ${this.remaining()} left`,
      );
    }
    const at = this.offset;
    this.offset = at + n;
    return at;
  }

  int8(): number { return this.buf.readInt8(this.take(1, 'int8')); }
  int16(): number { return this.buf.readInt16BE(this.take(2, 'int16')); }
  int32(): number { return this.buf.readInt32BE(this.take(4, 'int32')); }
  uint16(): number { return this.buf.readUInt16BE(this.take(2, 'uint16')); }
  uint32(): number { return this.buf.readUInt32BE(this.take(4, 'uint32')); }
  float64(): number { return this.buf.readDoubleBE(this.take(8, 'float64')); }
  bool(): boolean { return this.buf[this.take(1, 'bool')] !== 0; }

  /** int64 as a JS number: exact up to 2^53, approximate beyond, never throws for range. */
  int64(): number {
    const at = this.take(8, 'int64');
    return this.buf.readInt32BE(at) * TWO_POW_32 + this.buf.readUInt32BE(at + 4);
  }

  uuid(): Buffer {
    const at = this.take(16, 'uuid');
    return this.buf.subarray(at, at + 16);
  }

  /** Unsigned varint of at most 5 bytes (32 bits). */
  uvarint(): number {
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.take(1, 'uvarint')]!;
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (result > 0xffff_ffff) throw new ProtocolDecodeError('uvarint larger than 32 bits');
        return result;
      }
    }
    throw new ProtocolDecodeError('uvarint longer than 5 bytes');
  }

  /** Zigzag signed varint (32-bit). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zigzag signed varlong (64-bit), as a JS number (BigInt inside: exact up to 2^53). */
  varlong(): number {
    let result = 0n;
    for (let i = 0n; i < 10n; i++) {
      const b = this.buf[this.take(1, 'varlong')]!;
      result |= BigInt(b & 0x7f) << (7n * i);
      if ((b & 0x80) === 0) return Number((result >> 1n) ^ -(result & 1n));
    }
    throw new ProtocolDecodeError('varlong longer than 10 bytes');
  }

  /** n raw bytes as a zero-copy view. */
  raw(n: number, what = 'bytes'): Buffer {
    const at = this.take(n, what);
    return this.buf.subarray(at, at + n);
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolDecodeError('null in a non-nullable string');
    return s;
  }

  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < -1) throw new ProtocolDecodeError(`negative string length ${n}`);
    const at = this.take(n, 'string');
    return this.buf.toString('utf8', at, at + n);
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new ProtocolDecodeError('null in a non-nullable compact string');
    return s;
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.take(n - 1, 'compact string');
    return this.buf.toString('utf8', at, at + n - 1);
  }

  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw new ProtocolDecodeError('null in non-nullable bytes');
    return b;
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < -1) throw new ProtocolDecodeError(`negative bytes length ${n}`);
    return this.raw(n, 'bytes');
  }

  compactBytes(): Buffer {
    const b = this.compactNullableBytes();
    if (b === null) throw new ProtocolDecodeError('null in non-nullable compact bytes');
    return b;
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1, 'compact bytes');
  }

  /**
   * INT32 array count; -1 = null. Every element takes at least one byte, so a count larger
   * than the bytes left is rejected before any array is allocated (as Kafka's own code does).
   */
  arrayLength(): number | null {
    const n = this.int32();
    if (n === -1) return null;
    return this.checkCount(n);
  }

  /** UVARINT count+1; 0 = null. */
  compactArrayLength(): number | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.checkCount(n - 1);
  }

  private checkCount(n: number): number {
    if (n < 0) throw new ProtocolDecodeError(`negative array length ${n}`);
    if (n > this.remaining()) {
      throw new ProtocolDecodeError(`array of ${n} elements but only ${this.remaining()} bytes left`);
    }
    return n;
  }

  skip(n: number): void {
    this.take(n, 'skip');
  }
}

// The encoding side lives in writer.ts; re-exported so both halves come from one module.
export { Writer } from './writer.js';
