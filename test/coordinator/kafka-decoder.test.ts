/**
 * Brooklet's __consumer_offsets records are Kafka's: Kafka's own DumpLogSegments
 * --offsets-decoder reads a commit, a group and a tombstone written by the coordinator. Needs
 * the real-Kafka jars (scripts/install-peers.sh); without them the test skips, or fails when
 * CI=true.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OFFSETS_TOPIC } from '../../src/coordinator/offsets-log.js';
import { kafkaJarsDir, pinnedKafkaVersion } from '../harness/repo-paths.js';
import { Harness } from './harness.js';

const jars = kafkaJarsDir();
// DumpLogSegments lives in Kafka's core jar.
const haveJars = fs.existsSync(path.join(jars, `kafka_2.13-${pinnedKafkaVersion()}.jar`));
if (!haveJars && process.env.CI === 'true') throw new Error(`real-Kafka jars missing in ${jars}: run scripts/install-peers.sh`);

describe.skipIf(!haveJars)('__consumer_offsets in Kafka\'s own record formats', () => {
  it('DumpLogSegments --offsets-decoder reads what the coordinator wrote', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = new Harness();
    let member: { memberId: string; generationId: number };
    try {
      member = await h.joinAndSync('decoded');
      h.coordinator.offsets.commit({ groupId: 'decoded', generationId: member.generationId, memberId: member.memberId,
        groupInstanceId: null, retentionTimeMs: -1, entries: [{ topic: 'orders', partition: 3, offset: 1234, leaderEpoch: 7, metadata: 'note' }] });
      h.coordinator.offsets.commit({ groupId: 'standalone', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: 60_000,
        entries: [{ topic: 'orders', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }] });
      h.coordinator.topicDeleted('orders');
    } finally {
      h.close();
      vi.useRealTimers();
    }
    const segment = path.join(h.dataDir, `${OFFSETS_TOPIC}-0`, '00000000000000000000.log');
    const out = spawnSync('java', ['-cp', `${jars}/*`, 'kafka.tools.DumpLogSegments', '--files', segment, '--offsets-decoder', '--print-data-log'],
      { encoding: 'utf8', timeout: 60_000 });
    expect(out.status, out.stderr).toBe(0);
    const lines = out.stdout.split('\n').filter((l) => l.startsWith('| offset:'));
    const records = lines.map((l) => ({ key: JSON.parse(/key: (\{.*?\}\}) payload/.exec(l)![1]!), payload: /payload: (.*)$/.exec(l)![1]! }));
    expect(records[0]!.key).toEqual({ type: '2', data: { group: 'decoded' } });
    const group = JSON.parse(records[0]!.payload);
    expect(group).toMatchObject({ version: '3', data: { protocolType: 'consumer', generation: 1, protocol: 'range', leader: member.memberId } });
    expect(group.data.members).toEqual([expect.objectContaining({ memberId: member.memberId, clientId: 'client', sessionTimeout: 6000 })]);
    const commit = records.find((r) => r.key.type === '1' && r.key.data.group === 'decoded' && r.payload !== '<DELETE>')!;
    expect(commit.key.data).toEqual({ group: 'decoded', topic: 'orders', partition: 3 });
    expect(JSON.parse(commit.payload)).toMatchObject({ version: '3', data: { offset: 1234, leaderEpoch: 7, metadata: 'note' } });
    const explicit = records.find((r) => r.key.data.group === 'standalone' && r.payload !== '<DELETE>')!;
    expect(JSON.parse(explicit.payload)).toMatchObject({ version: '1', data: { offset: 5, metadata: '' } });
    expect(records.filter((r) => r.payload === '<DELETE>').map((r) => r.key.data.group).sort()).toEqual(['decoded', 'standalone']);
  }, 90_000);
});
