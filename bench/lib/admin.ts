/** Topic setup through kafkajs's admin client (setup only; never timed). */
import { Kafka, logLevel, type Admin } from 'kafkajs';

/** Run-unique topic names, so that reruns against long-lived (compose) brokers start from empty topics. */
const RUN = Date.now().toString(36);
export const runTopic = (base: string) => `${base}-${RUN}`;

/** Runs `use` with a connected admin client of `bootstrap`, disconnected afterwards. */
async function withAdmin<T>(bootstrap: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'bench-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes a topic once its run is measured, so long produce runs do not fill the disk (never timed). */
export function deleteTopic(bootstrap: string, topic: string): Promise<void> {
  return withAdmin(bootstrap, async (admin) => {
    await admin.deleteTopics({ topics: [topic] });
  });
}

export function createTopic(bootstrap: string, topic: string, partitions: number,
  configs: Record<string, string> = {}): Promise<void> {
  return withAdmin(bootstrap, async (admin) => {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    });
    // Kafka propagates new metadata asynchronously; wait until every partition has a leader.
    for (let i = 0; i < 100; i++) {
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      const parts = md.topics[0]?.partitions ?? [];
      if (parts.length === partitions && parts.every((p) => p.leader >= 0)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`topic ${topic} has no leaders after creation`);
  });
}
