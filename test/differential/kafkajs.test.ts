/**
 * The differential suite through kafkajs 2.2.4: every scenario runs against real Apache Kafka and
 * against Brooklet, and what kafkajs (or the bare protocol) observed must be equal field by field.
 * One pair of brokers with auto-create on serves the file, and a second pair with it off; both
 * start in beforeAll. Results go to the compatibility matrix (COMPATIBILITY.md).
 * Without Java or the Kafka jars the file skips with one line; with CI=true it fails instead.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createRequire } from 'node:module';
import { Recorder } from '../matrix/results.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from './brokers.js';
import { differential } from './compare.js';
import * as s from './kafkajs-scenarios.js';
import { groupRebalance, offsetCommitFetch } from './kafkajs-group-scenarios.js';

const CLIENT = 'kafkajs';
const missing = realKafkaMissing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping the kafkajs differential suite: ${missing}`);

const SCENARIOS: [string, (side: Side) => Promise<unknown>][] = [
  ['round trip, no compression', s.codecRoundTrip('none')],
  ['round trip, gzip', s.codecRoundTrip('gzip')],
  ['record sizes 0 B to 1 MiB (and one over the limit)', s.recordSizes],
  ['null and empty keys and values, 150 headers', s.nullsAndHeaders],
  ['idempotent producer, retried and out-of-order batches', s.idempotentRetries],
  ['ListOffsets earliest, latest, by time', s.listOffsets],
  ['fetch at, beyond the end and before the start', s.fetchOutOfRange],
  ['unknown topic, auto-create on', s.autoCreate],
  ['create and delete topics', s.createAndDeleteTopics],
  ['describe configs', s.describeConfigs],
  ['consumer group rebalance', groupRebalance],
  ['offset commit and fetch', offsetCommitFetch],
];
const OFF_SCENARIO = 'unknown topic, auto-create off';

const rec = new Recorder('differential-kafkajs');
rec.version(CLIENT, `kafkajs ${(createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version}`);

describe.skipIf(missing !== null && !mustRun)('differential: kafkajs, Kafka vs Brooklet', () => {
  let pair: BrokerPair | undefined;
  let offPair: BrokerPair | undefined;
  beforeAll(async () => {
    if (missing) throw new Error(`real Kafka is required when CI=true: ${missing}`);
    const started = await Promise.allSettled([startPair(), startPair({ autoCreateTopics: false })]);
    // Keep whatever started so afterAll closes it even when the other pair failed.
    if (started[0].status === 'fulfilled') pair = started[0].value;
    if (started[1].status === 'fulfilled') offPair = started[1].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  }, 180_000);
  afterAll(async () => {
    await Promise.all([pair?.close(), offPair?.close()]);
    rec.flush();
  }, 60_000);

  for (const [name, scenario] of SCENARIOS) {
    it(name, () => differential(rec, CLIENT, name, pair!, scenario), 120_000);
  }
  it(OFF_SCENARIO, () => differential(rec, CLIENT, OFF_SCENARIO, offPair!, s.autoCreateOff), 120_000);
});

if (missing !== null && !mustRun) {
  rec.skipped(CLIENT, [...SCENARIOS.map(([n]) => n), OFF_SCENARIO], missing);
  rec.flush();
}
