/** Shared pieces of the consumer-group integration tests: clients, producing a numbered stream, waiting. */
import { Kafka, logLevel, type Consumer, type ConsumerConfig } from 'kafkajs';

/** Short timeouts so that rebalances and expiries happen within a test's time. */
export const FAST_GROUP: Omit<ConsumerConfig, 'groupId'> = {
  sessionTimeout: 6000,
  rebalanceTimeout: 10000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 200,
  retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 },
};

export function kafkaFor(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: process.env.KAFKAJS_LOG ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 10_000,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** Produces values "0".."count-1" round-robin over the partitions, keyed by their number. */
export async function produceNumbered(kafka: Kafka, topic: string, from: number, count: number, partitions: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const perSend = 2500;
  for (let start = from; start < from + count; start += perSend) {
    const messages = [];
    for (let i = start; i < Math.min(start + perSend, from + count); i++) {
      messages.push({ partition: i % partitions, key: String(i), value: String(i) });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

export async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  await admin.disconnect();
}

/** Polls `check` every 50 ms until it is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Records the partitions a consumer was assigned by its latest GROUP_JOIN event. */
export function trackAssignment(consumer: Consumer): { current: Record<string, number[]> } {
  const state = { current: {} as Record<string, number[]> };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.current = e.payload.memberAssignment;
  });
  return state;
}
