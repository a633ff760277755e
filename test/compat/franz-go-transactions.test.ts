/**
 * franz-go (test/compat/go, built by scripts/install-peers.sh) against Brooklet: its
 * GroupTransactSession consume-transform-produce loop (a group consumer at read_committed with
 * require_stable offset fetches, a transactional producer, the consumed offsets committed inside
 * each transaction). Two runs of the peer one after the other, 40 records per transaction: the
 * first commits one transaction and exits, the second resumes from the offsets it committed: every input record comes out exactly once, none twice, none lost.
 * Needs the peer: skips without it, fails without it when CI=true.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { repoRoot } from '../harness/repo-paths.js';

const PEER = path.join(repoRoot, 'test/compat/go/target/compat-go');
const missing = fs.existsSync(PEER) ? null : 'the franz-go peer is not built: run scripts/install-peers.sh';
if (missing && process.env.CI === 'true') throw new Error(missing);
if (missing) console.warn(`skipping the franz-go transactions test: ${missing}`);

const RECORDS = 300;

function runSession(bootstrap: string, extra: string[]): Promise<{ code: number | null; lines: { records: number; committed: boolean }[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PEER, ['txn-session', '--bootstrap', bootstrap, '--input', 'fg-in', '--output', 'fg-out', '--group', 'fg-group',
      '--transactional-id', 'fg-txn', '--timeout', '90s', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr, lines: out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)) }));
  });
}

describe.skipIf(missing !== null)('franz-go GroupTransactSession against Brooklet', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'fg', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'fg-in', numPartitions: 2 }, { topic: 'fg-out', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < RECORDS; i += 50) {
      await producer.send({ topic: 'fg-in', acks: -1, messages: Array.from({ length: 50 }, (_, k) => ({ key: `k${i + k}`, value: `value-${i + k}`, partition: (i + k) % 2 })) });
    }
    await producer.disconnect();
  });
  afterAll(async () => broker?.close());

  it('transforms every record exactly once across two runs of the session', async () => {
    const first = await runSession(broker.bootstrap, ['--max-batches', '1', '--max-poll', '40']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toEqual({ records: 40, committed: true });
    const second = await runSession(broker.bootstrap, ['--max-poll', '40', '--idle', '3s']);
    expect(second.code, second.stderr).toBe(0);
    const transformed = [...first.lines, ...second.lines].reduce((sum, l) => sum + (l.committed ? l.records : 0), 0);
    expect(transformed).toBe(RECORDS); // the second run resumed exactly where the first committed

    // read_committed until as many records as went in: a duplicate would take a missing one's place.
    const values: string[] = [];
    const reader = kafka.consumer({ groupId: 'fg-check', readUncommitted: false, maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topic: 'fg-out', fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${values.length} of ${RECORDS}`)), 60_000);
      reader.run({ eachMessage: async ({ message }) => {
        values.push(String(message.value));
        if (values.length >= RECORDS) {
          clearTimeout(timer);
          resolve();
        }
      } }).catch(reject);
    });
    await reader.disconnect();
    expect(values).toHaveLength(RECORDS);
    expect(new Set(values)).toEqual(new Set(Array.from({ length: RECORDS }, (_, i) => `VALUE-${i}`)));

    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: 'fg-group', topics: ['fg-in'] });
    await admin.disconnect();
    expect(offsets!.partitions.map((p) => Number(p.offset)).sort()).toEqual([RECORDS / 2, RECORDS / 2]);
  }, 200_000);
});
