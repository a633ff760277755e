/**
 * kafkajs 2.2.4, unchanged, as a transactional producer against Brooklet over a real socket:
 * commit, abort and sendOffsets; consumers with readUncommitted true and false; the offsets of
 * data and markers, the high watermark and the group's committed offset; fencing of a zombie.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { consumeUntil, runTransactions, zombie } from './kafkajs-txn-scenario.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

describe('kafkajs transactions', () => {
  let broker: Broker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'txn', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'in', numPartitions: 1 }, { topic: 'out', numPartitions: 2 }, { topic: 'zombie', numPartitions: 1 }] });
    await admin.disconnect();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('commits and aborts: offsets of data and markers, high watermarks, committed group offsets', async () => {
    const result = await runTransactions(kafka, broker.bootstrap, 'out', 'in', 'g-txn');
    // out-0: c1 c2 | commit marker | a1 | abort marker | c4 | commit marker
    // out-1: c3 | commit marker | a2 | abort marker | c5 | commit marker
    expect(result.highWatermarks).toEqual([7, 6]);
    expect(result.lastStableOffsets).toEqual([7, 6]);
    expect(result.committed).toEqual({ offset: '5' });
  });

  it('a read_uncommitted consumer sees every record, aborted ones included', async () => {
    const seen = await consumeUntil(kafka, 'out', 'g-uncommitted', true, ['c4', 'c5']);
    expect(seen).toEqual({ 0: ['c1@0', 'c2@1', 'a1@3', 'c4@5'], 1: ['c3@0', 'a2@2', 'c5@4'] });
  });

  it('a read_committed consumer sees committed records only, none skipped', async () => {
    const seen = await consumeUntil(kafka, 'out', 'g-committed', false, ['c4', 'c5']);
    expect(seen).toEqual({ 0: ['c1@0', 'c2@1', 'c4@5'], 1: ['c3@0', 'c5@4'] });
  });

  it('fences a zombie: its late produce is INVALID_PRODUCER_EPOCH, its commit fails, its records stay aborted', async () => {
    // EndTxn v1 knows PRODUCER_FENCED only as INVALID_PRODUCER_EPOCH.
    expect(await zombie(kafka, 'zombie', 'zombie-id')).toEqual({ lateSend: 'INVALID_PRODUCER_EPOCH', lateCommit: 'INVALID_PRODUCER_EPOCH' });
    const seen = await consumeUntil(kafka, 'zombie', 'g-zombie', false, ['from-successor']);
    expect(seen).toEqual({ 0: ['from-successor@2'] }); // 0 the zombie's record, 1 its abort marker
  });
});
