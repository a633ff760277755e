/**
 * The fault path of a sealed segment shrunk by another process, in-process: the read touches a
 * page that vanished before the guard's periodic fstat came due. The page is repaired with
 * zeros (native/sigbus-guard), the read is discarded, the segment is marked damaged and answers
 * STORAGE_ERROR past its intact prefix, and every other segment keeps serving. The test runs
 * synchronously, so the guard's timer cannot tick in between: only the repaired fault, never the
 * time-based recheck, can reveal the damage.
 * (test/faults/sealed-segment-damage.test.ts covers the same damage through a real client.)
 */
import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { mappingFaults } from '../../storage/mmap.js';
import { StorageError } from '../../storage/errors.js';
import { batchOf, batchRanges, tempDir } from './helpers.js';

const PAGE = 4096;
let dataDir: string;
let manager: LogManager | undefined;

function thrownBy(read: () => unknown): unknown {
  try {
    read();
  } catch (err) {
    return err;
  }
  return undefined;
}

afterEach(() => {
  manager?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('a read that touches a vanished page is discarded and the segment answers STORAGE_ERROR past its intact prefix', () => {
  dataDir = tempDir();
  manager = LogManager.open({ dataDir, defaults: { segmentBytes: 16 * PAGE } });
  manager.createTopic('cut', 1);
  const log = manager.partition('cut', 0)!;
  for (let i = 0; i < 200; i++) log.append(batchOf(1, 900));
  const [first, second] = log.segmentList;
  expect(first!.isMapped && second!.isMapped).toBe(true);

  // Batches of the first segment by file position; the first one wholly past page 6.
  const whole = log.read(0, 1 << 20, true);
  const positions: Array<[number, number]> = [];
  let at = 0;
  for (const [base] of batchRanges(whole.chunks).filter(([base]) => base < second!.baseOffset)) {
    positions.push([base, at]);
    at += whole.chunks[0]!.readInt32BE(at + 8) + 12;
  }
  const [lostOffset] = positions.find(([, position]) => position > 6 * PAGE)!;
  const [keptOffset] = positions.find(([, position]) => position + 1000 < 4 * PAGE && position > PAGE)!;

  fs.truncateSync(first!.logPath, 5 * PAGE); // pages 5.. of the mapping vanish
  const faultsBefore = mappingFaults();
  const thrown = thrownBy(() => log.read(lostOffset, 1 << 20, true));
  expect(mappingFaults()).toBeGreaterThan(faultsBefore); // the fault path, not an fstat, found it
  expect(thrown).toBeInstanceOf(StorageError);
  expect((thrown as StorageError).code).toBe('STORAGE_ERROR');
  expect((thrown as StorageError).message).toMatch(/shrunk from \d+ to 20480 bytes/);
  expect(first!.isMapped).toBe(false);

  // The intact prefix is still served (by positional reads now), and the next segment as before.
  const kept = log.read(keptOffset, 500, true);
  expect(batchRanges(kept.chunks)[0]![0]).toBe(keptOffset);
  const next = log.read(second!.baseOffset, 2000, true);
  expect(batchRanges(next.chunks)[0]![0]).toBe(second!.baseOffset);
  expect(second!.isMapped).toBe(true);
});

it('the active segment cut under its mapping: no crash, the read is discarded, later reads answer STORAGE_ERROR past the cut', () => {
  dataDir = tempDir();
  manager = LogManager.open({ dataDir, defaults: { segmentBytes: 1 << 20 } });
  manager.createTopic('active', 1);
  const log = manager.partition('active', 0)!;
  for (let i = 0; i < 40; i++) log.append(batchOf(1, 900));
  const active = log.segmentList[0]!;
  expect(log.read(0, 1 << 20, true).bytes).toBe(active.size); // maps the active segment
  const lost = 30; // ~30 KB in: past the cut below
  fs.truncateSync(active.logPath, 5 * PAGE);
  const faultsBefore = mappingFaults();
  const thrown = thrownBy(() => log.read(lost, 1 << 20, true));
  expect(mappingFaults()).toBeGreaterThan(faultsBefore);
  expect(thrown).toBeInstanceOf(StorageError);
  expect((thrown as StorageError).code).toBe('STORAGE_ERROR');
  expect(() => log.read(lost, 1 << 20, true)).toThrow(StorageError);
  expect(batchRanges(log.read(0, 2000, true).chunks)[0]![0]).toBe(0); // below the cut still served
});
