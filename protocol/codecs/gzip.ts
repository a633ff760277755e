/**
 * gzip (codec 1): the payload is a gzip stream (RFC 1952), as java.util.zip's GZIPOutputStream
 * and librdkafka write it. Node's zlib does both directions; decompression stops at the cap
 * (zlib's maxOutputLength) instead of inflating whatever the stream holds.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CodecError, describeBytes } from './codec-error.js';

/** `level` as Kafka's compression.gzip.level: 1-9, or -1 for zlib's default (6, as Java's Deflater). */
export function gzipCompress(data: Buffer, level = -1): Buffer {
  return gzipSync(data, { level });
}

export function gzipDecompress(data: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new CodecError('gzip', `decompresses to more than ${describeBytes(maxBytes)}`);
    throw new CodecError('gzip', e.message);
  }
}
