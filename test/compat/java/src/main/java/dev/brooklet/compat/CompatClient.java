package dev.brooklet.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Compatibility peer over Apache Kafka's Java client.
 *
 *   produce --bootstrap B --topic T --codec none|gzip|snappy|lz4|zstd --count N --partitions P
 *     Idempotent producer (the Java default), acks=all, records shaped by RecordPlan.
 *     Prints one JSON line per acknowledged record; exits 1 if any send failed.
 *   consume --bootstrap B --topic T --partitions P --count N [--timeout-ms MS]
 *           [--start-offset K] [--max-partition-fetch-bytes BYTES]
 *           [--isolation-level read_uncommitted|read_committed]
 *     assign() all partitions, seek each to offset K (default 0), poll until N records arrive
 *     (CRC checks on, as by default). A small max.partition.fetch.bytes forces many fetch
 *     rounds. Prints one JSON line per record; exits 2 on timeout.
 *   group-consume --bootstrap B --topic T --group G [--assignor range|cooperative-sticky]
 *                 [--client-id ID] [--count N] [--timeout-ms MS]
 *     subscribe() in a consumer group until stdin closes: see GroupConsume.java.
 *   txn-produce ...: a transactional producer committing and aborting: see TxnProduce.java.
 * Diagnostics go to stderr; stdout carries only JSON lines.
 */
public final class CompatClient {
    private CompatClient() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) usage();
        Map<String, String> opts = new HashMap<>();
        for (int k = 1; k + 1 < argv.length; k += 2) {
            if (!argv[k].startsWith("--")) usage();
            opts.put(argv[k].substring(2), argv[k + 1]);
        }
        int code;
        switch (argv[0]) {
            case "produce": code = produce(opts); break;
            case "consume": code = consume(opts); break;
            case "txn-produce": code = TxnProduce.run(opts, need(opts, "bootstrap"), need(opts, "topic")); break;
            case "group-consume":
                code = GroupConsume.run(opts, need(opts, "bootstrap"), need(opts, "topic"), need(opts, "group"));
                break;
            default: usage(); return;
        }
        System.out.flush();
        System.exit(code);
    }

    private static void usage() {
        System.err.println("usage: produce --bootstrap B --topic T --codec C --count N --partitions P\n"
            + "       consume --bootstrap B --topic T --partitions P --count N [--timeout-ms MS]\n"
            + "               [--start-offset K] [--max-partition-fetch-bytes BYTES]\n"
            + "       group-consume --bootstrap B --topic T --group G [--assignor range|cooperative-sticky]\n"
            + "               [--client-id ID] [--count N] [--timeout-ms MS]");
        System.exit(64);
    }

    private static String need(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            System.err.println("missing --" + name);
            usage();
        }
        return v;
    }

    private static int produce(Map<String, String> opts) throws Exception {
        String topic = need(opts, "topic");
        String codec = need(opts, "codec");
        int count = Integer.parseInt(need(opts, "count"));
        int partitions = Integer.parseInt(need(opts, "partitions"));

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, need(opts, "bootstrap"));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // A short linger so several records share a batch: that is what exercises compression.
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        long base = System.currentTimeMillis();
        AtomicInteger failures = new AtomicInteger();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                final String key = RecordPlan.key(i);
                final String value = RecordPlan.value(i);
                final List<String[]> headers = RecordPlan.headers(i, codec);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                    RecordPlan.partition(i, partitions), RecordPlan.timestamp(base, i),
                    RecordPlan.bytes(key), RecordPlan.bytes(value));
                for (String[] h : headers) record.headers().add(h[0], RecordPlan.bytes(h[1]));
                producer.send(record, (meta, error) -> {
                    if (error != null) {
                        failures.incrementAndGet();
                        System.err.println("send failed: " + error);
                        return;
                    }
                    String line = Json.record(meta.partition(), meta.offset(), key, value, headers,
                        meta.timestamp());
                    synchronized (System.out) {
                        System.out.println(line);
                    }
                });
            }
            producer.flush();
        }
        return failures.get() == 0 ? 0 : 1;
    }

    private static int consume(Map<String, String> opts) {
        String topic = need(opts, "topic");
        int count = Integer.parseInt(need(opts, "count"));
        int partitions = Integer.parseInt(need(opts, "partitions"));
        long timeoutMs = Long.parseLong(opts.getOrDefault("timeout-ms", "30000"));
        long startOffset = Long.parseLong(opts.getOrDefault("start-offset", "0"));

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, need(opts, "bootstrap"));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CHECK_CRCS_CONFIG, "true");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, opts.getOrDefault("isolation-level", "read_uncommitted"));
        String maxPartitionFetch = opts.get("max-partition-fetch-bytes");
        if (maxPartitionFetch != null) {
            props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxPartitionFetch);
        }
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        List<TopicPartition> assignment = new ArrayList<>();
        for (int p = 0; p < partitions; p++) assignment.add(new TopicPartition(topic, p));
        int seen = 0;
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(assignment);
            for (TopicPartition tp : assignment) consumer.seek(tp, startOffset);
            while (seen < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    List<String[]> headers = new ArrayList<>();
                    for (Header h : r.headers()) {
                        headers.add(new String[] {h.key(), RecordPlan.string(h.value())});
                    }
                    System.out.println(Json.record(r.partition(), r.offset(),
                        RecordPlan.string(r.key()), RecordPlan.string(r.value()), headers, r.timestamp()));
                    seen++;
                }
            }
        }
        if (seen < count) {
            System.err.println("timed out after " + timeoutMs + " ms with " + seen + " of " + count + " records");
            return 2;
        }
        return 0;
    }
}
