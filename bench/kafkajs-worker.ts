/**
 * One kafkajs client run, in its own process so it can be pinned to the client core:
 *   node dist/bench/kafkajs-worker.js produce|consume <bootstrap> <topic> <messages> <recordSize>
 * produce: acks=1, 1,000 records per send() and up to 4 sends in flight (a plain Node app that
 * batches); consume: a consumer group from the beginning, eachBatch, until <messages> are seen.
 * Throughput is timed from the first record sent/received. Prints one JSON line.
 */
import { Kafka, logLevel } from 'kafkajs';

const [mode, bootstrap, topic, countText, sizeText] = process.argv.slice(2);
const count = Number(countText);
const size = Number(sizeText);
const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [bootstrap!], logLevel: logLevel.NOTHING });
const MIB = 1024 * 1024;

async function produce(): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(size, 7);
  const perSend = 1000;
  const messages = Array.from({ length: perSend }, () => ({ value }));
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (sent < count) {
    const n = Math.min(perSend, count - sent);
    sent += n;
    const p = producer.send({ topic: topic!, acks: 1, messages: n === perSend ? messages : messages.slice(0, n) });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const secs = (performance.now() - started) / 1000;
  await producer.disconnect();
  console.log(JSON.stringify({ msgPerSec: count / secs, mibPerSec: (count * size) / MIB / secs }));
}

async function consume(): Promise<void> {
  const consumer = kafka.consumer({ groupId: `bench-kafkajs-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topic!, fromBeginning: true });
  let seen = 0;
  let bytes = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0) started = performance.now();
        for (const m of batch.messages) bytes += m.value?.length ?? 0;
        seen += batch.messages.length;
        if (seen >= count) resolve(performance.now());
      },
    });
  });
  const timeout = setTimeout(() => {
    console.error(`kafkajs consume: ${seen} of ${count} after 300 s`);
    process.exit(1);
  }, 300_000);
  const ended = await done;
  clearTimeout(timeout);
  const secs = (ended - started) / 1000;
  await consumer.disconnect();
  console.log(JSON.stringify({ msgPerSec: seen / secs, mibPerSec: bytes / MIB / secs }));
}

await (mode === 'produce' ? produce() : consume());
process.exit(0);
