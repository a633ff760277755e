// End-to-end latency at a fixed rate, with the Java client (the reference client for both brokers).
// One producer sends 1 KiB records at a fixed rate (a schedule, not one-at-a-time, so queueing
// shows up as it would in production); one consumer in the same JVM, assigned to the partition
// at its end before the first send, reads them. Latency = receive time - send time, both from
// System.nanoTime() of this JVM (written into the first 8 bytes of each value).
// Args: bootstrap topic ratePerSec seconds warmupSeconds recordSize
// Prints one JSON line: {"sent":..,"received":..,"p50Ms":..,"p99Ms":..,"p999Ms":..,"maxMs":..}
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

public class FixedRateLatency {
  public static void main(String[] a) throws Exception {
    String bootstrap = a[0], topic = a[1];
    int rate = Integer.parseInt(a[2]), seconds = Integer.parseInt(a[3]), warmup = Integer.parseInt(a[4]), size = Integer.parseInt(a[5]);
    Properties pp = new Properties();
    pp.put("bootstrap.servers", bootstrap);
    pp.put("acks", "1");
    pp.put("linger.ms", "0"); // latency run: send at once, as Kafka's EndToEndLatency tool does
    Properties cp = new Properties();
    cp.put("bootstrap.servers", bootstrap);
    cp.put("enable.auto.commit", "false");
    cp.put("fetch.max.wait.ms", "500");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
         KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      long total = (long) rate * (seconds + warmup), skip = (long) rate * warmup;
      long[] lat = new long[(int) (total - skip)];
      long[] received = {0};
      Thread reader = new Thread(() -> {
        while (received[0] < total) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            long now = System.nanoTime();
            long sent = ByteBuffer.wrap(r.value()).getLong();
            if (received[0] >= skip && received[0] < total) lat[(int) (received[0] - skip)] = now - sent;
            received[0]++;
          }
        }
      });
      reader.start();
      long period = 1_000_000_000L / rate, start = System.nanoTime();
      byte[] value = new byte[size];
      for (long i = 0; i < total; i++) {
        long due = start + i * period;
        long wait = due - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
        byte[] v = value.clone();
        ByteBuffer.wrap(v).putLong(System.nanoTime());
        producer.send(new ProducerRecord<>(topic, 0, null, v));
      }
      producer.flush();
      reader.join(30_000 + seconds * 1000L);
      long n = Math.min(received[0], total) - skip;
      long[] got = Arrays.copyOf(lat, (int) Math.max(0, n));
      Arrays.sort(got);
      double sentSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "{\"sent\":%d,\"received\":%d,\"achievedRate\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f}%n",
        total, received[0], total / sentSeconds, pct(got, 0.5), pct(got, 0.99), pct(got, 0.999), got.length == 0 ? Double.NaN : got[got.length - 1] / 1e6);
      System.exit(0); // the reader thread may still be polling when messages went missing
    }
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
  }
}
