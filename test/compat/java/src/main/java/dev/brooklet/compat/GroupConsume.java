package dev.brooklet.compat;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * group-consume --bootstrap B --topic T --group G [--assignor range|cooperative-sticky]
 *               [--client-id ID] [--count N] [--timeout-ms MS]
 *   KafkaConsumer.subscribe() in group G, manual commits: after each poll the positions of the
 *   records just printed are committed asynchronously, and synchronously when partitions are
 *   revoked and at exit. Short timeouts (session 6 s, heartbeat 0.5 s, max poll interval 10 s)
 *   so that rebalances happen within a test. Prints one JSON line per record
 *   {"type":"record","partition","offset","value","ts"}, per acknowledged commit
 *   {"type":"commit","partition","offset","ts"} (offset: the next one to read) and per
 *   assignment change {"type":"assigned"|"revoked","partitions":[..],"ts"}; ts is the wall clock
 *   in ms, so lines of several processes can be ordered. Runs until stdin is closed, N records
 *   were printed, or the timeout (default: none) passes; then commits, leaves the group, exits 0.
 */
final class GroupConsume {
    private GroupConsume() {}

    static int run(Map<String, String> opts, String bootstrap, String topic, String group) {
        long count = Long.parseLong(opts.getOrDefault("count", "-1"));
        long timeoutMs = Long.parseLong(opts.getOrDefault("timeout-ms", "-1"));
        String assignor = opts.getOrDefault("assignor", "range");

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, opts.getOrDefault("client-id", "java-group-consume"));
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignorClass(assignor));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "10000");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        // A restarted broker should be found again within a second, not after backoffs of 10 s.
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "16384");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        AtomicBoolean stopping = new AtomicBoolean(false);
        long seen = 0;
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeoutMs;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            watchStdin(consumer, stopping);
            Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    emit("{\"type\":\"revoked\",\"partitions\":" + list(partitions) + ",\"ts\":" + now() + "}");
                    Map<TopicPartition, OffsetAndMetadata> mine = new HashMap<>();
                    for (TopicPartition tp : partitions) {
                        OffsetAndMetadata o = processed.remove(tp);
                        if (o != null) mine.put(tp, o);
                    }
                    commitSync(consumer, mine);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    // The member was fenced: its positions may no longer be committed.
                    for (TopicPartition tp : partitions) processed.remove(tp);
                    emit("{\"type\":\"revoked\",\"partitions\":" + list(partitions) + ",\"ts\":" + now() + "}");
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    emit("{\"type\":\"assigned\",\"partitions\":" + list(partitions) + ",\"ts\":" + now() + "}");
                }
            });
            try {
                while (!stopping.get() && (count < 0 || seen < count) && System.currentTimeMillis() < deadline) {
                    Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        emit("{\"type\":\"record\",\"partition\":" + r.partition() + ",\"offset\":" + r.offset()
                            + ",\"value\":" + Json.string(RecordPlan.string(r.value())) + ",\"ts\":" + now() + "}");
                        batch.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        seen++;
                    }
                    if (batch.isEmpty()) continue;
                    processed.putAll(batch);
                    consumer.commitAsync(batch, (offsets, error) -> {
                        if (error == null) reportCommits(offsets);
                        else System.err.println("async commit failed: " + error);
                    });
                }
            } catch (WakeupException stop) {
                // stdin closed: fall through to the final commit.
            }
            commitSync(consumer, processed);
        }
        return 0;
    }

    private static void commitSync(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) return;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
                reportCommits(offsets);
                return;
            } catch (WakeupException e) {
                // The stop signal raced the loop's exit: the wakeup is consumed, try once more.
            } catch (RuntimeException e) {
                System.err.println("commit failed: " + e);
                return;
            }
        }
    }

    private static void reportCommits(Map<TopicPartition, OffsetAndMetadata> offsets) {
        long ts = now();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            emit("{\"type\":\"commit\",\"partition\":" + e.getKey().partition() + ",\"offset\":"
                + e.getValue().offset() + ",\"ts\":" + ts + "}");
        }
    }

    /** Closing stdin is the stop signal: wakeup() breaks the poll so the loop can commit and leave. */
    private static void watchStdin(KafkaConsumer<byte[], byte[]> consumer, AtomicBoolean stopping) {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) { /* any input is ignored; only EOF matters */ }
            } catch (IOException ignored) {
                // Treated as EOF.
            }
            stopping.set(true);
            consumer.wakeup();
        }, "stdin-watch");
        t.setDaemon(true);
        t.start();
    }

    private static String assignorClass(String name) {
        switch (name) {
            case "range": return RangeAssignor.class.getName();
            case "cooperative-sticky": return CooperativeStickyAssignor.class.getName();
            default: throw new IllegalArgumentException("unknown assignor " + name);
        }
    }

    private static String list(Collection<TopicPartition> partitions) {
        StringBuilder out = new StringBuilder("[");
        for (TopicPartition tp : partitions) {
            if (out.length() > 1) out.append(',');
            out.append(tp.partition());
        }
        return out.append(']').toString();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static void emit(String line) {
        synchronized (System.out) {
            System.out.println(line);
        }
    }
}
