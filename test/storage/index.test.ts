import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { OffsetIndex } from '../../storage/offset-index.js';
import { TimeIndex } from '../../storage/time-index.js';
import { buildBatch, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

interface Placed {
  position: number;
  size: number;
  base: number;
  last: number;
  maxTimestamp: number;
}

/** One active segment with batches of varying sizes and non-monotonic timestamps. */
function build(interval: number) {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const m = LogManager.open({ dataDir, defaults: { indexIntervalBytes: interval } });
  m.createTopic('t', 1);
  const log = m.partition('t', 0)!;
  const placed: Placed[] = [];
  let position = 0;
  for (let i = 0; i < 200; i++) {
    const count = 1 + (i % 5);
    const ts = 10_000 + i * 100 + ((i * 37) % 7) * 60 - 200 * (i % 3 === 0 ? 1 : 0);
    const batch = buildBatch(Array.from({ length: count }, (_, k) => ({ value: 'x'.repeat(10 + ((i + k) % 40)), timestamp: ts + k })));
    const r = log.append(batch);
    placed.push({ position, size: batch.length, base: r.baseOffset, last: r.lastOffset, maxTimestamp: ts + count - 1 });
    position += batch.length;
  }
  return { m, log, placed };
}

describe('offset index', () => {
  it('adds an entry each time more than index.interval.bytes were appended', () => {
    const interval = 1000;
    const { m, log, placed } = build(interval);
    const index = log.segmentList[0]!.offsetIndex;
    // Expected entries by the rule, computed independently from the batch list.
    const expected: Array<{ offset: number; position: number }> = [];
    let since = 0;
    for (const b of placed) {
      if (since > interval) {
        expected.push({ offset: b.last, position: b.position });
        since = 0;
      }
      since += b.size;
    }
    expect(expected.length).toBeGreaterThan(10);
    expect(Array.from({ length: index.entries }, (_, i) => index.entry(i))).toEqual(expected);
    // On disk: 8-byte big-endian entries (relative offset, position).
    const file = fs.readFileSync(index.path);
    expect(file.length).toBe(expected.length * 8);
    expect(file.readInt32BE(8)).toBe(expected[1]!.offset);
    expect(file.readInt32BE(12)).toBe(expected[1]!.position);
    m.close();
  });

  it('lookups equal a linear scan, and reads start at the batch holding the offset', () => {
    const { m, log, placed } = build(700);
    const index = log.segmentList[0]!.offsetIndex;
    const entries = Array.from({ length: index.entries }, (_, i) => index.entry(i));
    for (let target = 0; target <= placed.at(-1)!.last + 3; target++) {
      const linear = entries.filter((e) => e.offset <= target).at(-1) ?? { offset: 0, position: 0 };
      expect(index.lookup(target)).toEqual(linear);
      if (target <= placed.at(-1)!.last) {
        const holder = placed.find((b) => b.base <= target && target <= b.last)!;
        const chunk = log.read(target, 1, true).chunks[0]!;
        expect(Number(chunk.readBigInt64BE(0))).toBe(holder.base);
        expect(chunk.length).toBe(holder.size);
      }
    }
    m.close();
  });

  it('loads back from its file', () => {
    const { m, log } = build(500);
    const index = log.segmentList[0]!.offsetIndex;
    const loaded = OffsetIndex.open(index.path, 0, false);
    expect(loaded.entries).toBe(index.entries);
    for (const t of [0, 17, 150, 400]) expect(loaded.lookup(t)).toEqual(index.lookup(t));
    m.close();
  });
});

describe('time index', () => {
  it('records the growing max timestamp at the index cadence; lookups equal a linear scan', () => {
    const interval = 800;
    const { m, log, placed } = build(interval);
    const timeIndex = log.segmentList[0]!.timeIndex;
    const expected: Array<{ timestamp: number; offset: number }> = [];
    let since = 0;
    let max = -1;
    let offsetOfMax = -1;
    for (const b of placed) {
      if (b.maxTimestamp > max) {
        max = b.maxTimestamp;
        offsetOfMax = b.last;
      }
      if (since > interval) {
        if (expected.length === 0 || max > expected.at(-1)!.timestamp) expected.push({ timestamp: max, offset: offsetOfMax });
        since = 0;
      }
      since += b.size;
    }
    const entries = Array.from({ length: timeIndex.entries }, (_, i) => timeIndex.entry(i));
    expect(entries).toEqual(expected);
    expect(fs.statSync(timeIndex.path).size).toBe(expected.length * 12);
    const loaded = TimeIndex.open(timeIndex.path, 0, false);
    for (let ts = 9000; ts < 32_000; ts += 37) {
      const linear = entries.filter((e) => e.timestamp <= ts).at(-1) ?? { timestamp: -1, offset: 0 };
      expect(timeIndex.lookup(ts)).toEqual(linear);
      expect(loaded.lookup(ts)).toEqual(linear);
    }
    m.close();
  });

  it('offsetForTimestamp equals a linear scan over every record', () => {
    const { m, log, placed } = build(600);
    const records: Array<{ offset: number; ts: number }> = [];
    for (const b of placed) for (let k = 0; k <= b.last - b.base; k++) records.push({ offset: b.base + k, ts: b.maxTimestamp - (b.last - b.base) + k });
    for (let ts = 9000; ts < 32_000; ts += 53) {
      // Kafka's rule: the first batch whose max timestamp reaches ts, then its first record >= ts.
      const batch = placed.find((b) => b.maxTimestamp >= ts);
      const expected = batch === undefined ? null : records.find((r) => r.offset >= batch.base && r.ts >= ts)!;
      const got = log.offsetForTimestamp(ts);
      expect(got).toEqual(expected === null ? null : { offset: expected.offset, timestamp: expected.ts });
    }
    m.close();
  });
});

it('writes files named by 20-digit base offsets', () => {
  const { m, log } = build(500);
  expect(path.basename(log.segmentList[0]!.logPath)).toBe('00000000000000000000.log');
  m.close();
});
