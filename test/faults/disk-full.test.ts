/**
 * Disk full, on a real 2 MiB tmpfs: produce answers KAFKA_STORAGE_ERROR, the short write is cut
 * back so nothing half-written becomes visible (the .log holds exactly the acknowledged batches),
 * fetch keeps serving, and writes resume at the next offset once space returns.
 * Mounting needs root (CAP_SYS_ADMIN); where mount is refused the test is skipped with one line.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ErrorCode, encodeRecordBatch } from '../../protocol/index.js';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { DURABILITY, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const mountPoint = tempDataDir('brooklet-tmpfs-');
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  console.warn(`disk-full test skipped: cannot mount a tmpfs here (${String((err as Error).message).split('\n')[0]})`);
}

afterAll(() => {
  // Lazy: the closed in-process broker's segment mappings hold the filesystem until they are
  // garbage-collected (a mapping lives as long as slices of it may be queued on sockets).
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
  writeFigures(import.meta.url);
});

const BATCH_RECORDS = 20;

function batch(n: number): Buffer {
  return encodeRecordBatch({ records: Array.from({ length: BATCH_RECORDS }, (_, k) => ({ key: null, value: Buffer.alloc(1000, 97 + ((n + k) % 26)) })), timestamp: Date.now() });
}

async function produce(client: RawClient, records: Buffer): Promise<{ errorCode: number; baseOffset: number }> {
  const res = await client.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'full', partitionData: [{ index: 0, records }] }] });
  return res.body.responses[0].partitionResponses[0];
}

async function readAll(client: RawClient): Promise<{ errorCode: number; offsets: number[] }> {
  const offsets: number[] = [];
  for (;;) {
    const res = await client.request(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'full', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offsets.length, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const p = res.body.responses[0].partitions[0];
    if (p.errorCode !== ErrorCode.NONE) return { errorCode: p.errorCode, offsets };
    const records: Buffer | null = Array.isArray(p.records) ? Buffer.concat(p.records) : p.records;
    if (!records || records.length === 0) return { errorCode: 0, offsets };
    for (let at = 0; at < records.length; at += 12 + records.readInt32BE(at + 8)) {
      const base = Number(records.readBigInt64BE(at));
      for (let o = base; o <= base + records.readInt32BE(at + 23); o++) if (o >= offsets.length) offsets.push(o);
    }
  }
}

it.skipIf(!mounted)('answers KAFKA_STORAGE_ERROR when the disk is full, shows nothing half-written, and resumes', async () => {
  const dataDir = path.join(mountPoint, 'data');
  const broker = await startTestBroker({ dataDir });
  const client = await RawClient.connect(broker.bootstrap);
  try {
    const { body } = await client.request(19, 7, { topics: [{ name: 'full', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(body.topics[0].errorCode).toBe(ErrorCode.NONE);
    // leave about 300 KB free
    const filler = path.join(mountPoint, 'filler');
    const free = () => { const s = fs.statfsSync(mountPoint); return s.bavail * s.bsize; };
    fs.writeFileSync(filler, Buffer.alloc(free() - 300 * 1024));

    let acked = 0;
    let ackedBytes = 0;
    let failure: { errorCode: number; baseOffset: number } | undefined;
    for (let n = 0; n < 100 && failure === undefined; n++) {
      const records = batch(n);
      const answer = await produce(client, records);
      if (answer.errorCode === ErrorCode.NONE) {
        expect(answer.baseOffset).toBe(acked * BATCH_RECORDS);
        acked++;
        ackedBytes += records.length;
      } else {
        failure = answer;
      }
    }
    expect(acked).toBeGreaterThan(5);
    expect(failure?.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const logFile = path.join(dataDir, 'full-0', '00000000000000000000.log');
    expect(fs.statSync(logFile).size).toBe(ackedBytes); // the short write was cut back
    expect((await produce(client, batch(1000))).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);

    const whileFull = await readAll(client);
    expect(whileFull.errorCode).toBe(ErrorCode.NONE);
    expect(whileFull.offsets).toEqual(Array.from({ length: acked * BATCH_RECORDS }, (_, i) => i));

    fs.rmSync(filler);
    const resumed = await produce(client, batch(2000));
    expect(resumed).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: acked * BATCH_RECORDS });
    const after = await readAll(client);
    expect(after.offsets).toEqual(Array.from({ length: (acked + 1) * BATCH_RECORDS }, (_, i) => i));
    recordFigure(DURABILITY, 'Disk full on a real 2 MiB tmpfs (the test mounts it; skipped with one line where mount is refused)', {
      figure: `after ${fmt(acked)} acknowledged batches (${fmt(ackedBytes)} bytes) Produce answers KAFKA_STORAGE_ERROR; the .log holds exactly `
        + 'the acknowledged batches (the short write is cut back); fetch returns exactly the acknowledged offsets; after space returns '
        + `the next produce gets the next offset (${fmt(acked * BATCH_RECORDS)})`,
      command: 'npx vitest run test/faults/disk-full.test.ts',
      ackedBatches: acked, ackedBytes, nextOffset: acked * BATCH_RECORDS,
    });
  } finally {
    client.close();
    await broker.close();
  }
});
