/**
 * Kafka's own command-line tools (4.1, run from the cached jars with `java -cp`, as the bin/*.sh
 * wrappers do) against a broker. Each scenario returns the tool's output with instance-specific
 * parts (topic ids, ports, paths, wall-clock times) replaced, so the two brokers' outputs compare
 * line by line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Side } from '../differential/brokers.js';
import { batch, produceRaw } from '../differential/raw.js';
import { kafkaTool, ok } from './processes.js';

const TOPICS = 'org.apache.kafka.tools.TopicCommand';
const PRODUCER = 'org.apache.kafka.tools.ConsoleProducer';
const CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';
const GROUPS = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';
const CONFIGS = 'kafka.admin.ConfigCommand';
const OFFSETS = 'org.apache.kafka.tools.GetOffsetShell';
const DUMP_LOG = 'kafka.tools.DumpLogSegments';
const LOG_DIRS = 'org.apache.kafka.tools.LogDirsCommand';
const ELECTION = 'org.apache.kafka.tools.LeaderElectionCommand';

export const CLI_SCENARIOS = ['kafka-topics', 'kafka-console-producer', 'kafka-console-consumer',
  'kafka-consumer-groups', 'kafka-configs', 'kafka-get-offsets', 'kafka-dump-log', 'kafka-configs --alter',
  'kafka-topics --alter --partitions', 'kafka-log-dirs', 'kafka-leader-election'] as const;

/** Lines with runs of whitespace collapsed, tool noise (JVM and log warnings) dropped. */
function lines(text: string, side: Side): string[] {
  return text.split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    // Topic ids are random per broker: their presence is compared, not their value.
    .map((l) => l.split(side.bootstrap).join('<bootstrap>').replace(/TopicId: [A-Za-z0-9_-]{22}/g, 'TopicId: <id>'))
    .filter((l) => l !== '' && !/^(WARN|SLF4J|OpenJDK|\[.*\] WARN)/.test(l));
}

const TOPIC = 'cli-topic';

export async function kafkaTopics(side: Side) {
  const b = ['--bootstrap-server', side.bootstrap];
  const create = ok('kafka-topics --create', await kafkaTool(TOPICS, [...b, '--create', '--topic', TOPIC,
    '--partitions', '2', '--replication-factor', '1', '--config', 'retention.ms=3600000']));
  const again = await kafkaTool(TOPICS, [...b, '--create', '--topic', TOPIC, '--partitions', '2']);
  const describe = ok('kafka-topics --describe', await kafkaTool(TOPICS, [...b, '--describe', '--topic', TOPIC]));
  ok('kafka-topics --create', await kafkaTool(TOPICS, [...b, '--create', '--topic', 'cli-doomed', '--partitions', '1']));
  ok('kafka-topics --delete', await kafkaTool(TOPICS, [...b, '--delete', '--topic', 'cli-doomed']));
  await new Promise((r) => setTimeout(r, 1000));
  const list = ok('kafka-topics --list', await kafkaTool(TOPICS, [...b, '--list']));
  return {
    create: lines(create.stdout, side),
    again: { code: again.code, error: lines(again.stderr + again.stdout, side).filter((l) => /Error|exists/i.test(l)).slice(0, 1) },
    describe: lines(describe.stdout, side),
    list: lines(list.stdout, side).filter((l) => l.startsWith('cli-')),
  };
}

/** Five keyed records with a header, through kafka-console-producer into partition 0. */
export async function consoleProducer(side: Side) {
  const input = ['k0:v0', 'k1:v1', 'k2:', 'k3:v3 with spaces', 'k4:v4'].join('\n') + '\n';
  const r = ok('kafka-console-producer', await kafkaTool(PRODUCER, ['--bootstrap-server', side.bootstrap,
    '--topic', TOPIC, '--property', 'parse.key=true', '--property', 'key.separator=:',
    '--property', 'parse.headers=false', '--producer-property', 'partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner',
    '--producer-property', 'acks=all'], { input }));
  return { stdout: lines(r.stdout, side), end: await endOffsets(side, TOPIC) };
}

async function endOffsets(side: Side, topic: string) {
  const admin = new Kafka({ brokers: [side.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((p) => `${p.partition}:${p.low}-${p.high}`).sort();
  } finally {
    await admin.disconnect();
  }
}

/** Reads partition by partition without a group, then the whole topic in a group that commits. */
export async function consoleConsumer(side: Side) {
  const common = ['--bootstrap-server', side.bootstrap, '--topic', TOPIC,
    '--property', 'print.key=true', '--property', 'print.partition=true',
    '--property', 'print.offset=true', '--property', 'print.headers=true'];
  const byPartition: string[] = [];
  for (const p of ['0', '1']) {
    const r = ok('kafka-console-consumer --partition', await kafkaTool(CONSUMER, [...common, '--partition', p, '--offset', 'earliest',
      '--timeout-ms', '4000']));
    // Only record lines: the tool also logs its timeout ending to stdout.
    byPartition.push(...lines(r.stdout, side).filter((l) => l.includes('Offset:')));
  }
  const grouped = ok('kafka-console-consumer --group', await kafkaTool(CONSUMER, [...common, '--group', 'cli-group', '--from-beginning', '--max-messages', '5', '--timeout-ms', '15000']));
  const groupedLines = lines(grouped.stdout, side).filter((l) => l.includes('Offset:'));
  // Equal but empty outputs would hide a tool that failed against both brokers.
  if (byPartition.length !== 5 || groupedLines.length !== 5) {
    throw new Error(`expected 5 records each way, got ${byPartition.length} and ${groupedLines.length}: ${grouped.stderr.slice(-300)}`);
  }
  return { byPartition: byPartition.sort(), grouped: groupedLines.sort() };
}

export async function consumerGroups(side: Side) {
  const b = ['--bootstrap-server', side.bootstrap];
  const list = ok('kafka-consumer-groups --list', await kafkaTool(GROUPS, [...b, '--list']));
  const describe = ok('kafka-consumer-groups --describe', await kafkaTool(GROUPS, [...b, '--describe', '--group', 'cli-group']));
  const reset = ok('kafka-consumer-groups --reset-offsets', await kafkaTool(GROUPS, [...b, '--reset-offsets', '--group', 'cli-group',
    '--topic', TOPIC, '--to-offset', '1', '--execute']));
  const state = ok('kafka-consumer-groups --describe --state', await kafkaTool(GROUPS, [...b, '--describe', '--group', 'cli-group', '--state']));
  // A group nobody joined: Kafka 4's DescribeGroups says GROUP_ID_NOT_FOUND and the tool prints it.
  const unknown = await kafkaTool(GROUPS, [...b, '--describe', '--group', 'cli-nobody']);
  const sortRows = (ls: string[]) => ls.map((l) => l.replace(/COORDINATOR \(ID\)|\S+:\d+ \(\d+\)/g, (m) => m.startsWith('COORD') ? m : '<coordinator>')).sort();
  return {
    list: lines(list.stdout, side).filter((l) => l.startsWith('cli-')),
    describe: sortRows(lines(describe.stdout, side)),
    reset: sortRows(lines(reset.stdout, side)),
    state: sortRows(lines(state.stdout, side)),
    // Kafka answers DescribeGroups v6 (GROUP_ID_NOT_FOUND: "Group ... not found"); Brooklet advertises up to
    // v5, where an unknown group is Dead ("does not exist"). Same meaning; listed in the README.
    unknown: lines(unknown.stdout + unknown.stderr, side).filter((l) => /Error|exist|not found/i.test(l))
      .map((l) => (/cli-nobody.*(not found|does not exist)/.test(l) ? 'group cli-nobody does not exist' : l))
      .filter((l, i, all) => all.indexOf(l) === i),
  };
}

export async function configs(side: Side) {
  const b = ['--bootstrap-server', side.bootstrap];
  const topic = ok('kafka-configs --describe topic', await kafkaTool(CONFIGS, [...b, '--describe', '--entity-type', 'topics', '--entity-name', TOPIC]));
  const all = ok('kafka-configs --describe --all', await kafkaTool(CONFIGS, [...b, '--describe', '--all', '--entity-type', 'topics', '--entity-name', TOPIC]));
  const broker = ok('kafka-configs --describe broker', await kafkaTool(CONFIGS, [...b, '--describe', '--entity-type', 'brokers', '--entity-name', '1']));
  return { topic: lines(topic.stdout, side), all: lines(all.stdout, side).sort(), broker: lines(broker.stdout, side) };
}

export async function getOffsets(side: Side) {
  const b = ['--bootstrap-server', side.bootstrap, '--topic', TOPIC];
  const latest = ok('kafka-get-offsets', await kafkaTool(OFFSETS, b));
  const earliest = ok('kafka-get-offsets --time -2', await kafkaTool(OFFSETS, [...b, '--time', '-2']));
  const future = ok('kafka-get-offsets --time', await kafkaTool(OFFSETS, [...b, '--time', String(Date.now() + 3_600_000)]));
  return { latest: lines(latest.stdout, side).sort(), earliest: lines(earliest.stdout, side).sort(), future: lines(future.stdout, side).sort() };
}

/**
 * kafka-dump-log over each broker's own first segment of a topic written with fixed timestamps
 * by kafkajs (the console producer stamps wall-clock time): Kafka's tool must read Brooklet's
 * files exactly as it reads Kafka's.
 */
export async function dumpLog(side: Side) {
  if (!side.dataDir) throw new Error('the broker\'s data directory is unknown (KAFKA_BOOTSTRAP)');
  const topic = 'cli-dump';
  const client = new Kafka({ brokers: [side.bootstrap], logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  for (let b = 0; b < 3; b++) {
    await producer.send({ topic, acks: -1, messages: [0, 1].map((i) => ({ key: `k${b}${i}`, value: `v${b}${i}`,
      headers: { h: `${b}` }, timestamp: String(1_700_000_000_000 + b * 10 + i) })) });
  }
  await producer.disconnect();
  const file = path.join(side.dataDir, `${topic}-0`, '00000000000000000000.log');
  if (!fs.existsSync(file)) throw new Error(`no segment at ${file}`);
  const r = ok('kafka-dump-log', await kafkaTool(DUMP_LOG, ['--files', file, '--print-data-log', '--deep-iteration']));
  return lines(r.stdout, side).map((l) => l.split(side.dataDir!).join('<data>'));
}

/** The first exception a tool printed, without its log line's time and level. */
function exceptionLine(text: string, side: Side): string[] {
  return lines(text, side).map((l) => /\S+Exception: .*/.exec(l)?.[0]).filter((l): l is string => l !== undefined).slice(0, 1);
}

/** kafka-configs --alter on a topic and on the broker (IncrementalAlterConfigs), read back, and a bad value refused. */
export async function configsAlter(side: Side) {
  const b = ['--bootstrap-server', side.bootstrap];
  const topic = 'cli-alter';
  ok('kafka-topics --create', await kafkaTool(TOPICS, [...b, '--create', '--topic', topic, '--partitions', '1']));
  const alter = ok('kafka-configs --alter topic', await kafkaTool(CONFIGS, [...b, '--alter', '--entity-type', 'topics', '--entity-name', topic,
    '--add-config', 'retention.ms=7200000,cleanup.policy=[compact,delete],min.cleanable.dirty.ratio=0.3']));
  const bad = await kafkaTool(CONFIGS, [...b, '--alter', '--entity-type', 'topics', '--entity-name', topic, '--add-config', 'segment.ms=0']);
  const described = ok('kafka-configs --describe topic', await kafkaTool(CONFIGS, [...b, '--describe', '--entity-type', 'topics', '--entity-name', topic]));
  const broker = ok('kafka-configs --alter broker', await kafkaTool(CONFIGS, [...b, '--alter', '--entity-type', 'brokers', '--entity-name', '1',
    '--add-config', 'log.cleaner.threads=2']));
  const brokerDescribed = ok('kafka-configs --describe broker', await kafkaTool(CONFIGS, [...b, '--describe', '--entity-type', 'brokers', '--entity-name', '1']));
  return {
    alter: lines(alter.stdout, side),
    bad: { code: bad.code, error: exceptionLine(bad.stderr + bad.stdout, side) },
    described: lines(described.stdout, side), broker: lines(broker.stdout, side),
    brokerDescribed: lines(brokerDescribed.stdout, side).filter((l) => /log\.cleaner\.threads/.test(l)),
  };
}

/** kafka-topics --alter --partitions: grow, the refusal to shrink, and the grown topic described. */
export async function topicsAlterPartitions(side: Side) {
  const b = ['--bootstrap-server', side.bootstrap];
  const topic = 'cli-grow';
  ok('kafka-topics --create', await kafkaTool(TOPICS, [...b, '--create', '--topic', topic, '--partitions', '1']));
  const grow = ok('kafka-topics --alter', await kafkaTool(TOPICS, [...b, '--alter', '--topic', topic, '--partitions', '3']));
  const shrink = await kafkaTool(TOPICS, [...b, '--alter', '--topic', topic, '--partitions', '2']);
  const describe = ok('kafka-topics --describe', await kafkaTool(TOPICS, [...b, '--describe', '--topic', topic]));
  return {
    grow: lines(grow.stdout, side),
    shrink: { code: shrink.code, error: exceptionLine(shrink.stderr + shrink.stdout, side) },
    describe: lines(describe.stdout, side),
  };
}

/**
 * kafka-log-dirs --describe over a topic given the same record batch on both brokers (so the
 * same sizes) and an empty partition, paths left out.
 */
export async function logDirs(side: Side) {
  const topic = 'cli-dirs';
  ok('kafka-topics --create', await kafkaTool(TOPICS, ['--bootstrap-server', side.bootstrap, '--create', '--topic', topic, '--partitions', '2']));
  await produceRaw(side.bootstrap, topic, 0, batch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1_700_000_000_000 }]));
  const r = ok('kafka-log-dirs', await kafkaTool(LOG_DIRS, ['--bootstrap-server', side.bootstrap, '--describe', '--topic-list', topic]));
  const json = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{'))!);
  const dirs = json.brokers.map((br: any) => ({ broker: br.broker, logDirs: br.logDirs.map((d: any) => ({ error: d.error,
    partitions: [...d.partitions].sort((x: any, y: any) => x.partition.localeCompare(y.partition)) })) }));
  return { version: json.version, dirs };
}

/** kafka-leader-election: a preferred election of a partition already led by its preferred replica. */
export async function leaderElection(side: Side) {
  const r = await kafkaTool(ELECTION, ['--bootstrap-server', side.bootstrap, '--election-type', 'preferred', '--topic', TOPIC, '--partition', '0']);
  return { code: r.code, out: lines(r.stdout + r.stderr, side) };
}
