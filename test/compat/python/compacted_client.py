"""A keyed workload for compaction tests, over librdkafka (confluent-kafka for Python).

  produce --bootstrap B --topic T --codec C --keys K --rounds R --timestamp MS
      Idempotent producer (acks=all), partition 0. Round r writes key "<C>-k<k>" for every k < K
      with value "<C>-r<r>-k<k>-" plus k % 9 * 10 bytes of padding; the last round writes the
      even keys only (so the batches before it keep their odd keys: the cleaner must rewrite
      them), and a tombstone (a null value) for those with k % 7 == 3. Every record carries
      timestamp MS; batches of up to 20 records. Then one record, key
      "sentinel", timestamp MS + 60000 (so that a topic with a small segment.ms rolls before
      it: everything else is in sealed, cleanable segments). One JSON line per acknowledged
      record {"offset", "key", "value"}; exits 1 if any delivery failed.
  consume --bootstrap B --topic T --timeout-ms MS
      assign() partition 0 at offset 0, read up to the high watermark (no group join, CRC checks
      on). One JSON line per record {"offset", "key", "value"}; exits 2 on timeout.
Diagnostics go to stderr; stdout carries only JSON lines.
"""
import argparse
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition


def text(b):
    return None if b is None else b.decode("utf-8")


def produce(args):
    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "compression.type": args.codec,
        "linger.ms": 50,
        # Batches of at most 20 records: several compressed batches over several segments.
        "batch.num.messages": 20,
        "message.timeout.ms": 30000,
    })
    failures = 0

    def on_delivery(err, msg):
        nonlocal failures
        if err is not None:
            failures += 1
            print(f"delivery failed: {err}", file=sys.stderr)
            return
        print(json.dumps({"offset": msg.offset(), "key": text(msg.key()), "value": text(msg.value())}))

    def send(key, value, timestamp):
        while True:
            try:
                producer.produce(args.topic, key=key.encode(), value=None if value is None else value.encode(),
                                 partition=0, timestamp=timestamp, on_delivery=on_delivery)
                return
            except BufferError:
                producer.poll(0.1)

    for r in range(args.rounds):
        for k in range(args.keys):
            if r == args.rounds - 1 and k % 2 == 1:
                continue
            key = f"{args.codec}-k{k}"
            tombstone = r == args.rounds - 1 and k % 7 == 3
            send(key, None if tombstone else f"{args.codec}-r{r}-k{k}-" + "x" * (k % 9 * 10), args.timestamp)
        producer.poll(0)
    remaining = producer.flush(40)
    send("sentinel", "end", args.timestamp + 60000)
    remaining += producer.flush(40)
    if remaining:
        print(f"{remaining} records still undelivered at exit", file=sys.stderr)
    return 0 if failures == 0 and remaining == 0 else 1


def consume(args):
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": f"brooklet-compacted-{int(time.time() * 1000)}",
        "enable.auto.commit": False,
        "check.crcs": True,
    })
    _, high = consumer.get_watermark_offsets(TopicPartition(args.topic, 0), timeout=10)
    consumer.assign([TopicPartition(args.topic, 0, 0)])
    deadline = time.monotonic() + args.timeout_ms / 1000
    last = -1
    try:
        while last < high - 1:
            if time.monotonic() > deadline:
                print(f"timed out at offset {last} of {high}", file=sys.stderr)
                return 2
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error() is not None:
                print(f"consume error: {msg.error()}", file=sys.stderr)
                continue
            last = msg.offset()
            print(json.dumps({"offset": last, "key": text(msg.key()), "value": text(msg.value())}))
    finally:
        consumer.close()
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["produce", "consume"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--codec", default="none")
    parser.add_argument("--keys", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--timestamp", type=int, default=0)
    parser.add_argument("--timeout-ms", type=int, default=30000)
    args = parser.parse_args()
    sys.exit(produce(args) if args.command == "produce" else consume(args))


if __name__ == "__main__":
    main()
