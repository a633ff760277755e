/**
 * snappy (codec 2). Kafka's Java client writes the payload through snappy-java's
 * SnappyOutputStream, the "xerial" framing:
 *
 *   header   8 bytes magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00,
 *            int32 BE version (1), int32 BE compatible version (1)
 *   chunks   int32 BE length, then that many bytes: one raw snappy block holding at most 32 KiB
 *            of input; a chunk position may instead hold another header (streams concatenated)
 *
 * Kafka reads it with SnappyInputStream, which also accepts a payload without the magic as one
 * raw snappy block (a varint of the uncompressed length, then the block), as some non-Java
 * clients send; both are accepted here. Compression writes the xerial framing, as Kafka does.
 * The blocks themselves are the `snappy` package's (Rust's snap, through napi-rs).
 *
 * A raw block states its uncompressed length up front: it is checked against the cap before the
 * library allocates anything.
 */
import { CodecError, describeBytes } from './codec-error.js';
import { codecLibrary } from './native-library.js';

interface SnappyLibrary {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, options: { asBuffer: true }): Buffer;
}

const snappy = codecLibrary<SnappyLibrary>('snappy', 'snappy', (m) => typeof m.compressSync === 'function' && typeof m.uncompressSync === 'function');

const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
/** snappy-java's default block size, which Kafka's producer uses. */
const CHUNK_SIZE = 32 * 1024;

function isHeaderAt(data: Buffer, pos: number): boolean {
  return data.length - pos >= HEADER_SIZE && data.compare(MAGIC, 0, MAGIC.length, pos, pos + MAGIC.length) === 0;
}

export function snappyCompress(data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_VERSION, 12);
  const parts: Buffer[] = [header];
  for (let at = 0; at < data.length; at += CHUNK_SIZE) {
    const block = snappy().compressSync(data.subarray(at, Math.min(at + CHUNK_SIZE, data.length)));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** The uncompressed length a raw block declares (its leading varint, at most 32 bits). */
function declaredLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  throw new CodecError('snappy', 'block length preamble is malformed');
}

function rawBlock(block: Buffer, budget: number, maxBytes: number): Buffer {
  if (declaredLength(block) > budget) throw new CodecError('snappy', `decompresses to more than ${describeBytes(maxBytes)}`);
  try {
    return snappy().uncompressSync(block, { asBuffer: true });
  } catch (err) {
    throw new CodecError('snappy', `corrupt block: ${(err as Error).message}`);
  }
}

export function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  if (!isHeaderAt(data, 0)) return rawBlock(data, maxBytes, maxBytes);
  const out: Buffer[] = [];
  let total = 0;
  let pos = 0;
  while (pos < data.length) {
    if (isHeaderAt(data, pos)) {
      pos += HEADER_SIZE;
      continue;
    }
    if (data.length - pos < 4) throw new CodecError('snappy', 'truncated chunk length');
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) throw new CodecError('snappy', `chunk of ${length} bytes runs past the end of the payload`);
    const chunk = rawBlock(data.subarray(pos, pos + length), maxBytes - total, maxBytes);
    total += chunk.length;
    out.push(chunk);
    pos += length;
  }
  return Buffer.concat(out, total);
}
