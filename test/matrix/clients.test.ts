/**
 * The client compatibility matrix: every client below runs its scenarios against real Apache
 * Kafka and against Brooklet (one pair of brokers for the file), and what it observed must be
 * equal. Results land in COMPATIBILITY.md. A client that is not installed is recorded as skipped
 * with the reason (and fails the file when CI=true).
 *   java (kafka-clients 4.1.1) and librdkafka (confluent-kafka for Python): test/compat's peers
 *   @platformatic/kafka: in process
 *   kcat: from Debian (scripts/install-peers.sh)
 *   Kafka's command-line tools: from the cached jars, run with java -cp
 *   @confluentinc/kafka-javascript: built from source into test/compat/confluent-js (same script)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { javaPeer, librdkafkaPeer } from '../compat/peers.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from '../differential/brokers.js';
import { differential } from '../differential/compare.js';
import { pinnedKafkaVersion, repoRoot } from '../harness/repo-paths.js';
import { confluentJsAdmin, confluentJsMissing, confluentJsRoundTrip, confluentJsVersion, CONFLUENT_JS_CODECS } from './confluent-js.js';
import * as cli from './kafka-cli.js';
import { kcatGroup, kcatMetadataAndOffsets, kcatRoundTrip, KCAT_CODECS } from './kcat.js';
import { peerRoundTrip, peerTransactions } from './peer-scenarios.js';
import { platformaticAdmin, platformaticProduceConsume } from './platformatic.js';
import { commandMissing } from './processes.js';
import { Recorder } from './results.js';

type Scenario = [string, (side: Side) => Promise<unknown>];
interface Client { name: string; version: () => string; missing: () => string | null; scenarios: Scenario[] }

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const kafkaMissing = realKafkaMissing();
const mustRun = process.env.CI === 'true';

const CLIENTS: Client[] = [
  {
    name: 'Java kafka-clients',
    version: () => `kafka-clients ${/<kafka.version>([^<]+)/.exec(fs.readFileSync(path.join(repoRoot, 'test/compat/java/pom.xml'), 'utf8'))?.[1]}`,
    missing: () => javaPeer.missing(),
    scenarios: [...CODECS.map((c): Scenario => [`produce and consume, ${c}`, peerRoundTrip(javaPeer, 'java', c)]),
      ['transactions: commit, abort, read_committed and read_uncommitted', peerTransactions(javaPeer, 'java')]],
  },
  {
    name: 'Python confluent-kafka (librdkafka)',
    version: () => `confluent-kafka ${/confluent-kafka(?:\[[^\]]*\])?==(\S+)/.exec(fs.readFileSync(path.join(repoRoot, 'test/compat/python/requirements.txt'), 'utf8'))?.[1]}`,
    missing: () => librdkafkaPeer.missing(),
    scenarios: [...CODECS.map((c): Scenario => [`produce and consume, ${c}`, peerRoundTrip(librdkafkaPeer, 'librdkafka', c)]),
      ['transactions: commit, abort, read_committed and read_uncommitted', peerTransactions(librdkafkaPeer, 'librdkafka')]],
  },
  {
    name: '@platformatic/kafka',
    // Its package.json is not in its exports map: read the file.
    version: () => `@platformatic/kafka ${(JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/@platformatic/kafka/package.json'), 'utf8')) as { version: string }).version}`,
    missing: () => null,
    scenarios: [['admin: create, describe configs, delete', platformaticAdmin], ['produce, consume in a group, list offsets', platformaticProduceConsume]],
  },
  {
    name: '@confluentinc/kafka-javascript (librdkafka)',
    version: confluentJsVersion,
    missing: confluentJsMissing,
    scenarios: [
      ...CONFLUENT_JS_CODECS.map((c): Scenario => [`produce and consume in a group, ${c}`, confluentJsRoundTrip(c)]),
      ['admin: create, list, delete topics', confluentJsAdmin],
    ],
  },
  {
    name: 'kcat',
    version: () => 'kcat (Debian package; see `kcat -V`)',
    missing: () => (commandMissing('kcat', ['-V']) ? 'kcat is not on PATH: run scripts/install-peers.sh (apt-get install kcat)' : null),
    scenarios: [
      ...KCAT_CODECS.map((c): Scenario => [`produce and consume, ${c}`, kcatRoundTrip(c)]),
      ['metadata and offsets by time', kcatMetadataAndOffsets],
      ['balanced consumer group', kcatGroup],
    ],
  },
  {
    name: 'Kafka command-line tools',
    version: () => `Apache Kafka ${pinnedKafkaVersion()} tools, run from the Maven jars`,
    missing: () => null,
    scenarios: [
      ['kafka-topics', cli.kafkaTopics],
      ['kafka-console-producer', cli.consoleProducer],
      ['kafka-console-consumer', cli.consoleConsumer],
      ['kafka-consumer-groups', cli.consumerGroups],
      ['kafka-configs', cli.configs],
      ['kafka-get-offsets', cli.getOffsets],
      ['kafka-dump-log (each broker\'s own segment files)', cli.dumpLog],
      ['kafka-configs --alter', cli.configsAlter],
      ['kafka-topics --alter --partitions', cli.topicsAlterPartitions],
      ['kafka-log-dirs', cli.logDirs],
      ['kafka-leader-election', cli.leaderElection],
    ],
  },
];

const rec = new Recorder('matrix-clients');
for (const c of CLIENTS) {
  try {
    rec.version(c.name, c.version());
  } catch {
    rec.version(c.name, 'unknown');
  }
}

describe.skipIf(kafkaMissing !== null && !mustRun)('compatibility matrix: Kafka vs Brooklet', () => {
  let pair: BrokerPair | undefined;
  beforeAll(async () => {
    if (kafkaMissing) throw new Error(`real Kafka is required when CI=true: ${kafkaMissing}`);
    pair = await startPair();
  }, 180_000);
  afterAll(async () => {
    await pair?.close();
    rec.flush();
  }, 60_000);

  for (const client of CLIENTS) {
    const missing = client.missing();
    if (missing && !mustRun) {
      console.warn(`skipping ${client.name} in the matrix: ${missing}`);
      rec.skipped(client.name, client.scenarios.map(([n]) => n), missing);
      continue;
    }
    describe(client.name, () => {
      for (const [name, scenario] of client.scenarios) {
        it(name, () => {
          if (missing) throw new Error(`${client.name} is required when CI=true: ${missing}`);
          return differential(rec, client.name, name, pair!, scenario);
        }, 180_000);
      }
    });
  }
});

if (kafkaMissing !== null && !mustRun) {
  console.warn(`skipping the compatibility matrix: ${kafkaMissing}`);
  for (const c of CLIENTS) rec.skipped(c.name, c.scenarios.map(([n]) => n), kafkaMissing);
  rec.flush();
}
