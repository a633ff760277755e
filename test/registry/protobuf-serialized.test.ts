/**
 * format=serialized: a .proto schema as the base64 FileDescriptorProto Confluent's serializers
 * read, in the shape protoc gives (fully-qualified type names, map entries named <Field>Entry,
 * imports as dependencies, only the file's own messages).
 */
import protobuf from 'protobufjs';
import * as descriptorExtension from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { protoTextFromDescriptor } from '../../src/registry/protobuf-descriptor-input.js';
import { serializedProtobuf } from '../../src/registry/protobuf-serialized.js';
import { parseSchema } from '../../src/registry/schemas/index.js';

const FileDescriptorProto = (descriptorExtension as unknown as { FileDescriptorProto: protobuf.Type }).FileDescriptorProto;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const decode = (b64: string): any => FileDescriptorProto.toObject(FileDescriptorProto.decode(Buffer.from(b64, 'base64')), { enums: String });

describe('serializedProtobuf', () => {
  it('describes messages, nested types, enums and maps as protoc does', () => {
    const file = decode(serializedProtobuf(`syntax = "proto3";
package shop.v1;
message Order {
  string id = 1;
  repeated Line lines = 2;
  map<string, Line> by_sku = 3;
  Status status = 4;
  message Line { string sku = 1; int32 qty = 2; }
  enum Status { NEW = 0; PAID = 1; }
}
`, []));
    expect(file.name).toBe('default');
    expect(file.package).toBe('shop.v1');
    expect(file.syntax).toBe('proto3');
    const order = file.messageType[0];
    expect(order.name).toBe('Order');
    const field = (name: string) => order.field.find((f: { name: string }) => f.name === name);
    expect(field('lines')).toMatchObject({ typeName: '.shop.v1.Order.Line', label: 'LABEL_REPEATED', type: 'TYPE_MESSAGE' });
    expect(field('by_sku')).toMatchObject({ typeName: '.shop.v1.Order.BySkuEntry', label: 'LABEL_REPEATED' });
    expect(field('status')).toMatchObject({ typeName: '.shop.v1.Order.Status', type: 'TYPE_ENUM' });
    const entry = order.nestedType.find((n: { name: string }) => n.name === 'BySkuEntry');
    expect(entry.options.mapEntry).toBe(true);
    expect(entry.field.find((f: { name: string }) => f.name === 'value').typeName).toBe('.shop.v1.Order.Line');
    expect(order.enumType[0].name).toBe('Status');
  });

  it('names imported types fully and lists the imports, without describing the imported file', () => {
    const address = { name: 'address.proto', subject: 'address', version: 1, schemaType: 'PROTOBUF' as const, references: [],
      schema: 'syntax = "proto3";\npackage geo;\nmessage Address { string city = 1; }\n' };
    const file = decode(serializedProtobuf(`syntax = "proto3";
package people;
import "address.proto";
message Person { string name = 1; geo.Address home = 2; }
`, [address]));
    expect(file.dependency).toEqual(['address.proto']);
    expect(file.messageType.map((m: { name: string }) => m.name)).toEqual(['Person']);
    expect(file.messageType[0].field[1].typeName).toBe('.geo.Address');
  });

  it('reads a base64 FileDescriptorProto back as .proto text with the same canonical form', () => {
    const proto = `syntax = "proto3";
package shop.v1;
message Order {
  string id = 1;
  map<string, int32> qty_by_sku = 2;
  oneof contact { string email = 3; string phone = 4; }
  Kind kind = 5;
}
enum Kind { RETAIL = 0; WHOLESALE = 1; }
`;
    const text = protoTextFromDescriptor(serializedProtobuf(proto, []));
    expect(text).not.toBeNull();
    expect(parseSchema('PROTOBUF', text!, []).canonical).toBe(parseSchema('PROTOBUF', proto, []).canonical);
    // Plain .proto text and other strings are not descriptors.
    expect(protoTextFromDescriptor(proto)).toBeNull();
    expect(protoTextFromDescriptor('abcd')).toBeNull();
    expect(protoTextFromDescriptor('')).toBeNull();
  });
});
