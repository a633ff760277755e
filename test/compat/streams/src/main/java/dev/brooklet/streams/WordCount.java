package dev.brooklet.streams;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The classic word count: lines from the input topic split into words, re-keyed by word (a
 * repartition topic), counted in a state store (backed by a compacted changelog topic), counts
 * written to the output topic. Runs until stdin closes, then closes cleanly and exits 0.
 * Prints "RUNNING" once the app reaches that state, so the test knows when to feed it.
 *
 * Usage: WordCount <bootstrap> <application.id> <state.dir> <input topic> <output topic> [<processing.guarantee>]
 * (at_least_once by default; exactly_once_v2 runs every task in a transaction).
 */
public final class WordCount {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    // Purge consumed repartition records (DeleteRecords) every second instead of every 30 s.
    props.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, 1000);
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10000);
    if (args.length > 5) props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, args[5]);

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
        .filter((key, word) -> !word.isEmpty())
        .groupBy((key, word) -> word, Grouped.with("words", Serdes.String(), Serdes.String()))
        .count(Materialized.as("counts"))
        .toStream()
        .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) System.out.println("RUNNING");
      if (now == KafkaStreams.State.ERROR) {
        System.out.println("ERROR");
        done.countDown();
      }
    });
    streams.start();
    Thread stdin = new Thread(() -> {
      try {
        while (System.in.read() != -1) { /* wait for EOF */ }
      } catch (Exception ignored) {
        // closed
      }
      done.countDown();
    });
    stdin.setDaemon(true);
    stdin.start();
    done.await();
    streams.close(Duration.ofSeconds(30));
    System.out.println("CLOSED");
  }
}
