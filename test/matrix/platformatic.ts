/**
 * @platformatic/kafka (1.x, the newest line that runs on Node 20) against a broker: its admin
 * creates a topic, its producer writes keyed records with headers, its consumer reads them back
 * in a group, and its admin lists offsets, describes configs and deletes the topic.
 */
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import type { Side } from '../differential/brokers.js';

const TS = 1_700_000_000_000n;
const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)));

export async function platformaticAdmin(side: Side) {
  const admin = new Admin({ clientId: 'matrix-admin', bootstrapBrokers: [side.bootstrap] });
  try {
    const created = await admin.createTopics({ topics: ['plat-topic'], partitions: 2, replicas: 1 });
    const configs = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: 'plat-topic',
      configurationKeys: ['retention.ms', 'cleanup.policy', 'max.message.bytes'] }] });
    await admin.createTopics({ topics: ['plat-doomed'], partitions: 1, replicas: 1 });
    await admin.deleteTopics({ topics: ['plat-doomed'] });
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('plat-')).sort();
    return {
      created: created.map((t) => ({ name: t.name, partitions: t.partitions, replicas: t.replicas })),
      configs: plain(configs).map((c: any) => ({ ...c, configs: [...c.configs].sort((a: any, b: any) => a.name.localeCompare(b.name)) })),
      topics,
    };
  } finally {
    await admin.close();
  }
}

export async function platformaticProduceConsume(side: Side) {
  const producer = new Producer({ clientId: 'matrix-producer', bootstrapBrokers: [side.bootstrap], serializers: stringSerializers });
  let produced;
  try {
    produced = await producer.send({ acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({
      topic: 'plat-topic', partition: i % 2, key: `k${i}`, value: `v${i}`, headers: { idx: String(i) }, timestamp: TS + BigInt(i) })) });
  } finally {
    await producer.close();
  }
  const consumer = new Consumer({ clientId: 'matrix-consumer', groupId: 'plat-group', bootstrapBrokers: [side.bootstrap],
    deserializers: stringDeserializers, maxWaitTime: 200, sessionTimeout: 10_000, heartbeatInterval: 500 });
  const seen: string[] = [];
  try {
    const stream = await consumer.consume({ topics: ['plat-topic'], mode: 'earliest', autocommit: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} of 10 records arrived`)), 30_000);
      stream.on('data', (m) => {
        seen.push(`${m.partition}@${m.offset} ${m.key}=${m.value} ts=${BigInt(m.timestamp) - TS} idx=${m.headers.get('idx')}`);
        if (seen.length === 10) {
          clearTimeout(timer);
          resolve();
        }
      });
      stream.on('error', reject);
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  const admin = new Admin({ clientId: 'matrix-admin', bootstrapBrokers: [side.bootstrap] });
  try {
    const offsets = await admin.listOffsets({ topics: [{ name: 'plat-topic', partitions: [
      { partitionIndex: 0, timestamp: -1n }, { partitionIndex: 1, timestamp: TS + 5n }] }] });
    return { produced: plain(produced.offsets ?? []).sort((a: any, b: any) => a.partition - b.partition), seen: seen.sort(),
      offsets: plain(offsets) };
  } finally {
    await admin.close();
  }
}
