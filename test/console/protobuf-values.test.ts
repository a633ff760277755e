/**
 * Protobuf values in the Schema Registry wire format, as the console reads them: the message-index
 * list (the 0 shorthand, a full list, a nested path, none at all as kafkajs' registry client
 * writes it, malformed ones) and the decode through a schema parsed by the registry's own
 * Protobuf parser, with references, into JSON-ready values (64-bit integers as strings, bytes as
 * base64, enums by name). End to end through real clients: protobuf-browser.test.ts.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { FramingError, protobufFramings } from '../../src/console/protobuf-framing.js';
import { decodeProtobufValue, messageAt } from '../../src/console/protobuf-values.js';
import { parseProtobuf } from '../../src/registry/schemas/protobuf.js';

const COMMON = `syntax = "proto3";
package shop.common;
message Money { string currency = 1; int64 cents = 2; }
`;
const SHOP = `syntax = "proto3";
package shop;
import "common.proto";

enum Status { NEW = 0; PAID = 1; }
message Customer { string name = 1; }
message Order {
  enum Kind { ONE_OFF = 0; SUBSCRIPTION = 1; }
  message Line {
    message Note { string text = 1; }
    string sku = 1;
    uint32 qty = 2;
    Note note = 3;
  }
  message Discount { uint32 percent = 1; }
  uint64 id = 1;
  repeated Line lines = 2;
  Status status = 3;
  shop.common.Money total = 4;
  bytes token = 5;
  Kind kind = 6;
}
`;
const schema = parseProtobuf(SHOP, [{ name: 'common.proto', subject: 'common', version: 1, schemaType: 'PROTOBUF', schema: COMMON, references: [] }]);
const type = (name: string) => schema.root.lookupType(name);

/** A Confluent frame's index list, written independently of the reader: zigzag varints. */
function indexList(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const w = protobuf.Writer.create();
  w.sint32(indexes.length);
  for (const i of indexes) w.sint32(i);
  return Buffer.from(w.finish());
}

const orderBytes = Buffer.from(type('shop.Order').encode({
  id: '9007199254740993',
  lines: [{ sku: 'tea', qty: 2, note: { text: '<b>gift</b>' } }],
  status: 1,
  total: { currency: 'EUR', cents: 1250 },
  token: Buffer.from([1, 2, 3]),
}).finish());

describe('message-index list', () => {
  it('reads the 0 shorthand as the first message', () => {
    expect(protobufFramings(Buffer.from([0, 0x0a, 1, 0x41]))).toEqual([{ indexes: [0], offset: 1, listed: true }]);
  });

  it('reads a full list, and a nested path', () => {
    expect(protobufFramings(Buffer.from([0x02, 0x00, 0x0a]))).toEqual([{ indexes: [0], offset: 2, listed: true }]);
    expect(protobufFramings(Buffer.from([0x02, 0x02, 0x0a]))).toEqual([{ indexes: [1], offset: 2, listed: true }]);
    expect(protobufFramings(Buffer.concat([indexList([1, 0, 0]), Buffer.from([0x0a])]))).toEqual([{ indexes: [1, 0, 0], offset: 4, listed: true }]);
    // 300 takes two varint bytes (zigzag 600 = 0xd8 0x04).
    expect(protobufFramings(Buffer.from([0x02, 0xd8, 0x04]))).toEqual([{ indexes: [300], offset: 3, listed: true }]);
  });

  it('reads a payload with no list (kafkajs) as the first message, and offers a deep list first when it could be one', () => {
    // 0x0a is field 1 (length-delimited) or a list of 5: both readings, the list first.
    const framings = protobufFramings(orderBytes);
    expect(framings[framings.length - 1]).toEqual({ indexes: [0], offset: 0, listed: false });
    expect(protobufFramings(Buffer.alloc(0))).toEqual([{ indexes: [0], offset: 0, listed: false }]);
    // 0x09 (a negative count) is never a list.
    expect(protobufFramings(Buffer.from([0x09, 1, 2, 3, 4, 5, 6, 7, 8]))).toEqual([{ indexes: [0], offset: 0, listed: false }]);
  });

  it('refuses a list that starts like one but is cut short or negative', () => {
    expect(() => protobufFramings(Buffer.from([0x04, 0x02]))).toThrow(FramingError);
    expect(() => protobufFramings(Buffer.from([0x02, 0x01, 0x0a]))).toThrow(/negative index/);
    expect(() => protobufFramings(Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(/longer than 5 bytes/);
  });
});

describe('decoding with the registry-parsed schema', () => {
  it('finds messages by path: top-level messages only (enums skipped), then nested ones', () => {
    expect(messageAt(schema, [0])?.fullName).toBe('.shop.Customer');
    expect(messageAt(schema, [1])?.fullName).toBe('.shop.Order');
    expect(messageAt(schema, [1, 0])?.fullName).toBe('.shop.Order.Line');
    expect(messageAt(schema, [1, 0, 0])?.fullName).toBe('.shop.Order.Line.Note');
    expect(messageAt(schema, [1, 1])?.fullName).toBe('.shop.Order.Discount');
    expect(messageAt(schema, [2])).toBeNull();
    expect(messageAt(schema, [0, 0])).toBeNull();
  });

  it('decodes a Confluent-framed value to JSON-ready values', () => {
    const decoded = decodeProtobufValue(schema, Buffer.concat([indexList([1]), orderBytes]));
    expect(decoded.message).toBe('shop.Order');
    expect(decoded.note).toBeUndefined();
    expect(decoded.value).toEqual({
      id: '9007199254740993',
      lines: [{ sku: 'tea', qty: 2, note: { text: '<b>gift</b>' } }],
      status: 'PAID',
      total: { currency: 'EUR', cents: '1250' },
      token: 'AQID',
      kind: 'ONE_OFF',
    });
    // Keys in declaration order (toObject itself puts repeated fields first), nested ones too.
    expect(Object.keys(decoded.value)).toEqual(['id', 'lines', 'status', 'total', 'token', 'kind']);
    expect(Object.keys((decoded.value.lines as object[])[0]!)).toEqual(['sku', 'qty', 'note']);
  });

  it('decodes a nested message named by its path, and the first message by the 0 shorthand', () => {
    const note = Buffer.from(type('shop.Order.Line.Note').encode({ text: 'hello' }).finish());
    expect(decodeProtobufValue(schema, Buffer.concat([indexList([1, 0, 0]), note]))).toEqual({ message: 'shop.Order.Line.Note', value: { text: 'hello' } });
    const customer = Buffer.from(type('shop.Customer').encode({ name: 'Ada' }).finish());
    expect(decodeProtobufValue(schema, Buffer.concat([indexList([0]), customer]))).toEqual({ message: 'shop.Customer', value: { name: 'Ada' } });
  });

  it('reads a payload without a list as the first message, and says so', () => {
    const customer = Buffer.from(type('shop.Customer').encode({ name: 'Ada' }).finish());
    const decoded = decodeProtobufValue(schema, customer);
    expect(decoded).toMatchObject({ message: 'shop.Customer', value: { name: 'Ada' } });
    expect(decoded.note).toMatch(/no message-index list/);
  });

  it('fails with a one-line reason for a path that names no message, or bytes that do not decode', () => {
    expect(() => decodeProtobufValue(schema, Buffer.concat([indexList([7]), orderBytes]))).toThrow(/message index \[7\] names no message/);
    // Field 1 of Order (uint64) as a length-delimited field running past the end.
    expect(() => decodeProtobufValue(schema, Buffer.from([0x02, 0x02, 0x0a, 0x7f, 1]))).toThrow(/does not decode as shop.Order/);
  });
});
