import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../protocol/primitives.js';

const bytes = (...b: number[]) => Buffer.from(b);
const written = (fn: (w: Writer) => void) => { const w = new Writer(); fn(w); return Buffer.concat(w.finish()); };

describe('Writer', () => {
  it('appends raw buffers as their own chunks without copying', () => {
    const big = Buffer.alloc(10_000, 5);
    const w = new Writer().int32(1).raw(big).int16(2);
    const chunks = w.finish();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(w.length).toBe(4 + 10_000 + 2);
  });

  it('grows past the scratch size and keeps order', () => {
    const w = new Writer();
    for (let i = 0; i < 3000; i++) w.int32(i);
    const r = new Reader(Buffer.concat(w.finish()));
    for (let i = 0; i < 3000; i++) expect(r.int32()).toBe(i);
    expect(w.length).toBe(12_000);
  });

  it('writes strings and compact strings with their lengths', () => {
    expect([...written((w) => w.nullableString('ab'))]).toEqual([0, 2, 0x61, 0x62]);
    expect([...written((w) => w.nullableString(null))]).toEqual([0xff, 0xff]);
    expect([...written((w) => w.compactNullableString('ab'))]).toEqual([3, 0x61, 0x62]);
    expect([...written((w) => w.compactNullableString(null))]).toEqual([0]);
    expect([...written((w) => w.records([bytes(1), bytes(2, 3)], true))]).toEqual([4, 1, 2, 3]);
    expect([...written((w) => w.records(null, false))]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('refuses values that do not fit', () => {
    expect(() => new Writer().uvarint(-1)).toThrow();
    expect(() => new Writer().int16(70_000)).toThrow();
    expect(() => new Writer().uuid(Buffer.alloc(15))).toThrow();
  });
});
