/**
 * Structure-aware mutations of a request frame (size prefix excluded): byte flips, length and count
 * fields rewritten to huge, negative, zero or off-by-one values, truncation, insertion, splicing
 * with another seed, and header rewrites (another version or API key). Deterministic for a seed.
 */
import { Writer } from '../../protocol/index.js';
import type { LengthField } from './trace.js';

/** mulberry32: small, fast, reproducible from one 32-bit seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Seed {
  frame: Buffer;
  lengths: LengthField[];
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const below = (rand: Rand, n: number) => Math.floor(rand() * n);

const INT16_VALUES = [-32768, -2, -1, 0, 1, 0x7fff, 0x4000];
const INT32_VALUES = [-2147483648, -2, -1, 0, 1, 0x7fffffff, 0x10000000, 1_000_000, 65_536];
const UVARINT_VALUES = [0, 1, 2, 0xffffffff, 0x7fffffff, 0x10000000, 1_000_000, 128];

function uvarintBytes(n: number): Buffer {
  return Buffer.concat(new Writer().uvarint(n).finish());
}

function rewriteLength(rand: Rand, frame: Buffer, f: LengthField): Buffer {
  if (f.at + f.width > frame.length) return frame;
  if (f.kind === 'uvarint') {
    const current = frame.subarray(f.at, f.at + f.width);
    // a uvarint changes width; also try one that never ends (every byte has the high bit set)
    const replacement = rand() < 0.15 ? Buffer.alloc(1 + below(rand, 7), 0xff)
      : uvarintBytes(rand() < 0.3 ? Math.min(0xffffffff, Math.max(0, decodeUvarint(current) + pick(rand, [-1, 1, 2]))) : pick(rand, UVARINT_VALUES));
    return Buffer.concat([frame.subarray(0, f.at), replacement, frame.subarray(f.at + f.width)]);
  }
  const out = Buffer.from(frame);
  if (f.kind === 'int16') {
    const cur = out.readInt16BE(f.at);
    const v = rand() < 0.3 ? cur + pick(rand, [-1, 1, 2]) : pick(rand, INT16_VALUES);
    out.writeInt16BE(Math.max(-32768, Math.min(32767, v)), f.at);
  } else {
    const cur = out.readInt32BE(f.at);
    const v = rand() < 0.3 ? cur + pick(rand, [-1, 1, 2]) : pick(rand, INT32_VALUES);
    out.writeInt32BE(Math.max(-2147483648, Math.min(2147483647, v)), f.at);
  }
  return out;
}

function decodeUvarint(b: Buffer): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) n += (b[i]! & 0x7f) * 2 ** (7 * i);
  return n;
}

/** Applies one to three mutations; `others` supplies splice partners. */
export function mutate(rand: Rand, seed: Seed, others: readonly Seed[], versionsOf: (apiKey: number) => number[]): Buffer {
  let frame = seed.frame;
  const steps = 1 + below(rand, 3);
  for (let s = 0; s < steps; s++) {
    const op = rand();
    if (op < 0.35 && seed.lengths.length > 0) {
      frame = rewriteLength(rand, frame, pick(rand, seed.lengths));
    } else if (op < 0.55 && frame.length > 0) {
      frame = Buffer.from(frame);
      for (let i = 1 + below(rand, 4); i > 0; i--) {
        const at = below(rand, frame.length);
        frame[at] = rand() < 0.5 ? frame[at]! ^ (1 << below(rand, 8)) : pick(rand, [0, 0xff, 0x7f, 0x80, 1]);
      }
    } else if (op < 0.65) {
      frame = frame.subarray(0, below(rand, frame.length + 1));
    } else if (op < 0.75) {
      const at = below(rand, frame.length + 1);
      const extra = rand() < 0.5 ? Buffer.from(Array.from({ length: 1 + below(rand, 16) }, () => below(rand, 256)))
        : frame.subarray(below(rand, frame.length + 1)).subarray(0, 64);
      frame = Buffer.concat([frame.subarray(0, at), extra, frame.subarray(at)]);
    } else if (op < 0.88 && others.length > 0) {
      const other = pick(rand, others).frame;
      frame = Buffer.concat([frame.subarray(0, below(rand, frame.length + 1)), other.subarray(below(rand, other.length + 1))]);
    } else if (frame.length >= 4) {
      frame = Buffer.from(frame);
      const apiKey = frame.readInt16BE(0);
      if (rand() < 0.8) {
        const versions = versionsOf(apiKey);
        frame.writeInt16BE(versions.length > 0 && rand() < 0.8 ? pick(rand, versions) : below(rand, 20) - 2, 2);
      } else {
        frame.writeInt16BE(pick(rand, [...API_KEYS_FOR_SWAP]), 0);
      }
    }
  }
  return frame.length > 65_536 ? frame.subarray(0, 65_536) : frame;
}

const API_KEYS_FOR_SWAP = [0, 1, 2, 3, 18, 19, 20, 22, 23, 8, 9, 10, 11, 12, 32, 60, -1, 999];
