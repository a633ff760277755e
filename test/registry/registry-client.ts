/** A tiny client of the registry's REST API for tests: JSON in, status and JSON (or text) out. */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker } from '../helpers/broker.js';

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(base: string, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a raw schema or an empty answer stays text
  }
  return { status: res.status, body: parsed };
}

/** An Avro record schema with one field per name: distinct names give distinct schemas. */
export function avroRecord(name: string, fields: string[]): string {
  return JSON.stringify({ type: 'record', name, fields: fields.map((f) => ({ name: f, type: 'string', default: '' })) });
}

/** Subscribes a new consumer (kept in `consumers` for the caller to disconnect) and reads `count` values from the start of `topic`. */
export async function consumeValues(kafka: Kafka, topic: string, count: number, consumers: Consumer[]): Promise<Buffer[]> {
  const consumer = kafka.consumer({ groupId: `g-${topic}` });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: Buffer[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message.value!);
        if (got.length === count) resolve();
      },
    });
  });
  return got;
}

/** A test broker with its registry, a kafkajs client and a connected producer; close() ends all of it. */
export async function startRegistryBroker(clientId: string) {
  const broker = await startTestBroker();
  const kafka = new Kafka({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
  const producer = kafka.producer();
  await producer.connect();
  const consumers: Consumer[] = [];
  return {
    broker, kafka, producer, consumers,
    close: async () => {
      for (const c of consumers) await c.disconnect();
      await producer.disconnect();
      await broker.close();
    },
  };
}
