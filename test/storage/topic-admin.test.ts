/**
 * The log manager's admin calls: a topic's configs replaced durably and applied to every
 * partition at once, broker-wide defaults under them, partitions added with partition.metadata,
 * topics found by id, and a topic stored without an id given one at startup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { tempDataDir } from '../helpers/broker.js';
import { batchOf } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function open(dataDir: string): LogManager {
  return LogManager.open({ dataDir, defaults: { segmentBytes: 4096 } });
}

describe('log manager admin calls', () => {
  it('applies altered topic configs and broker overrides at once and keeps the topic configs', () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const m = open(dataDir);
    m.createTopic('t', 2, { 'segment.bytes': '2048' });
    m.alterTopicConfigs('t', { 'retention.ms': '5000', 'segment.ms': '60000' });
    for (const p of [0, 1]) {
      const c = m.partition('t', p)!.logConfig;
      expect([c.retentionMs, c.segmentMs, c.segmentBytes]).toEqual([5000, 60000, 4096]);
    }
    m.setBrokerOverrides({ 'retention.ms': '100', 'segment.bytes': '3000', 'max.message.bytes': '500' });
    expect([m.partition('t', 0)!.logConfig.retentionMs, m.partition('t', 1)!.logConfig.segmentBytes]).toEqual([5000, 3000]);
    expect([m.topicConfig('t', 'max.message.bytes'), m.topicConfig('t', 'retention.ms'), m.topicConfig('none', 'retention.ms')])
      .toEqual(['500', '5000', undefined]);
    expect(() => m.alterTopicConfigs('t', { 'segment.bytes': 'lots' })).toThrow();
    expect(m.getTopic('t')!.configs).toEqual({ 'retention.ms': '5000', 'segment.ms': '60000' });
    m.close();
    const again = open(dataDir);
    expect(again.getTopic('t')!.configs).toEqual({ 'retention.ms': '5000', 'segment.ms': '60000' });
    expect(again.partition('t', 1)!.logConfig.retentionMs).toBe(5000);
    again.close();
  });

  it('adds partitions with their partition.metadata and finds topics by id', () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const m = open(dataDir);
    const info = m.createTopic('grow', 1);
    m.partition('grow', 0)!.append(batchOf(1));
    expect(m.addPartitions('grow', 3).partitions).toBe(3);
    expect(() => m.addPartitions('grow', 3)).toThrow();
    const id = info.topicId.toString('base64url');
    for (const p of [0, 1, 2]) {
      expect(fs.readFileSync(path.join(dataDir, `grow-${p}`, 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${id}\n`);
    }
    expect(m.topicById(info.topicId)?.name).toBe('grow');
    expect(m.topicNameById(Buffer.alloc(16, 1))).toBeUndefined();
    m.close();
    const again = open(dataDir);
    expect(again.getTopic('grow')!.partitions).toBe(3);
    expect(again.partition('grow', 0)!.logEndOffset).toBe(1);
    expect(again.topicNameById(info.topicId)).toBe('grow');
    again.deleteTopic('grow');
    expect(again.topicNameById(info.topicId)).toBeUndefined();
    again.close();
  });

  it('gives a topic stored without an id one at startup, and writes its missing partition.metadata', () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const m = open(dataDir);
    m.createTopic('old', 1);
    m.close();
    const file = path.join(dataDir, 'topics.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete stored.topics[0].topicId;
    fs.writeFileSync(file, JSON.stringify(stored));
    fs.rmSync(path.join(dataDir, 'old-0', 'partition.metadata'));
    const again = open(dataDir);
    const id = again.getTopic('old')!.topicId.toString('base64url');
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(fs.readFileSync(path.join(dataDir, 'old-0', 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${id}\n`);
    again.close();
    const third = open(dataDir);
    expect(third.getTopic('old')!.topicId.toString('base64url')).toBe(id);
    third.close();
  });
});
