// Runs inside a second container (host network): a kafkajs app that reaches Brooklet through
// the listener named on its command line, as an app in another container would. Prints one JSON
// line: the broker address Metadata gave it, and the values it read from `readTopic`.
// argv: <bootstrap> <produceTopic> <readTopic> <count>
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, produceTopic, readTopic, countText] = process.argv.slice(2);
const count = Number(countText);

async function main() {
  const kafka = new Kafka({ clientId: 'in-container', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const { brokers } = await admin.describeCluster();
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: produceTopic, messages: Array.from({ length: count }, (_, i) => ({ value: `container-${i}` })) });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `in-container-${readTopic}` });
  await consumer.connect();
  await consumer.subscribe({ topic: readTopic, fromBeginning: true });
  const read = [];
  await new Promise((resolve) => {
    consumer.run({ eachMessage: async ({ message }) => {
      read.push(String(message.value));
      if (read.length === count) resolve();
    } });
  });
  await consumer.disconnect();
  process.stdout.write(JSON.stringify({ brokers, read }) + '\n');
}

const timer = setTimeout(() => { console.error('timed out'); process.exit(2); }, 60000);
main().then(() => { clearTimeout(timer); }, (err) => { console.error(err.stack || err); process.exit(1); });
