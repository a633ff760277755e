import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { ProducerStateManager } from '../../storage/producer-state.js';
import { batchOf, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function openLog(dataDir = tempDir()) {
  dirs.push(dataDir);
  const manager = LogManager.open({ dataDir, defaults: { segmentBytes: 600 } });
  if (!manager.getTopic('t')) manager.createTopic('t', 1);
  return { manager, log: manager.partition('t', 0)!, dataDir };
}

const idem = (producerId: number, producerEpoch: number, baseSequence: number, count = 2) =>
  batchOf(count, 10, { producerId, producerEpoch, baseSequence });

describe('idempotent producer rules', () => {
  it('answers a retried batch with its original offsets and writes nothing', () => {
    const { manager, log } = openLog();
    const first = log.append(idem(7, 0, 0));
    log.append(idem(7, 0, 2));
    const end = log.logEndOffset;
    const retry = log.append(idem(7, 0, 0));
    expect(retry).toMatchObject({ baseOffset: first.baseOffset, lastOffset: first.lastOffset, duplicate: true });
    expect(log.logEndOffset).toBe(end);
    manager.close();
  });

  it('remembers only the last five batches', () => {
    const { manager, log } = openLog();
    for (let i = 0; i < 6; i++) log.append(idem(1, 0, i * 2));
    // seq 0-1 fell out of the cache: no longer a duplicate, and out of order
    expect(() => log.append(idem(1, 0, 0))).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE' }));
    expect(log.append(idem(1, 0, 2)).duplicate).toBe(true);
    manager.close();
  });

  it('rejects gaps and unexpected sequences as out of order', () => {
    const { manager, log } = openLog();
    log.append(idem(3, 0, 0));
    expect(() => log.append(idem(3, 0, 5))).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE' }));
    expect(() => log.append(idem(3, 0, 1))).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE' }));
    expect(log.append(idem(3, 0, 2)).duplicate).toBe(false);
    manager.close();
  });

  it('applies the epoch rules', () => {
    const { manager, log } = openLog();
    log.append(idem(4, 2, 0));
    expect(() => log.append(idem(4, 1, 2))).toThrow(expect.objectContaining({ code: 'INVALID_PRODUCER_EPOCH' }));
    expect(() => log.append(idem(4, 3, 5))).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE' }));
    expect(log.append(idem(4, 3, 0)).duplicate).toBe(false);
    // a batch of the old epoch is not a duplicate any more but a fenced producer
    expect(() => log.append(idem(4, 2, 0))).toThrow(expect.objectContaining({ code: 'INVALID_PRODUCER_EPOCH' }));
    manager.close();
  });

  it('accepts any sequence from an unknown producer and skips producer id -1', () => {
    const { manager, log } = openLog();
    expect(log.append(idem(9, 0, 42)).duplicate).toBe(false);
    expect(log.append(batchOf(1)).duplicate).toBe(false);
    expect(log.append(batchOf(1)).duplicate).toBe(false);
    manager.close();
  });

  it('wraps the sequence from INT32 max to 0', () => {
    const state = new ProducerStateManager();
    const max = 0x7fffffff;
    const batch = { producerId: 5, producerEpoch: 0, baseSequence: max - 1, lastOffsetDelta: 1, maxTimestamp: 0 };
    state.record(batch, 0);
    expect(state.get(5)!.batches[0]!.lastSeq).toBe(max);
    expect(() => state.validate({ ...batch, baseSequence: 0, lastOffsetDelta: 0 })).not.toThrow();
    expect(() => state.validate({ ...batch, baseSequence: 1, lastOffsetDelta: 0 })).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE' }));
  });

  it('rejects a request whose second batch is out of order without appending the first', () => {
    const { manager, log } = openLog();
    log.append(idem(6, 0, 0));
    const end = log.logEndOffset;
    expect(() => log.append(Buffer.concat([idem(6, 0, 2), idem(6, 0, 9)]))).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE' }));
    expect(log.logEndOffset).toBe(end);
    expect(log.append(Buffer.concat([idem(6, 0, 2), idem(6, 0, 4)])).lastOffset).toBe(end + 3);
    manager.close();
  });

  for (const clean of [true, false]) {
    it(`survives a reopen (${clean ? 'clean' : 'unclean'})`, () => {
      const { manager, log, dataDir } = openLog();
      for (let i = 0; i < 10; i++) log.append(idem(11, 1, i * 2));
      const last = log.append(idem(11, 1, 20));
      manager.close();
      if (!clean) fs.rmSync(`${dataDir}/.kafka_cleanshutdown`);
      const again = openLog(dataDir);
      expect(again.log.segmentList.length).toBeGreaterThan(1);
      const retry = again.log.append(idem(11, 1, 20));
      expect(retry).toMatchObject({ duplicate: true, baseOffset: last.baseOffset, lastOffset: last.lastOffset });
      expect(() => again.log.append(idem(11, 1, 30))).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE' }));
      expect(() => again.log.append(idem(11, 0, 22))).toThrow(expect.objectContaining({ code: 'INVALID_PRODUCER_EPOCH' }));
      expect(again.log.append(idem(11, 1, 22)).duplicate).toBe(false);
      again.manager.close();
    });
  }
});
