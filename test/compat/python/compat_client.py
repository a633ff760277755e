"""Compatibility peer over librdkafka, through Confluent's Python client (confluent-kafka).

  produce --bootstrap B --topic T --codec none|gzip|snappy|lz4|zstd --count N --partitions P
      Idempotent producer (enable.idempotence=true, hence acks=all), records shaped by the plan
      below. Prints one JSON line per acknowledged record; exits 1 if any delivery failed.
  consume --bootstrap B --topic T --partitions P --count N [--timeout-ms MS]
          [--start-offset K] [--max-partition-fetch-bytes BYTES]
      assign() every partition at offset K, default 0 (no group join, no commits), CRC checks
      on, poll until N records arrive. A small max.partition.fetch.bytes forces many fetch
      rounds. Prints one JSON line per record; exits 2 on timeout.
  consume ... [--isolation-level read_committed|read_uncommitted]
      isolation.level (librdkafka's default, read_committed, when not given).
  txn-produce --bootstrap B --topic T --partitions P --transactional-id ID --transactions N
              --per-transaction M [--abort-every K]
      A transactional producer: init_transactions, then N transactions of M records (record j of
      transaction t to partition j % P, key "k-t-j", value "txn-t-j"); every K-th transaction
      (t % K == K - 1) aborted, the others committed. After each one ends, one JSON line per
      record sent: the record line plus "committed". Exits 1 when anything fails.
  group-consume --bootstrap B --topic T --group G [--client-id ID] [--count N] [--timeout-ms MS]
      subscribe() in group G (librdkafka's default range assignor), auto commit every 200 ms of
      the offsets stored as records are handed out. Short timeouts (session 6 s, heartbeat
      0.5 s) so that rebalances happen within a test. Prints one JSON line per record
      {"type":"record","partition","offset","value","ts"}, per acknowledged commit
      {"type":"commit","partition","offset","ts"} (offset: the next one to read) and per
      assignment change {"type":"assigned"|"revoked","partitions":[..],"ts"}; ts is the wall
      clock in ms, so lines of several processes can be ordered. Runs until stdin is closed, N
      records were printed or the timeout (default: none) passes; then commits, leaves, exits 0.

Record i (the same rule as RecordPlan.java and test/compat/record-plan.ts):
  partition  i % partitions
  key        None when i % 5 == 4, else "key-<i>"
  value      None when i % 13 == 12, else "value-<i>-" + "brooklet " * ((i % 7) * 8)
  headers    i % 3 == 0: none; i % 3 == 1: [idx=<i>]; i % 3 == 2: [idx=<i>, codec=<codec>, idx=dup];
             and when i % 6 == 5 also [nullable=None]
  timestamp  base + 3 * i, base being the producer's start time in ms
Diagnostics go to stderr; stdout carries only JSON lines.
"""
import argparse
import json
import sys
import threading
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def plan_key(i):
    return None if i % 5 == 4 else f"key-{i}"


def plan_value(i):
    return None if i % 13 == 12 else f"value-{i}-" + "brooklet " * ((i % 7) * 8)


def plan_headers(i, codec):
    headers = []
    if i % 3 == 1:
        headers.append(("idx", str(i)))
    elif i % 3 == 2:
        headers += [("idx", str(i)), ("codec", codec), ("idx", "dup")]
    if i % 6 == 5:
        headers.append(("nullable", None))
    return headers


def text(b):
    return None if b is None else b.decode("utf-8")


def line(partition, offset, key, value, headers, timestamp):
    return json.dumps({"partition": partition, "offset": offset, "key": key, "value": value,
                       "headers": [[k, v] for k, v in headers], "timestamp": timestamp})


def encode(s):
    return None if s is None else s.encode("utf-8")


def produce(args):
    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "compression.type": args.codec,
        # A short linger so several records share a batch: that is what exercises compression.
        "linger.ms": 20,
        "message.timeout.ms": 30000,
        "request.timeout.ms": 10000,
    })
    failures = 0
    base = int(time.time() * 1000)

    def report(i, key, value, headers):
        def on_delivery(err, msg):
            nonlocal failures
            if err is not None:
                failures += 1
                print(f"delivery of record {i} failed: {err}", file=sys.stderr)
                return
            print(line(msg.partition(), msg.offset(), key, value, headers, msg.timestamp()[1]))
        return on_delivery

    for i in range(args.count):
        key, value, headers = plan_key(i), plan_value(i), plan_headers(i, args.codec)
        while True:
            try:
                producer.produce(args.topic, value=encode(value), key=encode(key),
                                 partition=i % args.partitions, timestamp=base + 3 * i,
                                 headers=[(k, encode(v)) for k, v in headers],
                                 on_delivery=report(i, key, value, headers))
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(40)
    if remaining:
        print(f"{remaining} records still undelivered at exit", file=sys.stderr)
    return 0 if failures == 0 and remaining == 0 else 1


def consume(args):
    config = {
        "bootstrap.servers": args.bootstrap,
        # librdkafka insists on a group id; with assign() and no commits it is never joined.
        "group.id": f"brooklet-compat-{int(time.time() * 1000)}",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "check.crcs": True,
    }
    if args.max_partition_fetch_bytes is not None:
        config["max.partition.fetch.bytes"] = args.max_partition_fetch_bytes
    if args.isolation_level is not None:
        config["isolation.level"] = args.isolation_level
    consumer = Consumer(config)
    consumer.assign([TopicPartition(args.topic, p, args.start_offset)
                     for p in range(args.partitions)])
    seen = 0
    deadline = time.monotonic() + args.timeout_ms / 1000
    try:
        while seen < args.count and time.monotonic() < deadline:
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error() is not None:
                print(f"consume error: {msg.error()}", file=sys.stderr)
                if msg.error().fatal():
                    raise KafkaException(msg.error())
                continue
            headers = [(k, text(v)) for k, v in (msg.headers() or [])]
            print(line(msg.partition(), msg.offset(), text(msg.key()), text(msg.value()),
                       headers, msg.timestamp()[1]))
            seen += 1
    finally:
        consumer.close()
    if seen < args.count:
        print(f"timed out after {args.timeout_ms} ms with {seen} of {args.count} records",
              file=sys.stderr)
        return 2
    return 0


def now_ms():
    return int(time.time() * 1000)


def emit(obj):
    print(json.dumps(obj), flush=True)


def group_consume(args):
    def on_commit(err, partitions):
        if err is not None:
            print(f"commit failed: {err}", file=sys.stderr)
            return
        ts = now_ms()
        for tp in partitions:
            if tp.error is None and tp.offset >= 0:
                emit({"type": "commit", "partition": tp.partition, "offset": tp.offset, "ts": ts})

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "client.id": args.client_id,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
        "auto.commit.interval.ms": 200,
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 500,
        "max.poll.interval.ms": 10000,
        "max.partition.fetch.bytes": 16384,
        # A restarted broker should be found again within a second, not after 10 s backoffs.
        "reconnect.backoff.max.ms": 1000,
        "on_commit": on_commit,
    })

    def on_assign(c, partitions):
        emit({"type": "assigned", "partitions": [tp.partition for tp in partitions], "ts": now_ms()})

    def on_revoke(c, partitions):
        emit({"type": "revoked", "partitions": [tp.partition for tp in partitions], "ts": now_ms()})

    # Closing stdin is the stop signal; a daemon thread turns the EOF into a flag.
    stop = threading.Event()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    consumer.subscribe([args.topic], on_assign=on_assign, on_revoke=on_revoke)
    seen = 0
    deadline = None if args.timeout_ms < 0 else time.monotonic() + args.timeout_ms / 1000
    try:
        while not stop.is_set() and (args.count < 0 or seen < args.count) \
                and (deadline is None or time.monotonic() < deadline):
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error() is not None:
                print(f"consume error: {msg.error()}", file=sys.stderr)
                if msg.error().fatal():
                    raise KafkaException(msg.error())
                continue
            emit({"type": "record", "partition": msg.partition(), "offset": msg.offset(),
                  "value": text(msg.value()), "ts": now_ms()})
            seen += 1
        try:
            on_commit(None, consumer.commit(asynchronous=False) or [])
        except KafkaException as err:
            print(f"final commit: {err}", file=sys.stderr)
    finally:
        consumer.close()
    return 0


def txn_produce(args):
    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "transactional.id": args.transactional_id,
        "message.timeout.ms": 30000,
        "request.timeout.ms": 10000,
    })
    delivered = []

    def on_delivery(err, msg):
        if err is not None:
            raise KafkaException(err)
        delivered.append(msg)

    try:
        producer.init_transactions(30)
        for t in range(args.transactions):
            commit = args.abort_every <= 0 or t % args.abort_every != args.abort_every - 1
            producer.begin_transaction()
            delivered.clear()
            for j in range(args.per_transaction):
                producer.produce(args.topic, key=f"k-{t}-{j}".encode(), value=f"txn-{t}-{j}".encode(),
                                 partition=j % args.partitions, on_delivery=on_delivery)
            producer.flush(30)
            if commit:
                producer.commit_transaction(30)
            else:
                producer.abort_transaction(30)
            for msg in delivered:
                record = json.loads(line(msg.partition(), msg.offset(), text(msg.key()), text(msg.value()), [], msg.timestamp()[1]))
                record["committed"] = commit
                print(json.dumps(record))
    except KafkaException as err:
        print(f"transactional produce failed: {err}", file=sys.stderr)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("produce", "consume"):
        sub = commands.add_parser(name)
        sub.add_argument("--bootstrap", required=True)
        sub.add_argument("--topic", required=True)
        sub.add_argument("--count", type=int, required=True)
        sub.add_argument("--partitions", type=int, required=True)
        if name == "produce":
            sub.add_argument("--codec", required=True,
                             choices=["none", "gzip", "snappy", "lz4", "zstd"])
        else:
            sub.add_argument("--timeout-ms", type=int, default=30000)
            sub.add_argument("--start-offset", type=int, default=0)
            sub.add_argument("--max-partition-fetch-bytes", type=int)
            sub.add_argument("--isolation-level", choices=["read_committed", "read_uncommitted"])
    txn = commands.add_parser("txn-produce")
    for flag in ("--bootstrap", "--topic", "--transactional-id"):
        txn.add_argument(flag, required=True)
    for flag in ("--partitions", "--transactions", "--per-transaction"):
        txn.add_argument(flag, type=int, required=True)
    txn.add_argument("--abort-every", type=int, default=0)
    group = commands.add_parser("group-consume")
    group.add_argument("--bootstrap", required=True)
    group.add_argument("--topic", required=True)
    group.add_argument("--group", required=True)
    group.add_argument("--client-id", default="librdkafka-group-consume")
    group.add_argument("--count", type=int, default=-1)
    group.add_argument("--timeout-ms", type=int, default=-1)
    args = parser.parse_args()
    if args.command == "group-consume":
        code = group_consume(args)
    elif args.command == "txn-produce":
        code = txn_produce(args)
    else:
        code = produce(args) if args.command == "produce" else consume(args)
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
