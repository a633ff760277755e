/**
 * Torn tails, exhaustively: the active segment cut at every byte offset of its last batch, and
 * separately one bit flipped at every byte of it. Each time an unclean restart must recover
 * exactly to the last valid batch (or keep the batch, when the flipped bit is in the partition
 * leader epoch, which neither the CRC nor anything else covers), rebuild indexes equal to a
 * freshly built log's, and accept the next append at the right offset. It must never throw.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { batchOf, batchRanges, tempDir } from './helpers.js';
import { DURABILITY, fmt, recordFigure, writeFigures } from '../reliability/record.js';

/** Damaged copies recovered, per kind of damage, from passing tests only. */
const recovered: { cuts?: number; flips?: number; dropped?: number } = {};

const DEFAULTS = { segmentBytes: 1 << 20, indexIntervalBytes: 150 };
const BATCHES = 12;
const dirs: string[] = [];
let template: string;
let fresh: { ranges: Array<[number, number]>; indexes: Record<string, string> };
let last: { position: number; size: number };
let logName: string;

function batch(i: number): Buffer {
  return batchOf(1 + (i % 4), 17 + i * 3);
}

function write(count: number): string {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const m = LogManager.open({ dataDir, defaults: DEFAULTS });
  m.createTopic('t', 1);
  for (let i = 0; i < count; i++) m.partition('t', 0)!.append(batch(i));
  m.close();
  return dataDir;
}

function indexesOf(dataDir: string): Record<string, string> {
  const dir = path.join(dataDir, 't-0');
  return Object.fromEntries(fs.readdirSync(dir).filter((f) => /\.(time)?index$/.test(f)).map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('hex')]));
}

beforeAll(() => {
  template = write(BATCHES);
  const bytes = fs.readFileSync(path.join(template, 't-0', (logName = '00000000000000000000.log')));
  let at = 0;
  while (at < bytes.length) {
    last = { position: at, size: 12 + bytes.readInt32BE(at + 8) };
    at += last.size;
  }
  const shorter = write(BATCHES - 1);
  const m = LogManager.open({ dataDir: shorter, defaults: DEFAULTS });
  fresh = { ranges: batchRanges(m.partition('t', 0)!.read(0, 1 << 30, true).chunks), indexes: {} };
  m.close();
  fresh.indexes = indexesOf(shorter);
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  if (recovered.cuts !== undefined && recovered.flips !== undefined) {
    recordFigure(DURABILITY, `Torn tail: the active segment cut at every byte offset of its last batch (${fmt(recovered.cuts)} cut points), and one bit flipped at every byte of it`, {
      figure: `every cut and ${fmt(recovered.dropped!)} of ${fmt(recovered.flips)} flips (all but the 4-byte partition leader epoch, which no CRC covers) `
        + 'recover exactly to the previous batch, indexes equal a freshly built log\'s, the next append gets the right offset; never a crash',
      command: 'npx vitest run test/storage/torn-tail.test.ts',
      cuts: recovered.cuts, flips: recovered.flips, dropped: recovered.dropped!,
    });
  }
  writeFigures(import.meta.url);
});

/** Copies the template, damages its .log, restarts uncleanly, checks, appends once more. */
function recoverAfter(damage: (file: string) => void): { ranges: Array<[number, number]>; size: number; indexes: Record<string, string>; nextAppend: number } {
  const dataDir = tempDir();
  try {
    fs.cpSync(template, dataDir, { recursive: true });
    damage(path.join(dataDir, 't-0', logName));
    fs.rmSync(path.join(dataDir, '.kafka_cleanshutdown'));
    fs.rmSync(path.join(dataDir, 'recovery-point-offset-checkpoint'));
    const m = LogManager.open({ dataDir, defaults: DEFAULTS });
    const log = m.partition('t', 0)!;
    const ranges = batchRanges(log.read(0, 1 << 30, true).chunks);
    const size = fs.statSync(path.join(dataDir, 't-0', logName)).size;
    const indexes = indexesOf(dataDir);
    const nextAppend = log.append(batch(99)).baseOffset;
    m.close();
    return { ranges, size, indexes, nextAppend };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('torn last batch', () => {
  it('cut at every byte offset of the last batch: recovers exactly to the batch before it', () => {
    expect(last.size).toBeGreaterThan(100);
    const expectedEnd = fresh.ranges.at(-1)![1] + 1;
    for (let cut = 0; cut < last.size; cut++) {
      const after = recoverAfter((file) => fs.truncateSync(file, last.position + cut));
      expect({ cut, ranges: after.ranges }).toEqual({ cut, ranges: fresh.ranges });
      expect({ cut, size: after.size }).toEqual({ cut, size: last.position });
      expect({ cut, indexes: after.indexes }).toEqual({ cut, indexes: fresh.indexes });
      expect({ cut, next: after.nextAppend }).toEqual({ cut, next: expectedEnd });
    }
    recovered.cuts = last.size;
  });

  it('one bit flipped at every byte of the last batch: the batch is dropped, except in the unchecked leader epoch', () => {
    const all = fresh.ranges.length + 1;
    let dropped = 0;
    for (let at = 0; at < last.size; at++) {
      const bit = 1 << (at % 8);
      const after = recoverAfter((file) => {
        const bytes = fs.readFileSync(file);
        bytes[last.position + at]! ^= bit;
        fs.writeFileSync(file, bytes);
      });
      const inLeaderEpoch = at >= 12 && at < 16;
      if (inLeaderEpoch) {
        expect({ at, batches: after.ranges.length }).toEqual({ at, batches: all });
      } else {
        dropped++;
        expect({ at, ranges: after.ranges }).toEqual({ at, ranges: fresh.ranges });
        expect({ at, size: after.size }).toEqual({ at, size: last.position });
        expect({ at, next: after.nextAppend }).toEqual({ at, next: fresh.ranges.at(-1)![1] + 1 });
      }
    }
    expect(dropped).toBe(last.size - 4);
    recovered.flips = last.size;
    recovered.dropped = dropped;
  });
});
