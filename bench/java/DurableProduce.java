// Durable produce: N concurrent producers (one KafkaProducer each, acks=all, one request in
// flight, no linger), each sending 1 KiB records one at a time and waiting for the ack, for a
// fixed time. With the broker fsyncing every acknowledged batch, the acks per second measure how
// well concurrent producers share syncs (group commit).
// Args: bootstrap topic producers seconds recordSize
// Prints one JSON line: {"acked":..,"seconds":..,"requestsPerSec":..,"p50Ms":..,"p99Ms":..}
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class DurableProduce {
  public static void main(String[] a) throws Exception {
    String bootstrap = a[0], topic = a[1];
    int producers = Integer.parseInt(a[2]), seconds = Integer.parseInt(a[3]), size = Integer.parseInt(a[4]);
    AtomicLong acked = new AtomicLong();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    CountDownLatch ready = new CountDownLatch(producers);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    AtomicBoolean measuring = new AtomicBoolean(false), stop = new AtomicBoolean(false);
    for (int p = 0; p < producers; p++) {
      Thread t = new Thread(() -> {
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "all");
        pp.put("linger.ms", "0");
        pp.put("max.in.flight.requests.per.connection", "1");
        byte[] value = new byte[size];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
          producer.send(new ProducerRecord<>(topic, value)).get(); // connected and warmed up
          ready.countDown();
          while (!stop.get()) {
            long t0 = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, value)).get();
            if (measuring.get()) {
              acked.incrementAndGet();
              latencies.add(System.nanoTime() - t0);
            }
          }
        } catch (Exception e) {
          e.printStackTrace();
          System.exit(1);
        }
      });
      t.start();
      threads.add(t);
    }
    ready.await();
    window[0] = System.nanoTime();
    measuring.set(true);
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    window[1] = System.nanoTime();
    stop.set(true);
    for (Thread t : threads) t.join();
    double secs = (window[1] - window[0]) / 1e9;
    long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "{\"acked\":%d,\"seconds\":%.3f,\"requestsPerSec\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f}%n",
      acked.get(), secs, acked.get() / secs, pct(lat, 0.5), pct(lat, 0.99));
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
  }
}
