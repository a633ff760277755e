/**
 * Apache Kafka's Java client (kafka-clients 4.1.1, the Java peer) against Brooklet reads by topic
 * id: it produces and consumes through the versions Brooklet advertises, and the broker's own
 * request counters (/metrics) show it asked Metadata v12 (topic ids) and fetched with Fetch v17
 * (topics named by id only), and that the records came back exactly as produced.
 * Needs the Java peer (scripts/install-peers.sh): skips without it, fails without it when CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { consume, produceAndCheck } from './compat-suite.js';
import { javaPeer } from './peers.js';
import { createTopic } from './target-broker.js';

const missing = javaPeer.missing();
if (missing && process.env.CI === 'true') throw new Error(missing);

describe.skipIf(missing !== null)('Java client reads by topic id', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  beforeAll(async () => {
    broker = await startTestBroker({ http: true, httpPort: 0 });
  });
  afterAll(async () => broker?.close());

  it('fetches with Fetch v17 after Metadata v12, records intact', async () => {
    const topic = `java-ids-${Date.now()}`;
    await createTopic(broker.bootstrap, topic, 3);
    const acked = await produceAndCheck(javaPeer, broker.bootstrap, topic, 'lz4', 60);
    expect(await consume(javaPeer, broker.bootstrap, topic, acked.length, [])).toEqual(acked);
    const metrics = await (await fetch(`${broker.httpUrl}/metrics`)).text();
    const count = (api: string, version: number) =>
      Number(new RegExp(`^brooklet_requests_total\\{api="${api}",version="${version}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('Metadata', 12)).toBeGreaterThan(0);
    expect(count('Fetch', 17)).toBeGreaterThan(0);
    expect(count('Fetch', 12)).toBe(0);
  }, 120_000);
});
