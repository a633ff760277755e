/**
 * The cleaner and transactions through kafkajs: a transactional producer commits and aborts on a
 * compacted topic (a segment per record timestamp second, delete.retention.ms 100, the cleaner
 * every 200 ms) while a plain producer supersedes part of the committed data. Once cleaning has
 * run: the markers of the transactions whose data is all gone are gone from the segment files,
 * the marker of the transaction whose data survives is still there, and read_committed and
 * read_uncommitted consumers see exactly the expected records (nothing of the aborted
 * transaction, the last value of every key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
const TOPIC = 'compacted-txn';

/** Offsets of the control batches (transaction markers) in the partition's segment files. */
function markerOffsets(dataDir: string): number[] {
  const dir = path.join(dataDir, `${TOPIC}-0`);
  const out: number[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n))) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(dir, name));
    } catch {
      continue; // swapped away between the listing and the read
    }
    for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
      if ((bytes.readInt16BE(at + 21) & 0x20) !== 0) out.push(Number(bytes.readBigInt64BE(at)));
    }
  }
  return out.sort((a, b) => a - b);
}

describe('compaction of a transactional topic through kafkajs', () => {
  let broker: Broker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker({ logCleanerBackoffMs: 200 });
    kafka = new Kafka({ clientId: 'cleaner-txn', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{
        topic: TOPIC,
        numPartitions: 1,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.ms', value: '100' },
          { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          { name: 'delete.retention.ms', value: '100' },
        ],
      }],
    });
    await admin.disconnect();
  }, 60_000);
  afterAll(async () => broker?.close());

  it('removes the markers of fully cleaned transactions; both isolation levels read the expected records', async () => {
    const producer = kafka.producer({ transactionalId: 'cleaner-txn', idempotent: true, maxInFlightRequests: 1 });
    const plain = kafka.producer();
    await producer.connect();
    await plain.connect();
    // Record timestamps a second apart: segment.ms rolls a segment between sends.
    let clock = Date.now();
    const at = (): string => String((clock += 1000));
    const inTxn = async (messages: Array<{ key: string; value: string }>, commit: boolean): Promise<void> => {
      const txn = await producer.transaction();
      await txn.send({ topic: TOPIC, messages: messages.map((m) => ({ ...m, timestamp: at() })) });
      await (commit ? txn.commit() : txn.abort());
    };
    await inTxn([{ key: 'a', value: 'a-txn1' }, { key: 'b', value: 'b-txn1' }], true); // all superseded below
    await inTxn([{ key: 'a', value: 'a-aborted' }, { key: 'c', value: 'c-aborted' }], false);
    await inTxn([{ key: 'b', value: 'b-txn3' }], true); // survives: its marker must stay
    await plain.send({ topic: TOPIC, acks: -1, messages: [{ key: 'a', value: 'a-plain', timestamp: at() }, { key: 'd', value: 'd-plain', timestamp: at() }] });
    const markersWritten = markerOffsets(broker.dataDir);
    expect(markersWritten).toHaveLength(3);
    const survivingMarker = markersWritten[2]!;

    // Keep writing (one key, new segments) so that the cleaner has something dirty each round:
    // a clean removes the data, the next stamps the delete horizon, one after it removes the marker.
    const deadline = Date.now() + 90_000;
    let markers = markersWritten;
    while (Date.now() < deadline) {
      await plain.send({ topic: TOPIC, acks: -1, messages: [{ key: 'pad', value: `pad-${clock}`, timestamp: at() }] });
      await new Promise((r) => setTimeout(r, 150));
      markers = markerOffsets(broker.dataDir);
      if (markers.length === 1) break;
    }
    expect(markers).toEqual([survivingMarker]);
    await plain.send({ topic: TOPIC, acks: -1, messages: [{ key: 'end', value: 'end', timestamp: at() }] });

    const read = async (readUncommitted: boolean): Promise<Map<string, string>> => {
      const consumer = kafka.consumer({ groupId: `cleaner-txn-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      const seen: Array<[string, string]> = [];
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push([String(message.key), String(message.value)]);
            if (String(message.key) === 'end') resolve();
          },
        });
      });
      await consumer.disconnect();
      // Never a value of the aborted transaction, whatever the isolation level (the cleaner removed them).
      expect(seen.filter(([, v]) => v.endsWith('-aborted'))).toEqual([]);
      const keyed = seen.filter(([k]) => k !== 'pad');
      expect(new Set(keyed.map(([k]) => k)).size).toBe(keyed.length); // compacted: each key once
      return new Map(keyed);
    };
    const expected = new Map([['a', 'a-plain'], ['b', 'b-txn3'], ['d', 'd-plain'], ['end', 'end']]);
    expect(await read(false)).toEqual(expected);
    expect(await read(true)).toEqual(expected);
    await producer.disconnect();
    await plain.disconnect();
  }, 180_000);
});
