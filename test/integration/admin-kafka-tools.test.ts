/**
 * Kafka's own admin tools (from the real-Kafka jars, Java AdminClient at the newest versions
 * Brooklet advertises) against Brooklet: kafka-topics --create/--alter --partitions/--describe
 * (DescribeTopicPartitions, topic ids), kafka-configs --alter/--describe for a topic and the broker
 * (IncrementalAlterConfigs, DescribeConfigs with sources and synonyms, Kafka's message for a bad
 * value), kafka-log-dirs --describe and kafka-leader-election; then a restart keeps the grown
 * partition count, the topic's and the broker's dynamic configs and the topic id.
 * Needs the jars (scripts/install-peers.sh): skips without them, fails without them when CI=true.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { kafkaJarsDir, pinnedKafkaVersion } from '../harness/repo-paths.js';
import { kafkaFor, produceNumbered } from './groups-helpers.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

const jars = kafkaJarsDir();
const haveJars = fs.existsSync(path.join(jars, `kafka-tools-${pinnedKafkaVersion()}.jar`));
if (!haveJars && process.env.CI === 'true') throw new Error(`real-Kafka jars missing in ${jars}: run scripts/install-peers.sh`);

const TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  configs: 'kafka.admin.ConfigCommand',
  logDirs: 'org.apache.kafka.tools.LogDirsCommand',
  election: 'org.apache.kafka.tools.LeaderElectionCommand',
};

/** Runs a Kafka tool; resolves with its exit code and output (stdout then stderr). */
function tool(name: keyof typeof TOOLS, bootstrap: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    // A short-lived tool: the C1 compiler and the serial collector start it in half the time.
    const child = spawn('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', `${jars}/*`, TOOLS[name], '--bootstrap-server', bootstrap, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.on('exit', (code) => resolve({ code, out: out + err }));
  });
}

async function ok(name: keyof typeof TOOLS, bootstrap: string, args: string[]): Promise<string> {
  const r = await tool(name, bootstrap, args);
  if (r.code !== 0) throw new Error(`${name} ${args.join(' ')}: exit ${r.code}\n${r.out}`);
  return r.out;
}

describe.skipIf(!haveJars)('Kafka admin tools against Brooklet', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => broker?.close());

  it('grows, configures, describes and keeps it all across a restart', async () => {
    const b = () => broker.bootstrap;
    expect(await ok('topics', b(), ['--create', '--topic', 'tooled', '--partitions', '2'])).toMatch(/Created topic tooled/);
    await produceNumbered(kafkaFor(b(), 'tools'), 'tooled', 0, 40, 2);
    await ok('topics', b(), ['--alter', '--topic', 'tooled', '--partitions', '5']);
    const fewer = await tool('topics', b(), ['--alter', '--topic', 'tooled', '--partitions', '3']);
    expect(fewer.code).not.toBe(0);
    expect(fewer.out).toMatch(/InvalidPartitionsException: The topic tooled currently has 5 partition\(s\); 3 would not be an increase/);

    const described = await ok('topics', b(), ['--describe', '--topic', 'tooled']);
    const topicId = /TopicId: (\S+)/.exec(described)?.[1];
    expect(topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(described).toMatch(/PartitionCount: 5\s+ReplicationFactor: 1/);
    expect(described.split('\n').filter((l) => /Partition: \d+\s+Leader: 1\s+Replicas: 1\s+Isr: 1/.test(l))).toHaveLength(5);
    expect(fs.readFileSync(path.join(broker.dataDir, 'tooled-4', 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${topicId}\n`);

    await ok('configs', b(), ['--alter', '--entity-type', 'topics', '--entity-name', 'tooled', '--add-config', 'retention.ms=3600000,cleanup.policy=[compact,delete]']);
    const bad = await tool('configs', b(), ['--alter', '--entity-type', 'topics', '--entity-name', 'tooled', '--add-config', 'retention.ms=abc']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/InvalidConfigurationException: Invalid value abc for configuration retention.ms: Not a number of type LONG/);
    await ok('configs', b(), ['--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'log.retention.bytes=1073741824']);
    await ok('configs', b(), ['--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.cleaner.threads=2']);

    const expectConfigs = async () => {
      const topic = await ok('configs', b(), ['--describe', '--entity-type', 'topics', '--entity-name', 'tooled']);
      expect(topic).toMatch(/cleanup\.policy=compact,delete sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:cleanup\.policy=compact,delete, DEFAULT_CONFIG:log\.cleanup\.policy=delete\}/);
      expect(topic).toMatch(/retention\.ms=3600000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=3600000\}/);
      const brokerConfigs = await ok('configs', b(), ['--describe', '--entity-type', 'brokers', '--entity-name', '1']);
      expect(brokerConfigs).toMatch(/log\.retention\.bytes=1073741824 sensitive=false synonyms=\{DYNAMIC_BROKER_CONFIG:log\.retention\.bytes=1073741824, DEFAULT_CONFIG:log\.retention\.bytes=-1\}/);
      const defaults = await ok('configs', b(), ['--describe', '--entity-type', 'brokers', '--entity-default']);
      expect(defaults).toMatch(/log\.cleaner\.threads=2 sensitive=false synonyms=\{DYNAMIC_DEFAULT_BROKER_CONFIG:log\.cleaner\.threads=2\}/);
    };
    await expectConfigs();

    const dirs = JSON.parse((await ok('logDirs', b(), ['--describe', '--topic-list', 'tooled'])).split('\n').find((l) => l.startsWith('{'))!);
    const partitions = dirs.brokers[0].logDirs[0].partitions as { partition: string; size: number; offsetLag: number }[];
    expect(partitions.map((p) => p.partition).sort()).toEqual(['tooled-0', 'tooled-1', 'tooled-2', 'tooled-3', 'tooled-4']);
    expect(partitions.filter((p) => p.size > 0).map((p) => p.partition).sort()).toEqual(['tooled-0', 'tooled-1']);
    expect(partitions.every((p) => p.offsetLag === 0)).toBe(true);
    expect(dirs.brokers[0].logDirs[0].logDir).toBe(broker.dataDir);

    const election = await ok('election', b(), ['--election-type', 'preferred', '--topic', 'tooled', '--partition', '0']);
    expect(election).toMatch(/Valid replica already elected for partitions tooled-0/);

    const dataDir = broker.dataDir;
    await broker.close();
    broker = await startTestBroker({ dataDir });
    const again = await ok('topics', b(), ['--describe', '--topic', 'tooled']);
    expect(again).toMatch(new RegExp(`TopicId: ${topicId}\\s+PartitionCount: 5`));
    await expectConfigs();
  }, 240_000);
});
