/**
 * Fuzzes protocol/codecs and the cleaner's record reader with mutated compressed payloads:
 * seeded with the batches the Java client and librdkafka wrote (test/protocol/codecs/fixtures)
 * and with Brooklet's own output for every codec, then bytes flipped, runs overwritten with
 * 0x00 or 0xff (lengths and varints), cut short, extended or spliced from another seed. Whatever
 * comes in, decompression returns at most its cap or throws CodecError, and readRecords (the
 * cleaner's reader) throws only UndecodableBatchError, the ListOffsets record walk never throws, and
 * produce's re-compression throws only CORRUPT_MESSAGE: no other exception, no crash, no input
 * slower than a second. FUZZ_SECONDS sets the budget, FUZZ_SEED the mutation sequence.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodecError, compressPayload, decompressPayload } from '../../protocol/codecs/index.js';
import { RECORD_BATCH_HEADER_SIZE, computeBatchCrc } from '../../protocol/record-batch.js';
import { encodeRecordBatch } from '../../protocol/records.js';
import { UndecodableBatchError, readRecords } from '../../storage/cleaner/batch-filter.js';
import { StorageError } from '../../storage/errors.js';
import { firstRecordAtOrAfter } from '../../storage/record-timestamps.js';
import { recompressBatches } from '../../src/broker/produce-compression/recompress-batches.js';
import { rng } from './mutate.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 5);
const CAP = 1 << 20;
const FIXTURES = path.join(import.meta.dirname, '../protocol/codecs/fixtures');

interface Seed {
  codec: number;
  batch: Buffer;
}

function seeds(): Seed[] {
  const out: Seed[] = fs.readdirSync(FIXTURES).filter((n) => n.endsWith('.batch')).map((n) => {
    const batch = fs.readFileSync(path.join(FIXTURES, n));
    return { codec: batch.readInt16BE(21) & 7, batch };
  });
  const records = Array.from({ length: 200 }, (_, i) => ({ key: Buffer.from(`k${i % 13}`), value: i % 9 === 0 ? null : Buffer.from(`value ${i} `.repeat(i % 30)) }));
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const batch = encodeRecordBatch({ records, compression, timestamp: 1_700_000_000_000 });
    out.push({ codec: batch.readInt16BE(21) & 7, batch });
  }
  return out;
}

function mutate(payload: Buffer, other: Buffer, random: () => number): Buffer {
  const out = Buffer.from(payload);
  const at = () => Math.floor(random() * Math.max(1, out.length));
  switch (Math.floor(random() * 6)) {
    case 0: for (let i = 0; i < 1 + random() * 4; i++) out[at()] ^= 1 << Math.floor(random() * 8); return out;
    case 1: { const from = at(); out.fill(random() < 0.5 ? 0x00 : 0xff, from, Math.min(out.length, from + 1 + Math.floor(random() * 8))); return out; }
    case 2: return out.subarray(0, at());
    case 3: return Buffer.concat([out, other.subarray(0, Math.floor(random() * other.length))]);
    case 4: { const from = at(); return Buffer.concat([out.subarray(0, from), other.subarray(Math.floor(random() * other.length)), out.subarray(from)]); }
    default: { const from = at(); out.writeUInt8(Math.floor(random() * 256), from); return out; }
  }
}

describe('codec fuzz', () => {
  it(`survives ${SECONDS}s of mutated compressed payloads`, () => {
    const corpus = seeds();
    for (const seed of corpus) expect(readRecords(seed.batch).length).toBe(seed.batch.readInt32BE(57));
    const fuzzSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const random = rng(fuzzSeed);
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    let executions = 0;
    let slowestMs = 0;
    const deadline = performance.now() + SECONDS * 1000;
    while (performance.now() < deadline) {
      const seed = corpus[Math.floor(random() * corpus.length)]!;
      const other = corpus[Math.floor(random() * corpus.length)]!.batch.subarray(RECORD_BATCH_HEADER_SIZE);
      const payload = mutate(seed.batch.subarray(RECORD_BATCH_HEADER_SIZE), other, random);
      const batch = Buffer.concat([seed.batch.subarray(0, RECORD_BATCH_HEADER_SIZE), payload]);
      batch.writeInt32BE(batch.length - 12, 8);
      batch.writeUInt32BE(computeBatchCrc(batch, 0), 17);
      const started = performance.now();
      let outcome = 'ok';
      try {
        const out = decompressPayload(seed.codec, payload, CAP);
        if (out.length > CAP) failures.push(`codec ${seed.codec}: ${out.length} bytes past the cap`);
      } catch (err) {
        if (!(err instanceof CodecError)) failures.push(`codec ${seed.codec} decompress: ${(err as Error).stack}`);
        outcome = (err as Error).message.replace(/\d+/g, 'N').slice(0, 60);
      }
      try {
        readRecords(batch);
      } catch (err) {
        if (!(err instanceof UndecodableBatchError)) failures.push(`codec ${seed.codec} readRecords: ${(err as Error).stack}`);
      }
      // ListOffsets by timestamp opens the batch too: an answer or null, never an exception.
      try {
        firstRecordAtOrAfter(batch, 1_700_000_000_000 + Math.floor(random() * 100));
      } catch (err) {
        failures.push(`codec ${seed.codec} firstRecordAtOrAfter: ${(err as Error).stack}`);
      }
      // A topic whose compression.type differs re-compresses it at produce: the batch or CORRUPT_MESSAGE.
      try {
        recompressBatches(batch, { codec: seed.codec === 4 ? 0 : 4, budget: CAP });
      } catch (err) {
        if (!(err instanceof StorageError && err.code === 'CORRUPT_MESSAGE')) failures.push(`codec ${seed.codec} recompressBatches: ${(err as Error).stack}`);
      }
      slowestMs = Math.max(slowestMs, performance.now() - started);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      executions++;
      if (failures.length > 5) break;
    }
    console.log(`codec fuzz (seed ${fuzzSeed}): ${executions} executions, ${outcomes.size} distinct outcomes, slowest ${slowestMs.toFixed(1)} ms`);
    expect(failures).toEqual([]);
    expect(executions).toBeGreaterThan(1000);
    expect(outcomes.size).toBeGreaterThan(10);
    // inputs are a few KiB: a second means a hang or a blow-up, not a GC pause on a slow machine
    expect(slowestMs).toBeLessThan(1000);
  }, 60_000);

  it('compressPayload output of every codec decompresses back (seed sanity)', () => {
    for (const codec of [1, 2, 3, 4]) expect(decompressPayload(codec, compressPayload(codec, Buffer.from('x'.repeat(1000)))).length).toBe(1000);
  });
});
