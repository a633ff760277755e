import { describe, expect, it } from 'vitest';
import { FrameReader, FrameTooLargeError } from '../../src/server/frame-reader.js';

const frame = (payload: string) => {
  const body = Buffer.from(payload);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
};

describe('FrameReader', () => {
  it('splits frames delivered in arbitrary pieces, byte by byte included', () => {
    const stream = Buffer.concat([frame('hello'), frame(''), frame('kafka frames')]);
    for (const step of [1, 2, 3, 5, 7, stream.length]) {
      const reader = new FrameReader(1024);
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += step) out.push(...reader.push(stream.subarray(i, i + step)).map(String));
      expect(out).toEqual(['hello', '', 'kafka frames']);
      expect(reader.bufferedBytes).toBe(0);
    }
  });

  it('rejects a declared size above the limit or below zero before buffering the body', () => {
    const reader = new FrameReader(100);
    const big = Buffer.alloc(4);
    big.writeInt32BE(101);
    expect(() => reader.push(big)).toThrow(FrameTooLargeError);
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-5);
    expect(() => new FrameReader(100).push(negative)).toThrow(/negative/);
  });

  it('reads an HTTP request line as an oversized frame', () => {
    expect(() => new FrameReader(100 * 1024 * 1024).push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(FrameTooLargeError);
  });

  it('returns a frame inside one chunk as a view, without copying', () => {
    const chunk = frame('zero-copy');
    const [out] = new FrameReader(1024).push(chunk);
    expect(out!.buffer).toBe(chunk.buffer);
  });
});
