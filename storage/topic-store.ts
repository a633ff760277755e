/**
 * What the data directory remembers besides the logs:
 *
 * `<dataDir>/meta.properties` (Kafka's format, written once):
 *   version=1
 *   cluster.id=<16 random bytes, base64url without padding>
 *   node.id=<broker id>
 *
 * `<dataDir>/topics.json`, replaced atomically on every change:
 *   { "version": 1, "topics": [ { "name": ..., "topicId": <base64url of 16 bytes>,
 *     "partitions": <count>, "configs": { "<name>": "<value>" } } ] }
 *
 * `<dataDir>/<topic>-<partition>/partition.metadata` (Kafka's format):
 *   version: 0
 *   topic_id: <base64url of 16 bytes>
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

export interface TopicInfo {
  name: string;
  /** 16 bytes. */
  topicId: Buffer;
  partitions: number;
  configs: Record<string, string>;
}

const TOPICS_FILE = 'topics.json';
const META_FILE = 'meta.properties';

/** 16 random bytes, as Kafka's Uuid.randomUuid: never all zero, never rendered with a leading '-'. */
export function randomUuid(): Buffer {
  for (;;) {
    const bytes = crypto.randomBytes(16);
    const text = bytes.toString('base64url');
    if (!text.startsWith('-') && !bytes.equals(Buffer.alloc(16))) return bytes;
  }
}

/** Reads cluster.id from meta.properties, creating the file on first start. */
export function loadOrCreateClusterId(dataDir: string, nodeId = 1): string {
  const file = path.join(dataDir, META_FILE);
  if (fs.existsSync(file)) {
    const match = /^cluster\.id=(.+)$/m.exec(fs.readFileSync(file, 'utf8'));
    if (match) return match[1]!.trim();
    throw new Error(`${file} has no cluster.id`);
  }
  const clusterId = randomUuid().toString('base64url');
  writeFileAtomic(file, `#\n#${new Date().toUTCString()}\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
  return clusterId;
}

interface StoredTopic {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

export function loadTopics(dataDir: string): TopicInfo[] {
  const file = path.join(dataDir, TOPICS_FILE);
  if (!fs.existsSync(file)) return [];
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; topics: StoredTopic[] };
  if (stored.version !== 1) throw new Error(`${file}: unsupported version ${stored.version}`);
  const topics = stored.topics.map((t) => ({
    name: t.name,
    // A topic written without an id gets one now, kept from then on (as Kafka assigns ids to old topics).
    topicId: t.topicId ? Buffer.from(t.topicId, 'base64url') : randomUuid(),
    partitions: t.partitions,
    configs: { ...t.configs },
  }));
  if (stored.topics.some((t) => !t.topicId)) saveTopics(dataDir, topics);
  return topics;
}

export function saveTopics(dataDir: string, topics: TopicInfo[]): void {
  const stored: StoredTopic[] = topics.map((t) => ({
    name: t.name,
    topicId: t.topicId.toString('base64url'),
    partitions: t.partitions,
    configs: t.configs,
  }));
  writeFileAtomic(path.join(dataDir, TOPICS_FILE), JSON.stringify({ version: 1, topics: stored }, null, 2) + '\n');
}

/** Writes partition.metadata where a partition directory has none (one made before ids existed). */
export function ensurePartitionMetadata(partitionDir: string, topicId: Buffer): void {
  if (!fs.existsSync(path.join(partitionDir, 'partition.metadata'))) writePartitionMetadata(partitionDir, topicId);
}

export function writePartitionMetadata(partitionDir: string, topicId: Buffer): void {
  writeFileAtomic(path.join(partitionDir, 'partition.metadata'), `version: 0\ntopic_id: ${topicId.toString('base64url')}\n`);
}

/** Kafka's legal topic names: 1-249 of [a-zA-Z0-9._-], not "." or "..". */
export function checkTopicName(name: string): void {
  if (name.length === 0 || name.length > 249 || name === '.' || name === '..' || !/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw new Error(`illegal topic name '${name}'`);
  }
}
