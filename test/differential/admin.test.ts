/**
 * The differential suite for Kafka's admin surface (issue 15): config validation, alteration and
 * description, CreatePartitions, DescribeCluster, DescribeLogDirs, ElectLeaders,
 * DescribeTopicPartitions and topic ids through Metadata and Fetch, each scenario run against
 * real Apache Kafka and against Brooklet and compared field by field (admin-scenarios.ts). One
 * pair of brokers serves the file. Results go to the compatibility matrix.
 * Without Java or the Kafka jars the file skips with one line; with CI=true it fails instead.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Recorder } from '../matrix/results.js';
import * as s from './admin-scenarios.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from './brokers.js';
import { differential } from './compare.js';

const CLIENT = 'kafkajs';
const missing = realKafkaMissing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`skipping the admin differential suite: ${missing}`);

const SCENARIOS: [string, (side: Side) => Promise<unknown>][] = [
  ['alter configs: bad values and resources', s.alterConfigErrors],
  ['alter and describe topic configs', s.alterTopicConfigs],
  ['dynamic broker configs and their sources', s.dynamicBrokerConfigs],
  ['create partitions', s.createPartitions],
  ['describe cluster', s.describeCluster],
  ['describe log dirs and elect leaders', s.logDirsAndElections],
  ['topic ids through Metadata and Fetch', s.topicIds],
  ['describe topic partitions', s.describeTopicPartitions],
];

const rec = new Recorder('differential-admin');

describe.skipIf(missing !== null && !mustRun)('differential: admin APIs, Kafka vs Brooklet', () => {
  let pair: BrokerPair | undefined;
  beforeAll(async () => {
    if (missing) throw new Error(`real Kafka is required when CI=true: ${missing}`);
    pair = await startPair();
  }, 180_000);
  afterAll(async () => {
    await pair?.close();
    rec.flush();
  }, 60_000);

  for (const [name, scenario] of SCENARIOS) {
    it(name, () => differential(rec, CLIENT, name, pair!, scenario), 120_000);
  }
});
