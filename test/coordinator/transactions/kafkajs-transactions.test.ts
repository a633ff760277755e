/**
 * kafkajs 2.2.4, unchanged, as a transactional producer against Brooklet over a real socket:
 * commit, abort and sendOffsets; consumers with readUncommitted true and false; the offsets of
 * data and markers, the high watermark and the group's committed offset; fencing of a zombie.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { consumeUntil, runTransactions } from './kafkajs-txn-scenario.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

describe('kafkajs transactions', () => {
  let broker: Broker;
  let kafka: Kafka;
  const producers: Producer[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'txn', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'in', numPartitions: 1 }, { topic: 'out', numPartitions: 2 }, { topic: 'zombie', numPartitions: 1 }] });
    await admin.disconnect();
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => {});
    await broker?.close();
  });

  it('commits and aborts: offsets of data and markers, high watermarks, committed group offsets', async () => {
    const result = await runTransactions(kafka, 'out', 'in', 'g-txn');
    // out-0: c1 c2 | commit marker | a1 | abort marker | c4 | commit marker
    // out-1: c3 | commit marker | a2 | abort marker | c5 | commit marker
    expect(result.highWatermarks).toEqual([7, 6]);
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

  it('fences a zombie: the older producer of a transactional id gets INVALID_PRODUCER_EPOCH on produce and PRODUCER_FENCED-class errors on commit', async () => {
    const zombie = kafka.producer({ transactionalId: 'zombie-id', maxInFlightRequests: 1, idempotent: true });
    producers.push(zombie);
    await zombie.connect();
    const old = await zombie.transaction();
    await old.send({ topic: 'zombie', messages: [{ value: 'from-zombie' }] });

    const successor = kafka.producer({ transactionalId: 'zombie-id', maxInFlightRequests: 1, idempotent: true });
    producers.push(successor);
    await successor.connect(); // the open transaction is aborted, the epoch bumped (twice: fence, then init)
    const txn = await successor.transaction();
    await txn.send({ topic: 'zombie', messages: [{ value: 'from-successor' }] });
    await txn.commit();

    const sendError = await old.send({ topic: 'zombie', messages: [{ value: 'late' }] }).then(() => null, (e: { type?: string }) => e);
    expect(sendError?.type).toBe('INVALID_PRODUCER_EPOCH');
    const commitError = await old.commit().then(() => null, (e: { type?: string }) => e);
    expect(commitError?.type).toBe('INVALID_PRODUCER_EPOCH'); // EndTxn v1: PRODUCER_FENCED as older versions know it

    const seen = await consumeUntil(kafka, 'zombie', 'g-zombie', false, ['from-successor']);
    expect(seen).toEqual({ 0: ['from-successor@2'] }); // 0 the zombie's record, 1 its abort marker
  });
});
