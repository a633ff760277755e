/**
 * Kafka's record-batch compression codecs. Bits 0-2 of a v2 batch's attributes name the codec;
 * with one, everything after the batch's records count is a single compressed payload:
 *
 *   0 none     the records as they are
 *   1 gzip     a gzip stream                                  gzip.ts
 *   2 snappy   snappy-java's xerial framing, or a raw block   snappy.ts
 *   3 lz4      one LZ4 frame, independent blocks              lz4.ts
 *   4 zstd     Zstandard frames                               zstd.ts
 *   5-7        not assigned; Kafka refuses them
 *
 * The broker never decompresses on produce or fetch; the log cleaner (which rewrites a batch
 * with the codec it had, as Kafka does) and the console's message browser do, through here.
 * Every decompression takes a cap: a payload that would grow past it fails with CodecError
 * before more than the cap is allocated, so a small batch cannot balloon the heap.
 */
import { CodecError } from './codec-error.js';
import { gzipCompress, gzipDecompress } from './gzip.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

export { CodecError } from './codec-error.js';

export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

/** What the cleaner allows one batch to decompress to (Kafka's batches are ~1 MiB compressed). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

interface Codec {
  /** `level` where the library takes one (gzip, zstd); snappy has none, lz4-napi offers none. */
  compress(data: Buffer, level?: number): Buffer;
  decompress(data: Buffer, maxBytes: number): Buffer;
}

const CODECS: Record<number, Codec> = {
  1: { compress: gzipCompress, decompress: gzipDecompress },
  2: { compress: (data) => snappyCompress(data), decompress: snappyDecompress },
  3: { compress: (data) => lz4Compress(data), decompress: lz4Decompress },
  4: { compress: zstdCompress, decompress: zstdDecompress },
};

export function codecName(id: number): string {
  return CODEC_NAMES[id] ?? `unknown codec ${id}`;
}

export function codecId(name: CodecName): number {
  return CODEC_NAMES.indexOf(name);
}

function codecOf(id: number): Codec | null {
  if (id === 0) return null;
  const codec = CODECS[id];
  if (codec === undefined) throw new CodecError(codecName(id), 'no such compression codec');
  return codec;
}

/** `data` compressed with codec `id` (0: `data` itself), at `level` where the codec takes one. */
export function compressPayload(id: number, data: Buffer, level?: number): Buffer {
  return codecOf(id)?.compress(data, level) ?? data;
}

/** `payload` decompressed with codec `id` (0: itself); CodecError when corrupt or over `maxBytes`. */
export function decompressPayload(id: number, payload: Buffer, maxBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer {
  const codec = codecOf(id);
  if (codec === null) {
    if (payload.length > maxBytes) throw new CodecError('none', `payload larger than the cap of ${maxBytes} bytes`);
    return payload;
  }
  return codec.decompress(payload, maxBytes);
}
