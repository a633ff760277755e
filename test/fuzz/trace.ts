/**
 * Finds the length and count fields of an encoded request, so that the fuzzer can rewrite exactly
 * those (the class of CVE-2022-34917) instead of hoping a random byte flip lands on one.
 *
 * It decodes the frame with the real interpreter (decodeStruct) through a Reader that records where
 * every INT16 string length, INT32 bytes length or array count, and UVARINT (compact lengths, tagged
 * field counts, tags and sizes) starts. A frame that stops decoding part way keeps the positions
 * found before the error, which is still useful to mutate.
 */
import {
  API_SPECS, MESSAGE_SPECS, ProtocolDecodeError, Reader, decodeStruct, isFlexible, requestHeaderVersion,
} from '../../protocol/index.js';

export type LengthKind = 'int16' | 'int32' | 'uvarint';

export interface LengthField {
  at: number;
  kind: LengthKind;
  /** Bytes the field occupies (2, 4, or 1-5 for a uvarint). */
  width: number;
}

class TracingReader extends Reader {
  readonly fields: LengthField[] = [];

  override nullableString(): string | null {
    this.fields.push({ at: this.offset, kind: 'int16', width: 2 });
    return super.nullableString();
  }

  override nullableBytes(): Buffer | null {
    this.fields.push({ at: this.offset, kind: 'int32', width: 4 });
    return super.nullableBytes();
  }

  override arrayLength(): number | null {
    this.fields.push({ at: this.offset, kind: 'int32', width: 4 });
    return super.arrayLength();
  }

  override uvarint(): number {
    const at = this.offset;
    try {
      return super.uvarint();
    } finally {
      if (this.offset > at) this.fields.push({ at, kind: 'uvarint', width: this.offset - at });
    }
  }
}

/** Length fields of a request frame (header included, size prefix excluded), in wire order. */
export function traceLengthFields(frame: Buffer): LengthField[] {
  const r = new TracingReader(frame, 0);
  try {
    const apiKey = r.int16();
    const version = r.int16();
    r.int32();
    r.nullableString();
    const api = API_SPECS.get(apiKey);
    if (!api) return r.fields;
    if (requestHeaderVersion(apiKey, version) === 2) decodeStruct([], version, true, r);
    const spec = MESSAGE_SPECS.get(apiKey)!.request;
    decodeStruct(spec.fields, version, isFlexible(apiKey, version), r);
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError)) throw err;
  }
  return r.fields.sort((a, b) => a.at - b.at);
}
