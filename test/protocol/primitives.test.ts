import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError, Reader, Writer } from '../../protocol/primitives.js';

const bytes = (...b: number[]) => Buffer.from(b);
const written = (fn: (w: Writer) => void) => { const w = new Writer(); fn(w); return Buffer.concat(w.finish()); };

describe('Reader guards: a declared length larger than the bytes left throws before allocating', () => {
  const cases: [string, Buffer, (r: Reader) => unknown][] = [
    ['string', bytes(0x00, 0x05, 0x61, 0x62), (r) => r.string()],
    ['nullableString', bytes(0x7f, 0xff), (r) => r.nullableString()],
    ['compactString', bytes(0x06, 0x61), (r) => r.compactString()],
    ['compactNullableString', bytes(0xff, 0xff, 0xff, 0xff, 0x0f), (r) => r.compactNullableString()],
    ['bytes', bytes(0x7f, 0xff, 0xff, 0xff), (r) => r.bytes()],
    ['nullableBytes', bytes(0x00, 0x00, 0x00, 0x02, 0x01), (r) => r.nullableBytes()],
    ['compactBytes', bytes(0x03, 0x01), (r) => r.compactBytes()],
    ['compactNullableBytes', bytes(0x80, 0x80, 0x80, 0x80, 0x08), (r) => r.compactNullableBytes()],
    ['arrayLength', bytes(0x7f, 0xff, 0xff, 0xff, 0, 0), (r) => r.arrayLength()],
    ['compactArrayLength', bytes(0x80, 0x80, 0x04), (r) => r.compactArrayLength()],
    ['uuid', Buffer.alloc(15), (r) => r.uuid()],
    ['int64', Buffer.alloc(7), (r) => r.int64()],
    ['int32', Buffer.alloc(3), (r) => r.int32()],
    ['raw', Buffer.alloc(3), (r) => r.raw(4)],
    ['negative string length', bytes(0xff, 0xfe), (r) => r.nullableString()],
    ['negative bytes length', bytes(0xff, 0xff, 0xff, 0xfe), (r) => r.nullableBytes()],
    ['negative array length', bytes(0xff, 0xff, 0xff, 0xfe), (r) => r.arrayLength()],
  ];
  it.each(cases)('%s', (_name, buf, read) => {
    const r = new Reader(buf);
    expect(() => read(r)).toThrow(ProtocolDecodeError);
  });

  it('null where not nullable is a ProtocolDecodeError', () => {
    expect(() => new Reader(bytes(0xff, 0xff)).string()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0x00)).compactString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff)).bytes()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0x00)).compactBytes()).toThrow(ProtocolDecodeError);
  });

  it('rejects over-long and over-large varints', () => {
    expect(() => new Reader(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).uvarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff, 0x1f)).uvarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0x80)).uvarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.alloc(11, 0x80)).varlong()).toThrow(ProtocolDecodeError);
  });
});

describe('Reader values', () => {
  it('returns bytes as zero-copy views of the input', () => {
    const buf = bytes(0, 0, 0, 2, 7, 8);
    const b = new Reader(buf).bytes();
    buf[4] = 9;
    expect([...b]).toEqual([9, 8]);
  });

  it('reads nulls in nullable forms', () => {
    expect(new Reader(bytes(0xff, 0xff)).nullableString()).toBeNull();
    expect(new Reader(bytes(0)).compactNullableString()).toBeNull();
    expect(new Reader(bytes(0xff, 0xff, 0xff, 0xff)).nullableBytes()).toBeNull();
    expect(new Reader(bytes(0xff, 0xff, 0xff, 0xff)).arrayLength()).toBeNull();
    expect(new Reader(bytes(0)).compactArrayLength()).toBeNull();
  });

  it('reads int64 as a number, approximately beyond 2^53, without throwing', () => {
    expect(new Reader(written((w) => w.int64(-1))).int64()).toBe(-1);
    expect(new Reader(written((w) => w.int64(2 ** 53 - 1))).int64()).toBe(2 ** 53 - 1);
    expect(new Reader(written((w) => w.int64(-(2 ** 40) - 5))).int64()).toBe(-(2 ** 40) - 5);
    expect(new Reader(bytes(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).int64()).toBeCloseTo(2 ** 63, -5);
  });
});

describe('varints', () => {
  const signed = [0, 1, -1, 63, -64, 64, -65, 2 ** 31 - 1, -(2 ** 31)];
  it.each(signed)('varint %i round trips', (v) => {
    const r = new Reader(written((w) => w.varint(v)));
    expect(r.varint()).toBe(v);
    expect(r.remaining()).toBe(0);
  });
  it.each([0, 1, -1, 2 ** 31, -(2 ** 40), 2 ** 53 - 1, -(2 ** 53 - 1)])('varlong %d round trips', (v) => {
    const r = new Reader(written((w) => w.varlong(v)));
    expect(r.varlong()).toBe(v);
    expect(r.remaining()).toBe(0);
  });
  it('matches the zigzag wire form', () => {
    expect([...written((w) => w.varint(-1))]).toEqual([0x01]);
    expect([...written((w) => w.varint(1))]).toEqual([0x02]);
    expect([...written((w) => w.varint(-65))]).toEqual([0x81, 0x01]);
    expect([...written((w) => w.uvarint(300))]).toEqual([0xac, 0x02]);
    expect([...written((w) => w.uvarint(0xffffffff))]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(new Reader(bytes(0xff, 0xff, 0xff, 0xff, 0x0f)).uvarint()).toBe(0xffffffff);
  });
});
