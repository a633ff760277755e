/**
 * A sealed segment shrunk or overwritten on disk while the broker has it mapped. Touching a
 * mapped page past the end of a shrunk file is SIGBUS, which would kill the process; the broker
 * must survive it (native/sigbus-guard), notice (storage/sealed-guard.ts), answer
 * KAFKA_STORAGE_ERROR for the damaged range, and keep serving the intact batches before it, the
 * rest of the partition and every other partition.
 * In a child-process broker, so a SIGBUS would show as the child dying.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, encodeRecordBatch } from '../../protocol/index.js';
import { RECHECK_MS } from '../../storage/sealed-guard.js';
import { tempDataDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { spawnBroker } from './crash-harness.js';
import { DURABILITY, recordFigure, writeFigures } from '../reliability/record.js';

/** Batches in the damaged segment, per damage that passed; the row needs both. */
const survived = new Map<string, number>();

let broker: Awaited<ReturnType<typeof spawnBroker>>;
let client: RawClient;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDataDir('brooklet-damage-');
  broker = await spawnBroker(dataDir, 'never', 8 * 1024, undefined);
  client = await RawClient.connect(broker.bootstrap);
  for (const name of ['shrunk', 'overwritten', 'healthy']) {
    const { body } = await client.request(19, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(body.topics[0].errorCode).toBe(ErrorCode.NONE);
    for (let r = 0; r < 60; r++) {
      const records = encodeRecordBatch({ records: Array.from({ length: 5 }, (_, k) => ({ key: null, value: Buffer.alloc(100, 65 + ((r + k) % 26)) })), timestamp: Date.now() });
      const res = await client.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name, partitionData: [{ index: 0, records }] }] });
      expect(res.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    }
  }
});

afterAll(async () => {
  client?.close();
  broker?.child.kill('SIGKILL');
  await broker?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (survived.size === 2) {
    recordFigure(DURABILITY, 'A sealed, mapped segment shrunk to the middle of a batch, or overwritten there with garbage, under a child-process broker', {
      figure: 'no SIGBUS: fetches of the damaged range answer KAFKA_STORAGE_ERROR (56); intact batches before it, the segments before '
        + 'and after it and other topics keep serving; the broker process stays up',
      command: 'npx vitest run test/faults/sealed-segment-damage.test.ts',
      shrunkSegmentBatches: survived.get('shrunk')!, overwrittenSegmentBatches: survived.get('overwritten')!,
    });
  }
  writeFigures(import.meta.url);
});

async function fetchAt(topic: string, offset: number): Promise<{ errorCode: number; firstOffset: number | null }> {
  const res = await client.request(1, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = res.body.responses[0].partitions[0];
  const records: Buffer | null = Array.isArray(p.records) ? Buffer.concat(p.records) : p.records;
  return { errorCode: p.errorCode, firstOffset: records && records.length >= 61 ? Number(records.readBigInt64BE(0)) : null };
}

/** The second .log of a partition (sealed) and its batches: [position, baseOffset, size]. */
function sealedSegment(topic: string): { file: string; batches: Array<[number, number, number]> } {
  const dir = path.join(dataDir, `${topic}-0`);
  const logs = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  expect(logs.length).toBeGreaterThanOrEqual(4);
  const file = path.join(dir, logs[1]!);
  const bytes = fs.readFileSync(file);
  const batches: Array<[number, number, number]> = [];
  for (let at = 0; at < bytes.length; at += 12 + bytes.readInt32BE(at + 8)) batches.push([at, Number(bytes.readBigInt64BE(at)), 12 + bytes.readInt32BE(at + 8)]);
  return { file, batches };
}

describe.each([
  ['shrunk', (file: string, cut: number) => fs.truncateSync(file, cut)],
  ['overwritten', (file: string, cut: number) => {
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(300, 0xee), 0, 300, cut);
    fs.closeSync(fd);
  }],
] as const)('a sealed segment %s on disk', (topic, damage) => {
  it('answers KAFKA_STORAGE_ERROR for the damaged range only; the broker stays up', async () => {
    const { file, batches } = sealedSegment(topic);
    const mid = Math.floor(batches.length / 2);
    const damagedBatch = batches[mid]!;
    const intactBatch = batches[mid - 1]!;
    const lastBatch = batches.at(-1)!;
    // read everything once: the segment is mapped and its pages touched
    for (const [, base] of batches) expect((await fetchAt(topic, base)).errorCode).toBe(ErrorCode.NONE);

    damage(file, damagedBatch[0] + 20);
    // An overwrite faults nothing: the guard sees it at its next fstat, at most RECHECK_MS after
    // the last one while the segment is read. A shrink is seen either way (a touched vanished
    // page is repaired and counted; test/storage/sealed-fault.test.ts takes that path).
    await new Promise((resolve) => setTimeout(resolve, 3 * RECHECK_MS));

    for (const offset of [damagedBatch[1], damagedBatch[1] + 2, lastBatch[1] + 4]) {
      expect(await fetchAt(topic, offset)).toEqual({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, firstOffset: null });
    }
    expect(await fetchAt(topic, intactBatch[1])).toEqual({ errorCode: ErrorCode.NONE, firstOffset: intactBatch[1] });
    expect(await fetchAt(topic, batches[0]![1])).toEqual({ errorCode: ErrorCode.NONE, firstOffset: batches[0]![1] });
    expect((await fetchAt(topic, 0)).errorCode).toBe(ErrorCode.NONE); // the first segment
    const nextSegment = lastBatch[1] + 5;
    expect(await fetchAt(topic, nextSegment)).toEqual({ errorCode: ErrorCode.NONE, firstOffset: nextSegment });
    expect(await fetchAt('healthy', 150)).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(broker.child.exitCode).toBeNull();
    expect(broker.child.signalCode).toBeNull();
    survived.set(topic, batches.length);
  });
});
