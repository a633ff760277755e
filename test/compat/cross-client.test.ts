/**
 * Each client reads what the other wrote: Java's producer to librdkafka's consumer and back,
 * for every codec, on a fresh Brooklet (or real Kafka with BROOKLET_COMPAT_AGAINST_KAFKA=1).
 * Both peers' own round trips are in java-client.test.ts and librdkafka-client.test.ts; this
 * file catches batches one client writes that only the same client can read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODECS, consume, produceAndCheck } from './compat-suite.js';
import { javaPeer, librdkafkaPeer, type Peer } from './peers.js';
import { againstRealKafka, createTopic, startTargetBroker, type TargetBroker } from './target-broker.js';

const COUNT = 90;
const missing = [javaPeer, librdkafkaPeer].map((p) => p.missing()).filter((m) => m !== null);
const mustRun = process.env.CI === 'true';
if (missing.length > 0 && !mustRun) console.warn(`skipping cross-client compat tests: ${missing.join('; ')}`);

describe.skipIf(missing.length > 0 && !mustRun)('cross-client', () => {
  let shared: TargetBroker | undefined;
  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`both peers are required when CI=true: ${missing.join('; ')}`);
    if (againstRealKafka) shared = await startTargetBroker();
  }, 120_000);
  afterAll(async () => {
    await shared?.close();
  });

  const directions: [Peer, Peer][] = [[javaPeer, librdkafkaPeer], [librdkafkaPeer, javaPeer]];
  for (const [writer, reader] of directions) {
    for (const codec of CODECS) {
      it(`${reader.name} reads ${codec} batches from ${writer.name}`, async () => {
        const broker = shared ?? (await startTargetBroker());
        try {
          const topic = `cross-${codec}-${Date.now()}`;
          await createTopic(broker.bootstrap, topic, 3);
          const acked = await produceAndCheck(writer, broker.bootstrap, topic, codec, COUNT);
          expect(await consume(reader, broker.bootstrap, topic, COUNT, [])).toEqual(acked);
        } finally {
          if (!shared) await broker.close();
        }
      }, 90_000);
    }
  }
});
