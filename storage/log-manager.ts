/**
 * LogManager: every partition of every topic under one data directory, the topic metadata,
 * the cluster id, the recovery-point checkpoint and the clean-shutdown marker.
 *
 * Data directory:
 *   meta.properties, topics.json            (topic-store.ts)
 *   recovery-point-offset-checkpoint        (checkpoint.ts)
 *   .kafka_cleanshutdown                    (checkpoint.ts; only while stopped cleanly)
 *   <topic>-<partition>/                    partition.metadata + segments (segment.ts)
 *
 * Opening removes the clean-shutdown marker after the logs are loaded, so a crash from then on
 * is recovered as unclean; close() flushes every log, writes the checkpoint, then the marker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CLEAN_SHUTDOWN_FILE, hasCleanShutdownMarker, partitionKey, readRecoveryPoints, removeCleanShutdownMarker, writeCleanShutdownMarker, writeRecoveryPoints } from './checkpoint.js';
import { KAFKA_DEFAULTS, resolveLogConfig, type TopicConfigDefaults } from './config.js';
import { PartitionLog } from './log.js';
import { checkTopicName, loadOrCreateClusterId, loadTopics, randomUuid, saveTopics, writePartitionMetadata, type TopicInfo } from './topic-store.js';

export { StorageError, type StorageErrorCode } from './errors.js';
export type { TopicConfigDefaults } from './config.js';
export type { TopicInfo } from './topic-store.js';
export { PartitionLog, type AppendResult, type ReadResult } from './log.js';

export interface LogManagerOptions {
  dataDir: string;
  defaults?: Partial<TopicConfigDefaults>;
  /** Bytes of each active segment's tail kept in memory (default 4 MiB; 0 turns it off). */
  tailCacheBytes?: number;
}

interface OpenTopic {
  info: TopicInfo;
  logs: PartitionLog[];
}

export class LogManager {
  readonly clusterId: string;
  readonly dataDir: string;
  /** True when the previous stop left the clean-shutdown marker. */
  readonly openedAfterCleanShutdown: boolean;
  private readonly defaults: TopicConfigDefaults;
  private tailCacheBytes: number | undefined;
  private readonly topics = new Map<string, OpenTopic>();
  private closed = false;

  private constructor(dataDir: string, defaults: TopicConfigDefaults, clusterId: string, clean: boolean) {
    this.dataDir = dataDir;
    this.defaults = defaults;
    this.clusterId = clusterId;
    this.openedAfterCleanShutdown = clean;
  }

  static open(options: LogManagerOptions): LogManager {
    const dataDir = path.resolve(options.dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    const defaults = { ...KAFKA_DEFAULTS, ...definedOnly(options.defaults ?? {}) };
    const clean = hasCleanShutdownMarker(dataDir);
    const manager = new LogManager(dataDir, defaults, loadOrCreateClusterId(dataDir), clean);
    manager.tailCacheBytes = options.tailCacheBytes;
    const recoveryPoints = readRecoveryPoints(dataDir);
    for (const info of loadTopics(dataDir)) {
      const logs = [];
      for (let p = 0; p < info.partitions; p++) {
        logs.push(manager.openPartition(info, p, clean, recoveryPoints.get(partitionKey(info.name, p)) ?? 0));
      }
      manager.topics.set(info.name, { info, logs });
    }
    removeCleanShutdownMarker(dataDir);
    return manager;
  }

  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    this.ensureOpen();
    checkTopicName(name);
    if (this.topics.has(name)) throw new Error(`topic '${name}' already exists`);
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`topic '${name}': ${partitions} partitions`);
    resolveLogConfig(configs, this.defaults); // rejects bad values before anything is written
    const info: TopicInfo = { name, topicId: randomUuid(), partitions, configs: { ...configs } };
    const logs = [];
    for (let p = 0; p < partitions; p++) {
      const dir = this.partitionDir(name, p);
      fs.mkdirSync(dir, { recursive: true });
      writePartitionMetadata(dir, info.topicId);
      logs.push(this.openPartition(info, p, true, 0));
    }
    this.topics.set(name, { info, logs });
    this.saveTopics();
    return copyTopic(info);
  }

  deleteTopic(name: string): boolean {
    this.ensureOpen();
    const topic = this.topics.get(name);
    if (topic === undefined) return false;
    this.topics.delete(name);
    this.saveTopics();
    for (const log of topic.logs) log.delete();
    return true;
  }

  getTopic(name: string): TopicInfo | undefined {
    const topic = this.topics.get(name);
    return topic === undefined ? undefined : copyTopic(topic.info);
  }

  listTopics(): TopicInfo[] {
    return [...this.topics.values()].map((t) => copyTopic(t.info));
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.logs[index];
  }

  /** Flushes every log and records the recovery points (without closing). */
  flush(): void {
    this.ensureOpen();
    for (const topic of this.topics.values()) for (const log of topic.logs) log.flush();
    this.writeCheckpoint();
  }

  /** Flush + fsync, recovery checkpoint, clean-shutdown marker. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const topic of this.topics.values()) for (const log of topic.logs) log.close();
    this.writeCheckpoint();
    writeCleanShutdownMarker(this.dataDir);
    this.closed = true;
  }

  private openPartition(info: TopicInfo, partition: number, clean: boolean, recoveryPoint: number): PartitionLog {
    return PartitionLog.open({
      dir: this.partitionDir(info.name, partition),
      topic: info.name,
      partition,
      config: resolveLogConfig(info.configs, this.defaults),
      cleanShutdown: clean,
      recoveryPoint,
      tailCacheBytes: this.tailCacheBytes,
    });
  }

  private partitionDir(topic: string, partition: number): string {
    return path.join(this.dataDir, `${topic}-${partition}`);
  }

  private saveTopics(): void {
    saveTopics(this.dataDir, [...this.topics.values()].map((t) => t.info));
  }

  private writeCheckpoint(): void {
    const points = [];
    for (const topic of this.topics.values()) {
      for (const log of topic.logs) points.push({ topic: log.topic, partition: log.partition, offset: log.recoveryPoint });
    }
    writeRecoveryPoints(this.dataDir, points);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`log manager for ${this.dataDir} is closed (${CLEAN_SHUTDOWN_FILE} written)`);
  }
}

function copyTopic(info: TopicInfo): TopicInfo {
  return { name: info.name, topicId: Buffer.from(info.topicId), partitions: info.partitions, configs: { ...info.configs } };
}

function definedOnly(values: Partial<TopicConfigDefaults>): Partial<TopicConfigDefaults> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
