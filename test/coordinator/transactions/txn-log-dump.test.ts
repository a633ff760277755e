/**
 * Kafka's own kafka-dump-log (DumpLogSegments --transaction-log-decoder from the real-Kafka jars)
 * reads Brooklet's __transaction_state: both value versions Brooklet writes (0, and 1 with its
 * tagged field of group offsets, which Kafka's decoder skips) decode to the same fields.
 * Needs the jars (scripts/install-peers.sh): skips without them, fails without them when CI=true.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogManager } from '../../../storage/log-manager.js';
import { TransactionStateLog } from '../../../src/coordinator/transactions/txn-log.js';
import { KAFKA_JARS, requireKafkaTools } from '../../helpers/kafka-tools.js';

const haveJars = requireKafkaTools();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-txn-dump-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(!haveJars)('kafka-dump-log --transaction-log-decoder on Brooklet files', () => {
  it('decodes every record Brooklet wrote, with Kafka field names', () => {
    const logs = LogManager.open({ dataDir });
    const log = new TransactionStateLog(logs);
    log.append('with-offsets', { producerId: 7, producerEpoch: 1, timeoutMs: 60_000, state: 1, lastUpdateMs: 1_700_000_000_001, startMs: 1_700_000_000_000,
      partitions: [{ topic: 't', partition: 0 }, { topic: '__consumer_offsets', partition: 0 }],
      groups: [{ groupId: 'g', entries: [{ topic: 'in', partition: 2, offset: 42, leaderEpoch: -1, metadata: 'm' }] }] }, 1_700_000_000_001);
    log.append('plain', { producerId: 8, producerEpoch: 0, timeoutMs: 60_000, state: 4, partitions: [], lastUpdateMs: 1_700_000_000_002, startMs: -1 }, 1_700_000_000_002);
    log.append('gone', null, 1_700_000_000_003);
    logs.close();

    const file = path.join(dataDir, '__transaction_state-0', '00000000000000000000.log');
    const run = spawnSync('java', ['-Xmx256m', '-cp', `${KAFKA_JARS}/*`, 'kafka.tools.DumpLogSegments', '--files', file, '--transaction-log-decoder', '--print-data-log'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const payloads = [...run.stdout.matchAll(/key: (\{.*?\}\}) payload: (\S+)/g)].map((m) => [JSON.parse(m[1]!), m[2] === '<DELETE>' ? null : JSON.parse(m[2]!)]);
    expect(payloads).toEqual([
      [{ type: '0', data: { transactionalId: 'with-offsets' } }, { version: '1', data: {
        producerId: 7, producerEpoch: 1, transactionTimeoutMs: 60000, transactionStatus: 1,
        transactionPartitions: [{ topic: 't', partitionIds: [0] }, { topic: '__consumer_offsets', partitionIds: [0] }],
        transactionLastUpdateTimestampMs: 1700000000001, transactionStartTimestampMs: 1700000000000 } }],
      [{ type: '0', data: { transactionalId: 'plain' } }, { version: '0', data: {
        producerId: 8, producerEpoch: 0, transactionTimeoutMs: 60000, transactionStatus: 4, transactionPartitions: [],
        transactionLastUpdateTimestampMs: 1700000000002, transactionStartTimestampMs: -1 } }],
      [{ type: '0', data: { transactionalId: 'gone' } }, null],
    ]);
  });
});
