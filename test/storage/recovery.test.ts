import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { batchOf, batchRanges, tempDir } from './helpers.js';
import { DURABILITY, recordFigure, writeFigures } from '../reliability/record.js';

/** Index-repair cases that passed (4 damages x 2 index kinds x clean and unclean stop). */
let indexRepairs = 0;
const INDEX_REPAIR_CASES = 16;
afterAll(() => {
  if (indexRepairs === INDEX_REPAIR_CASES) {
    recordFigure(DURABILITY, 'Offset and time index deleted, truncated mid-entry, truncated to zero, overwritten with garbage, after a clean and an unclean stop, on a sealed and the active segment', {
      figure: `all ${INDEX_REPAIR_CASES} cases rebuilt byte-identical to the original; a lookup for every offset returns the same batch`,
      command: 'npx vitest run test/storage/recovery.test.ts',
      cases: INDEX_REPAIR_CASES,
    });
  }
  writeFigures(import.meta.url);
});

const DEFAULTS = { segmentBytes: 2000, indexIntervalBytes: 200 };
const BATCHES = 40;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The i-th test batch: varying record counts and sizes, the same in every log. */
function nthBatch(i: number): Buffer {
  return batchOf(1 + (i % 3), 20 + ((i * 7) % 50));
}

/** A data dir holding topic t-0 with `count` batches, closed cleanly. */
function writeLog(count: number): { dataDir: string; ranges: Array<[number, number]>; partitionDir: string } {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const m = LogManager.open({ dataDir, defaults: DEFAULTS });
  m.createTopic('t', 1);
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const r = m.partition('t', 0)!.append(nthBatch(i));
    ranges.push([r.baseOffset, r.lastOffset]);
  }
  m.close();
  return { dataDir, ranges, partitionDir: path.join(dataDir, 't-0') };
}

function segmentFiles(partitionDir: string): string[] {
  return fs.readdirSync(partitionDir).filter((f) => /^\d{20}\.(log|index|timeindex)$/.test(f)).sort();
}

function lastLogFile(partitionDir: string): string {
  return path.join(partitionDir, segmentFiles(partitionDir).filter((f) => f.endsWith('.log')).at(-1)!);
}

/** Position and size of the last batch in a .log file. */
function lastBatchOf(file: string): { position: number; size: number } {
  const bytes = fs.readFileSync(file);
  let at = 0;
  let last = { position: 0, size: 0 };
  while (at < bytes.length) {
    last = { position: at, size: 12 + bytes.readInt32BE(at + 8) };
    at += last.size;
  }
  return last;
}

function crash(dataDir: string): void {
  fs.rmSync(path.join(dataDir, '.kafka_cleanshutdown'));
}

/** Reopens, reads back every batch and the index files, closes. */
function reopen(dataDir: string) {
  const m = LogManager.open({ dataDir, defaults: DEFAULTS });
  const log = m.partition('t', 0)!;
  const ranges = batchRanges(log.read(0, 1 << 30, true).chunks);
  const endOffset = log.logEndOffset;
  const report = log.recovery;
  // A lookup for every offset goes through the (possibly rebuilt) index.
  const lookups = Array.from({ length: endOffset }, (_, o) => batchRanges(log.read(o, 1, true).chunks)[0]);
  m.close();
  const indexes = Object.fromEntries(
    segmentFiles(path.join(dataDir, 't-0'))
      .filter((f) => !f.endsWith('.log'))
      .map((f) => [f, fs.readFileSync(path.join(dataDir, 't-0', f)).toString('hex')]),
  );
  return { ranges, endOffset, report, lookups, indexes };
}

describe('recovery after an unclean stop', () => {
  const cuts: Array<[string, (size: number) => number]> = [
    ['one byte into the batch', () => 1],
    ['inside the length field', () => 10],
    ['inside the header', () => 40],
    ['just past the header', () => 61],
    ['one byte short of the end', (size) => size - 1],
  ];
  for (const [name, cutAt] of cuts) {
    it(`truncates a torn last batch (${name}) back to the previous batch`, () => {
      const { dataDir, ranges, partitionDir } = writeLog(BATCHES);
      const fresh = writeLog(BATCHES - 1);
      const file = lastLogFile(partitionDir);
      const last = lastBatchOf(file);
      fs.truncateSync(file, last.position + cutAt(last.size));
      crash(dataDir);
      const after = reopen(dataDir);
      expect(after.ranges).toEqual(ranges.slice(0, -1));
      expect(after.endOffset).toBe(ranges.at(-2)![1] + 1);
      expect(after.report.truncated?.position).toBe(last.position);
      expect(fs.statSync(file).size).toBe(last.position);
      expect(after.indexes).toEqual(reopen(fresh.dataDir).indexes);
    });
  }

  const flips: Array<[string, (size: number) => number, string]> = [
    ['in the records (bad crc)', (size) => size - 3, 'bad crc'],
    ['in the attributes (bad crc)', () => 22, 'bad crc'],
    ['in the magic byte', () => 16, 'bad magic'],
    ['in the length', () => 9, 'short batch'],
  ];
  for (const [name, at, problem] of flips) {
    it(`truncates at a flipped bit ${name}`, () => {
      const { dataDir, ranges, partitionDir } = writeLog(BATCHES);
      const file = lastLogFile(partitionDir);
      const last = lastBatchOf(file);
      const bytes = fs.readFileSync(file);
      bytes[last.position + at(last.size)] ^= 0x10;
      fs.writeFileSync(file, bytes);
      crash(dataDir);
      const after = reopen(dataDir);
      expect(after.report.truncated?.problem).toBe(problem);
      expect(after.ranges).toEqual(ranges.slice(0, -1));
    });
  }

  it('cuts trailing garbage and offsets that go backwards', () => {
    const { dataDir, ranges, partitionDir } = writeLog(BATCHES);
    const file = lastLogFile(partitionDir);
    const bytes = fs.readFileSync(file);
    const first = bytes.subarray(0, 12 + bytes.readInt32BE(8)); // a valid batch, but an old offset
    fs.appendFileSync(file, first);
    crash(dataDir);
    let after = reopen(dataDir);
    expect(after.report.truncated?.problem).toBe('offsets not increasing');
    expect(after.ranges).toEqual(ranges);
    fs.appendFileSync(file, Buffer.alloc(100, 0xab));
    crash(dataDir);
    after = reopen(dataDir);
    expect(after.ranges).toEqual(ranges);
    expect(fs.statSync(file).size).toBe(bytes.length);
  });

  it('without a recovery point, a bad batch in an older segment drops everything after it', () => {
    const { dataDir, ranges, partitionDir } = writeLog(BATCHES);
    const logs = segmentFiles(partitionDir).filter((f) => f.endsWith('.log'));
    expect(logs.length).toBeGreaterThanOrEqual(3);
    const second = path.join(partitionDir, logs[1]!);
    const secondBase = Number(logs[1]!.slice(0, 20));
    const bytes = fs.readFileSync(second);
    const firstSize = 12 + bytes.readInt32BE(8);
    bytes[firstSize + 30] ^= 0x01; // second batch of the second segment
    fs.writeFileSync(second, bytes);
    fs.rmSync(path.join(dataDir, 'recovery-point-offset-checkpoint'));
    crash(dataDir);
    const after = reopen(dataDir);
    const survivors = ranges.filter(([base]) => base < secondBase + 1);
    expect(after.ranges).toEqual(survivors);
    expect(after.report.deletedSegments.length).toBe(logs.length - 2);
    expect(segmentFiles(partitionDir).filter((f) => f.endsWith('.log'))).toEqual(logs.slice(0, 2));
  });
});

describe('index repair', () => {
  const damages: Array<[string, (file: string) => void]> = [
    ['deleted', (file) => fs.rmSync(file)],
    ['truncated mid-entry', (file) => fs.truncateSync(file, Math.max(1, fs.statSync(file).size - 3))],
    ['truncated to whole entries', (file) => fs.truncateSync(file, 0)],
    ['garbage-filled', (file) => fs.writeFileSync(file, Buffer.alloc(fs.statSync(file).size, 0x5a))],
  ];
  for (const clean of [false, true]) {
    for (const kind of ['.index', '.timeindex']) {
      for (const [name, damage] of damages) {
        it(`rebuilds a ${name} ${kind} (${clean ? 'clean' : 'unclean'} stop) equal to a fresh one`, () => {
          const { dataDir, ranges, partitionDir } = writeLog(BATCHES);
          const before = reopen(dataDir);
          const files = segmentFiles(partitionDir).filter((f) => f.endsWith(kind));
          // the first (sealed) and the last (active) segment
          for (const f of [files[0]!, files.at(-1)!]) damage(path.join(partitionDir, f));
          if (!clean) crash(dataDir);
          const after = reopen(dataDir);
          expect(after.indexes).toEqual(before.indexes);
          const bases = [files[0]!, files.at(-1)!].map((f) => Number(f.slice(0, 20)));
          expect(after.report.rebuiltIndexes).toEqual(expect.arrayContaining(bases));
          expect(after.ranges).toEqual(ranges);
          expect(after.lookups).toEqual(before.lookups);
          indexRepairs++;
        });
      }
    }
  }
});
