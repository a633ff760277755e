"""Schema Registry peer: Confluent's Python client (confluent-kafka) and its serializers, run by
test/registry/python-interop.test.ts in the venv of test/compat/python (scripts/install-peers.sh).

  produce --bootstrap B --registry URL --topic T --format avro|json|protobuf --count N
      Serializes record i = {"name": "user-<i>", "age": i} (Protobuf: Person{name, age}) with
      AvroSerializer / JSONSerializer / ProtobufSerializer against the registry (subject
      <topic>-value, TopicNameStrategy) and produces it. Avro and JSON register their schema
      (auto.register.schemas); Protobuf registers its schema as the base64 FileDescriptorProto
      it is built from, as that serializer does. Prints {"id": <schema id>} at the end.
  consume --bootstrap B --registry URL --topic T --format avro|json|protobuf --count N
      Reads partition 0 from offset 0 and deserializes each value with AvroDeserializer /
      JSONDeserializer / ProtobufDeserializer, fetching the writer's schema by the id in the
      message. Prints one JSON line per value; exits 2 on timeout.
Diagnostics go to stderr; stdout carries only JSON lines.
"""
import argparse
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.serialization import MessageField, SerializationContext

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer

AVRO_SCHEMA = json.dumps({
    "type": "record", "name": "Person", "namespace": "test.brooklet",
    "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"}],
})
JSON_SCHEMA = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#", "title": "Person", "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"],
})


def person_class():
    """The Protobuf message `test.brooklet.Person { string name = 1; int32 age = 2; }`, built at
    run time (no protoc here): the same message the kafkajs side registers as .proto text."""
    from google.protobuf import descriptor_pb2, descriptor_pool
    from google.protobuf.message_factory import GetMessageClass
    fdp = descriptor_pb2.FileDescriptorProto(name="person.proto", package="test.brooklet", syntax="proto3")
    msg = fdp.message_type.add(name="Person")
    msg.field.add(name="name", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    msg.field.add(name="age", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return GetMessageClass(pool.FindMessageTypeByName("test.brooklet.Person"))


def produce(args, client):
    if args.format == "avro":
        serializer = AvroSerializer(client, AVRO_SCHEMA)
        make = lambda i: {"name": f"user-{i}", "age": i}
    elif args.format == "json":
        serializer = JSONSerializer(JSON_SCHEMA, client)
        make = lambda i: {"name": f"user-{i}", "age": i}
    else:
        cls = person_class()
        serializer = ProtobufSerializer(cls, client, {"use.deprecated.format": False})
        make = lambda i: cls(name=f"user-{i}", age=i)
    producer = Producer({"bootstrap.servers": args.bootstrap, "enable.idempotence": True})
    failures = []
    ctx = SerializationContext(args.topic, MessageField.VALUE)
    schema_id = None
    for i in range(args.count):
        value = serializer(make(i), ctx)
        schema_id = int.from_bytes(value[1:5], "big")
        producer.produce(args.topic, value=value, on_delivery=lambda err, msg: err and failures.append(str(err)))
    producer.flush(30)
    if failures or len(producer) > 0:
        print(f"delivery failed: {failures[:3]}, {len(producer)} not delivered", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"id": schema_id}), flush=True)


def consume(args, client):
    if args.format == "avro":
        deserializer = AvroDeserializer(client)
        show = lambda v: v
    elif args.format == "json":
        deserializer = JSONDeserializer(None, schema_registry_client=client)
        show = lambda v: v
    else:
        from google.protobuf import json_format
        deserializer = ProtobufDeserializer(person_class(), {"use.deprecated.format": False}, client)
        show = lambda v: json_format.MessageToDict(v, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "registry-peer", "enable.auto.commit": False})
    consumer.assign([TopicPartition(args.topic, 0, 0)])
    ctx = SerializationContext(args.topic, MessageField.VALUE)
    seen = 0
    deadline = time.time() + args.timeout_ms / 1000
    while seen < args.count:
        if time.time() > deadline:
            print(f"timed out after {seen} of {args.count}", file=sys.stderr)
            sys.exit(2)
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            print(f"consume error: {msg.error()}", file=sys.stderr)
            continue
        print(json.dumps(show(deserializer(msg.value(), ctx))), flush=True)
        seen += 1
    consumer.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["produce", "consume"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--format", choices=["avro", "json", "protobuf"], required=True)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--timeout-ms", type=int, default=30000)
    args = parser.parse_args()
    client = SchemaRegistryClient({"url": args.registry})
    (produce if args.command == "produce" else consume)(args, client)


if __name__ == "__main__":
    main()
