"""Protobuf producer for test/console/protobuf-browser.test.ts: Confluent's Python client
(confluent-kafka) and its ProtobufSerializer, in the venv of test/compat/python
(scripts/install-peers.sh).

  --bootstrap B --registry URL --topic T

Builds the file `shop.proto` at run time (no protoc here):

  package shop;
  enum Status { NEW = 0; PAID = 1; }
  message Customer { string name = 1; }
  message Order {
    message Line { string sku = 1; uint32 qty = 2; }
    uint64 id = 1; repeated Line lines = 2; Status status = 3; bytes token = 4; string note = 5;
  }

and produces, through one ProtobufSerializer per message type (subject <topic>-value, the file
registered as the serializer does it): a Customer (message index [0], the 0 shorthand), an Order
(index [1]) and an Order.Line (index [1, 0]). Prints {"id": <schema id>, "frames": [...]}, each
frame the hex of the bytes the serializer put between the schema id and the message.
Diagnostics go to stderr; stdout carries one JSON line.
"""
import argparse
import json
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message_factory import GetMessageClass

F = descriptor_pb2.FieldDescriptorProto


def shop_classes():
    fdp = descriptor_pb2.FileDescriptorProto(name="shop.proto", package="shop", syntax="proto3")
    status = fdp.enum_type.add(name="Status")
    status.value.add(name="NEW", number=0)
    status.value.add(name="PAID", number=1)
    customer = fdp.message_type.add(name="Customer")
    customer.field.add(name="name", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    order = fdp.message_type.add(name="Order")
    line = order.nested_type.add(name="Line")
    line.field.add(name="sku", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    line.field.add(name="qty", number=2, type=F.TYPE_UINT32, label=F.LABEL_OPTIONAL)
    order.field.add(name="id", number=1, type=F.TYPE_UINT64, label=F.LABEL_OPTIONAL)
    order.field.add(name="lines", number=2, type=F.TYPE_MESSAGE, type_name=".shop.Order.Line", label=F.LABEL_REPEATED)
    order.field.add(name="status", number=3, type=F.TYPE_ENUM, type_name=".shop.Status", label=F.LABEL_OPTIONAL)
    order.field.add(name="token", number=4, type=F.TYPE_BYTES, label=F.LABEL_OPTIONAL)
    order.field.add(name="note", number=5, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return [GetMessageClass(pool.FindMessageTypeByName(n)) for n in ("shop.Customer", "shop.Order", "shop.Order.Line")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    args = parser.parse_args()
    client = SchemaRegistryClient({"url": args.registry})
    customer_cls, order_cls, line_cls = shop_classes()
    values = [
        (customer_cls, customer_cls(name="Ada")),
        (order_cls, order_cls(id=18446744073709551615, lines=[line_cls(sku="tea", qty=2)], status=1,
                              token=b"\x01\x02\x03", note="<script>window.__pwned=1</script>")),
        (line_cls, line_cls(sku="cake", qty=1)),
    ]
    ctx = SerializationContext(args.topic, MessageField.VALUE)
    producer = Producer({"bootstrap.servers": args.bootstrap, "enable.idempotence": True})
    failures = []
    schema_id = None
    frames = []
    for cls, value in values:
        serializer = ProtobufSerializer(cls, client, {"use.deprecated.format": False})
        data = serializer(value, ctx)
        schema_id = int.from_bytes(data[1:5], "big")
        payload = value.SerializeToString()
        frames.append(data[5:len(data) - len(payload)].hex())
        producer.produce(args.topic, value=data, on_delivery=lambda err, msg: err and failures.append(str(err)))
    producer.flush(30)
    if failures or len(producer) > 0:
        print(f"delivery failed: {failures[:3]}, {len(producer)} not delivered", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"id": schema_id, "frames": frames}), flush=True)


if __name__ == "__main__":
    main()
