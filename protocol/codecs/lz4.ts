/**
 * lz4 (codec 3): the payload is one LZ4 frame (the LZ4 frame format, v1.6), as Kafka's
 * Lz4BlockOutputStream (formerly KafkaLZ4BlockOutputStream) writes it for v2 batches:
 *
 *   magic    int32 LE 0x184D2204
 *   FLG      version (bits 6-7) = 01, block independence (bit 5), block checksum (bit 4),
 *            content size (bit 3), content checksum (bit 2), dictionary id (bit 0)
 *   BD       block maximum size (bits 4-6): 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB
 *   [content size int64 LE] [dictionary id int32 LE]   when their flags are set
 *   HC       one byte: (xxHash32 of FLG..last descriptor byte >> 8) & 0xFF
 *   blocks   int32 LE size (high bit set = stored uncompressed), the data, [int32 LE checksum]
 *   end mark int32 LE 0, [int32 LE content checksum]
 *
 * Kafka's reader refuses dependent blocks and decompresses each block on its own, so the frames
 * written here have independent blocks (lz4-napi's default, through Rust's lz4_flex). Kafka's
 * writer uses 64 KiB blocks; lz4_flex picks the size from the input; Kafka and librdkafka read
 * either. Magic v0/v1 batches (a broken HC byte) never reach this code: Brooklet stores v2 only.
 *
 * Before the library decompresses a frame, its block headers are walked: every block yields at
 * most the frame's block maximum size (an uncompressed block exactly its size), and that bound
 * is checked against the cap, so a frame cannot make the decoder allocate more than the cap.
 */
import { CodecError, describeBytes } from './codec-error.js';
import { codecLibrary } from './native-library.js';

interface Lz4Library {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}

const lz4 = codecLibrary<Lz4Library>('lz4-napi', 'lz4', (m) => typeof m.compressFrameSync === 'function' && typeof m.decompressFrameSync === 'function');

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC = 0x184d2a50;
const FLG_DICT_ID = 0x01;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_CONTENT_SIZE = 0x08;
const FLG_BLOCK_CHECKSUM = 0x10;
const UNCOMPRESSED_BIT = 0x80000000;

export function lz4Compress(data: Buffer): Buffer {
  return lz4().compressFrameSync(data);
}

function fail(message: string): never {
  throw new CodecError('lz4', message);
}

/** The most bytes the frames in `data` can decompress to, from their headers alone. */
export function lz4DecompressedBound(data: Buffer): number {
  let pos = 0;
  let bound = 0;
  const need = (n: number) => {
    if (data.length - pos < n) fail('frame is truncated');
  };
  while (pos < data.length) {
    need(4);
    const magic = data.readUInt32LE(pos);
    if ((magic & 0xfffffff0) === SKIPPABLE_MAGIC) {
      need(8);
      pos += 8 + data.readUInt32LE(pos + 4);
      if (pos > data.length) fail('skippable frame is truncated');
      continue;
    }
    if (magic !== FRAME_MAGIC) fail(`not an LZ4 frame (magic 0x${magic.toString(16)})`);
    need(7);
    const flg = data[pos + 4]!;
    const bd = data[pos + 5]!;
    if (flg >> 6 !== 1) fail(`frame version ${flg >> 6} is not supported`);
    const sizeCode = (bd >> 4) & 7;
    if (sizeCode < 4) fail(`block maximum size code ${sizeCode} is not defined`);
    const blockMax = 1 << (2 * sizeCode + 8);
    pos += 7 + (flg & FLG_CONTENT_SIZE ? 8 : 0) + (flg & FLG_DICT_ID ? 4 : 0);
    for (;;) {
      need(4);
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) {
        pos += flg & FLG_CONTENT_CHECKSUM ? 4 : 0;
        break;
      }
      const size = word & 0x7fffffff;
      if (size > blockMax) fail(`block of ${size} bytes exceeds the frame's maximum of ${blockMax}`);
      bound += (word & UNCOMPRESSED_BIT) !== 0 ? size : blockMax;
      pos += size + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
    }
    if (pos > data.length) fail('frame is truncated');
  }
  return bound;
}

export function lz4Decompress(data: Buffer, maxBytes: number): Buffer {
  const bound = lz4DecompressedBound(data);
  if (bound > maxBytes) fail(`may decompress to ${bound} bytes, more than ${describeBytes(maxBytes)}`);
  try {
    return lz4().decompressFrameSync(data);
  } catch (err) {
    fail(`corrupt frame: ${(err as Error).message}`);
  }
}
