/**
 * The topics of one data directory and the admin calls that change them: create and delete a
 * topic, add partitions, replace a topic's configs, set broker-wide topic defaults at run time;
 * and the lookups by name and by id that request handlers make per request. LogManager
 * (log-manager.ts) owns one TopicAdmin and forwards its public calls here; it keeps the
 * durability side (group commit, checkpoints, clean shutdown) and the background work, and
 * tells this class how to open a partition's log (openLog).
 *
 * Order of writes, so that a crash at any point leaves a state the next start reads: configs
 * are resolved before anything is written (a value storage cannot use throws first); partition
 * directories with their partition.metadata are made before topics.json names them;
 * topics.json is replaced atomically (topic-store.ts) before the logs apply new configs, and a
 * deleted topic leaves topics.json before its directories go.
 */
import fs from 'node:fs';
import path from 'node:path';
import { partitionKey } from './checkpoint.js';
import { resolveLogConfig, type LogConfig, type TopicConfigDefaults } from './config.js';
import type { OpenPartitionOptions, PartitionLog } from './log.js';
import { checkTopicName, ensurePartitionMetadata, loadTopics, randomUuid, saveTopics, writePartitionMetadata, type TopicInfo } from './topic-store.js';

/** Where a partition's log lives and how it is opened; LogManager adds the durability hooks. */
export type PartitionPlace = Pick<OpenPartitionOptions, 'dir' | 'topic' | 'partition' | 'config' | 'cleanShutdown' | 'recoveryPoint'>;

export interface TopicAdminOptions {
  dataDir: string;
  defaults: TopicConfigDefaults;
  openLog: (place: PartitionPlace) => PartitionLog;
  /** After a topic's logs are deleted (the log-start checkpoint and the cleaner forget it). */
  onDeleted: (name: string) => void;
}

interface OpenTopic {
  info: TopicInfo;
  logs: PartitionLog[];
}

export class TopicAdmin {
  private readonly topics = new Map<string, OpenTopic>();
  /** Topic id (hex) -> name, for the requests that name topics by id (Fetch 13+, Metadata 10+). */
  private readonly topicIds = new Map<string, string>();
  /** Broker-wide topic defaults changed at run time (dynamic broker configs), by topic config name. */
  private brokerOverrides: Record<string, string> = {};

  constructor(private readonly options: TopicAdminOptions) {}

  /**
   * Opens every partition of the topics topics.json names (startup), each from its recovery
   * point; a partition directory without partition.metadata gets it.
   */
  load(cleanShutdown: boolean, recoveryPoints: ReadonlyMap<string, number>): void {
    for (const info of loadTopics(this.options.dataDir)) {
      const logs = [];
      for (let p = 0; p < info.partitions; p++) {
        logs.push(this.openPartition(info, p, cleanShutdown, recoveryPoints.get(partitionKey(info.name, p)) ?? 0));
        ensurePartitionMetadata(this.partitionDir(info.name, p), info.topicId);
      }
      this.add({ info, logs });
    }
  }

  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    checkTopicName(name);
    if (this.topics.has(name)) throw new Error(`topic '${name}' already exists`);
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`topic '${name}': ${partitions} partitions`);
    resolveLogConfig(configs, this.options.defaults); // rejects bad values before anything is written
    const info: TopicInfo = { name, topicId: randomUuid(), partitions, configs: { ...configs } };
    this.add({ info, logs: this.makePartitions(info, 0, partitions) });
    this.saveTopics();
    return copyTopic(info);
  }

  deleteTopic(name: string): boolean {
    const topic = this.topics.get(name);
    if (topic === undefined) return false;
    this.topics.delete(name);
    this.topicIds.delete(topic.info.topicId.toString('hex'));
    this.saveTopics();
    for (const log of topic.logs) log.delete();
    this.options.onDeleted(name);
    return true;
  }

  /**
   * Replaces a topic's own configs: resolved first (a value storage cannot use throws before
   * anything is written), then topics.json is replaced (temp file, fsync, rename), then every
   * partition applies them at once.
   */
  alterTopicConfigs(name: string, configs: Record<string, string>): void {
    const topic = this.existing(name);
    const resolved = this.resolve(configs);
    topic.info.configs = { ...configs };
    this.saveTopics();
    for (const log of topic.logs) log.updateConfig(resolved);
  }

  /**
   * Grows a topic to `count` partitions. The new partition directories (with partition.metadata)
   * are made before topics.json names them, so a crash in between leaves the old count and at
   * most empty directories that the next attempt reuses.
   */
  addPartitions(name: string, count: number): TopicInfo {
    const topic = this.existing(name);
    if (!Number.isInteger(count) || count <= topic.info.partitions) throw new Error(`topic '${name}': cannot grow to ${count} partitions`);
    const logs = this.makePartitions(topic.info, topic.info.partitions, count);
    topic.info.partitions = count;
    topic.logs.push(...logs);
    this.saveTopics();
    return copyTopic(topic.info);
  }

  /**
   * Broker-wide topic defaults set at run time (the broker's dynamic configs, given by the topic
   * config they stand for, e.g. log.retention.ms as retention.ms): every partition whose topic
   * does not set its own value applies them at once. The caller persists them.
   */
  setBrokerOverrides(overrides: Record<string, string>): void {
    const resolved = [...this.topics.values()].map((t) => [t, this.resolve(t.info.configs, overrides)] as const);
    this.brokerOverrides = { ...overrides };
    for (const [topic, config] of resolved) for (const log of topic.logs) log.updateConfig(config);
  }

  /** The topic with this 16-byte id, if any. */
  topicById(topicId: Buffer): TopicInfo | undefined {
    const name = this.topicIds.get(topicId.toString('hex'));
    return name === undefined ? undefined : this.getTopic(name);
  }

  /** The name of the topic with this id (no copy; the fetch path asks per request). */
  topicNameById(topicId: Buffer): string | undefined {
    return this.topicIds.get(topicId.toString('hex'));
  }

  getTopic(name: string): TopicInfo | undefined {
    const topic = this.topics.get(name);
    return topic === undefined ? undefined : copyTopic(topic.info);
  }

  /**
   * One config in force for a topic: its own value, else a broker-wide default set at run time
   * (setBrokerOverrides); undefined when neither is set. No copy of the topic: the produce path
   * asks per request.
   */
  topicConfig(name: string, key: string): string | undefined {
    const topic = this.topics.get(name);
    if (topic === undefined) return undefined;
    return topic.info.configs[key] ?? this.brokerOverrides[key];
  }

  listTopics(): TopicInfo[] {
    return [...this.topics.values()].map((t) => copyTopic(t.info));
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.logs[index];
  }

  allLogs(): PartitionLog[] {
    return [...this.topics.values()].flatMap((t) => t.logs);
  }

  private add(topic: OpenTopic): void {
    this.topics.set(topic.info.name, topic);
    this.topicIds.set(topic.info.topicId.toString('hex'), topic.info.name);
  }

  private existing(name: string): OpenTopic {
    const topic = this.topics.get(name);
    if (topic === undefined) throw new Error(`topic '${name}' does not exist`);
    return topic;
  }

  /** New, empty partitions [from, to): each directory and its partition.metadata, then its log. */
  private makePartitions(info: TopicInfo, from: number, to: number): PartitionLog[] {
    const logs = [];
    for (let p = from; p < to; p++) {
      const dir = this.partitionDir(info.name, p);
      fs.mkdirSync(dir, { recursive: true });
      writePartitionMetadata(dir, info.topicId);
      logs.push(this.openPartition(info, p, true, 0));
    }
    return logs;
  }

  private openPartition(info: TopicInfo, partition: number, cleanShutdown: boolean, recoveryPoint: number): PartitionLog {
    const dir = this.partitionDir(info.name, partition);
    return this.options.openLog({ dir, topic: info.name, partition, config: this.resolve(info.configs), cleanShutdown, recoveryPoint });
  }

  private resolve(configs: Record<string, string>, overrides = this.brokerOverrides): LogConfig {
    return resolveLogConfig({ ...overrides, ...configs }, this.options.defaults);
  }

  private partitionDir(topic: string, partition: number): string {
    return path.join(this.options.dataDir, `${topic}-${partition}`);
  }

  private saveTopics(): void {
    saveTopics(this.options.dataDir, [...this.topics.values()].map((t) => t.info));
  }
}

function copyTopic(info: TopicInfo): TopicInfo {
  return { name: info.name, topicId: Buffer.from(info.topicId), partitions: info.partitions, configs: { ...info.configs } };
}
