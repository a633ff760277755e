/**
 * The message-index list of Confluent's Protobuf wire format, read from a value's payload (the
 * bytes after the magic byte and the 4-byte schema id):
 *
 *   count     zigzag varint: how many indexes follow
 *   index...  `count` zigzag varints: the message's path in its .proto file; the first picks a
 *             top-level message (in declaration order, messages only), each next one a message
 *             nested in the one before
 *   payload   the Protobuf encoding of that message
 *
 * A single 0 byte (count 0) is the shorthand for [0], the file's first message; Confluent's
 * serializers write it whenever the path is [0].
 *
 * @kafkajs/confluent-schema-registry writes no list at all: its payload starts at once with the
 * message (always the first message of the file it found). The two can be told apart by the first
 * byte. A Protobuf encoding never starts with a field number of 0, so bytes 0x00-0x07 can only
 * begin a list: 0x00 is [0], 0x02/0x04/0x06 a list of 1-3 indexes (0x01/0x03/0x05/0x07, negative
 * counts, are neither). From 0x08 on the byte may be either a first field's tag or the count of a
 * list 4 or more deep; both readings are offered, the list first, and the caller keeps the one
 * whose path names a message of the schema (paths that deep are rare, and a wrong one almost
 * never resolves).
 */

/** A reading of the payload: the message path and where the message's own bytes start. */
export interface Framing {
  indexes: number[];
  /** Offset of the Protobuf message in the payload. */
  offset: number;
  /** False for a payload with no list (as @kafkajs/confluent-schema-registry writes it). */
  listed: boolean;
}

/** Deeper than any .proto file may nest (the registry refuses schemas nesting past 64 levels). */
export const MAX_MESSAGE_INDEXES = 64;

export class FramingError extends Error {
  override name = 'FramingError';
}

/**
 * The readings of `payload`, most likely first. Throws FramingError when the first byte can only
 * begin a list and the list is malformed (cut short, a negative index or count).
 */
export function protobufFramings(payload: Uint8Array): Framing[] {
  const unlisted: Framing = { indexes: [0], offset: 0, listed: false };
  // An empty payload is an empty message: Confluent would have written at least the 0 byte.
  if (payload.length === 0) return [unlisted];
  const first = payload[0]!;
  if (first === 0) return [{ indexes: [0], offset: 1, listed: true }];
  const list = readList(payload);
  if (first < 8) {
    if (typeof list === 'string') throw new FramingError(`the message-index list ${list}`);
    return [list];
  }
  return typeof list === 'string' ? [unlisted] : [list, unlisted];
}

/** The list at the start of `payload`, or why it is not one. */
function readList(payload: Uint8Array): Framing | string {
  let pos = 0;
  const next = (): number | string => {
    const read = readZigzag(payload, pos);
    if (typeof read === 'string') return read;
    pos = read.end;
    return read.value;
  };
  const count = next();
  if (typeof count === 'string') return count;
  if (count < 0) return `has a negative count (${count})`;
  if (count > MAX_MESSAGE_INDEXES) return `has ${count} indexes, more than ${MAX_MESSAGE_INDEXES}`;
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = next();
    if (typeof index === 'string') return index;
    if (index < 0) return `has a negative index (${index})`;
    indexes.push(index);
  }
  // Count 0 is the [0] shorthand (only reached here through a non-minimal varint of 0).
  return { indexes: count === 0 ? [0] : indexes, offset: pos, listed: true };
}

/** One zigzag varint of at most 32 bits (5 bytes), as Confluent writes them. */
function readZigzag(bytes: Uint8Array, start: number): { value: number; end: number } | string {
  let raw = 0;
  for (let i = 0; i < 5; i++) {
    if (start + i >= bytes.length) return 'is cut short';
    const b = bytes[start + i]!;
    raw += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (raw > 0xffffffff) return 'has a varint larger than 32 bits';
      // zigzag: 0, -1, 1, -2, 2 ... are written 0, 1, 2, 3, 4 ...
      return { value: raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, end: start + i + 1 };
    }
  }
  return 'has a varint longer than 5 bytes';
}
