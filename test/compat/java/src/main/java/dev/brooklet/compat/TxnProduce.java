package dev.brooklet.compat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 *   txn-produce --bootstrap B --topic T --partitions P --transactional-id ID --transactions N
 *               --per-transaction M [--abort-every K]
 * A transactional producer (initTransactions, then N transactions of M records each, record j
 * of transaction t to partition j % P, key "k-t-j", value "txn-t-j"); every K-th transaction
 * (t % K == K - 1) is aborted, the others committed. After each transaction ends, prints one
 * JSON line per record it sent: the record line of Json.record plus "committed". Exits 1 when
 * a send, commit or abort fails.
 */
final class TxnProduce {
    private TxnProduce() {}

    static int run(Map<String, String> opts, String bootstrap, String topic) throws Exception {
        int partitions = Integer.parseInt(opts.get("partitions"));
        int transactions = Integer.parseInt(opts.get("transactions"));
        int perTransaction = Integer.parseInt(opts.get("per-transaction"));
        int abortEvery = Integer.parseInt(opts.getOrDefault("abort-every", "0"));

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, opts.get("transactional-id"));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            for (int t = 0; t < transactions; t++) {
                boolean commit = abortEvery <= 0 || t % abortEvery != abortEvery - 1;
                producer.beginTransaction();
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                List<String[]> keysAndValues = new ArrayList<>();
                for (int j = 0; j < perTransaction; j++) {
                    String key = "k-" + t + "-" + j;
                    String value = "txn-" + t + "-" + j;
                    sent.add(producer.send(new ProducerRecord<>(topic, j % partitions, RecordPlan.bytes(key), RecordPlan.bytes(value))));
                    keysAndValues.add(new String[] {key, value});
                }
                producer.flush();
                if (commit) producer.commitTransaction();
                else producer.abortTransaction();
                for (int j = 0; j < sent.size(); j++) {
                    RecordMetadata meta = sent.get(j).get();
                    String line = Json.record(meta.partition(), meta.offset(), keysAndValues.get(j)[0],
                        keysAndValues.get(j)[1], Collections.emptyList(), meta.timestamp());
                    System.out.println(line.substring(0, line.length() - 1) + ",\"committed\":" + commit + "}");
                }
            }
        } catch (Exception e) {
            System.err.println("transactional produce failed: " + e);
            return 1;
        }
        return 0;
    }
}
