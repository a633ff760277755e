/**
 * zstd (codec 4): the payload is one or more Zstandard frames (RFC 8878), as zstd-jni's
 * ZstdOutputStream (Kafka's Java client) and librdkafka write them. The library is zstd-napi:
 * the reference C implementation, compiled from the sources it ships (Node 20 has no zstd).
 *
 * Decompression is streamed into chunks and stops with an error once the output would pass the
 * cap, whatever the frame header claims; the decoder's window is limited to the cap as well
 * (windowLogMax), so a frame asking for a larger window is refused before it is allocated.
 * Compression: the library's default level (3), the content size in the frame header.
 */
import { CodecError, describeBytes } from './codec-error.js';
import { codecLibrary } from './native-library.js';

type StreamResult = [remainingHint: number, produced: number, consumed: number];

interface DCtx {
  setParameter(param: number, value: number): void;
  reset(directive: number): void;
  decompressStream(dst: Uint8Array, src: Uint8Array): StreamResult;
}

interface ZstdBinding {
  DCtx: new () => DCtx;
  DParameter: { windowLogMax: number };
  ResetDirective: { sessionAndParameters: number };
}

interface ZstdLibrary {
  compress(data: Uint8Array, parameters?: { compressionLevel?: number }): Buffer;
}

const zstd = codecLibrary<ZstdLibrary>('zstd-napi', 'zstd', (m) => typeof m.compress === 'function');
const binding = codecLibrary<ZstdBinding>('zstd-napi/binding', 'zstd', (m) => typeof m.DCtx === 'function' && m.DParameter !== undefined);

const CHUNK_BYTES = 256 * 1024;
/** zstd's own default limit (128 MiB windows); a smaller cap lowers it. */
const MAX_WINDOW_LOG = 27;
const MIN_WINDOW_LOG = 10;

let context: DCtx | null = null;

/** `level` as Kafka's compression.zstd.level (default 3, zstd's own default). */
export function zstdCompress(data: Buffer, level?: number): Buffer {
  return level === undefined ? zstd().compress(data) : zstd().compress(data, { compressionLevel: level });
}

function fail(message: string): never {
  throw new CodecError('zstd', message);
}

export function zstdDecompress(data: Buffer, maxBytes: number): Buffer {
  context ??= new (binding().DCtx)();
  const dctx = context;
  // A failed call may have left a frame half read: every call starts from a clean session.
  dctx.reset(binding().ResetDirective.sessionAndParameters);
  const windowLog = Math.min(MAX_WINDOW_LOG, Math.max(MIN_WINDOW_LOG, Math.ceil(Math.log2(Math.max(1, maxBytes)))));
  dctx.setParameter(binding().DParameter.windowLogMax, windowLog);
  const out: Buffer[] = [];
  let total = 0;
  let input = data;
  let hint = 0;
  let started = false;
  while (input.length > 0 || hint !== 0) {
    // One byte more than the cap allows: producing it proves the payload is over the cap.
    const room = Math.min(CHUNK_BYTES, maxBytes - total + 1);
    const chunk = Buffer.allocUnsafe(room);
    let result: StreamResult;
    try {
      result = dctx.decompressStream(chunk, input);
    } catch (err) {
      fail(`corrupt frame: ${(err as Error).message}`);
    }
    const [remaining, produced, consumed] = result;
    started = true;
    total += produced;
    if (total > maxBytes) fail(`decompresses to more than ${describeBytes(maxBytes)}`);
    if (produced > 0) out.push(chunk.subarray(0, produced));
    input = input.subarray(consumed);
    hint = remaining;
    if (produced === 0 && consumed === 0) {
      if (input.length === 0) fail('frame is truncated');
      fail('decoder made no progress');
    }
  }
  if (!started) fail('payload is empty');
  return Buffer.concat(out, total);
}
