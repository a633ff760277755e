/**
 * Compressed batches that cannot be decompressed, sent by a hostile or broken client into a
 * compacted topic over a real socket: snappy, lz4 and zstd payloads that are corrupt (each with
 * a valid CRC, so only the payload is wrong) and a zstd decompression bomb (96 MiB of zeros in a
 * few KiB). Brooklet stores a produced batch as sent (it never decompresses on produce); then
 * its cleaner must not crash or inflate the bomb past its cap: those batches stay byte for byte,
 * the good batches around them are compacted, the broker keeps serving produce, and the console
 * browser lists the bad batches with the reason instead of failing the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecId, compressPayload } from '../../protocol/codecs/index.js';
import { ErrorCode, RECORD_BATCH_HEADER_SIZE, computeBatchCrc } from '../../protocol/index.js';
import { decodeRecordBatch, encodeRecordBatch, type Compression } from '../../protocol/records.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
const TOPIC = 'hostile-compressed';
const T = Date.now();
let broker: Broker;
let client: RawClient;

beforeAll(async () => {
  broker = await startTestBroker({ logCleanerBackoffMs: 200 });
  client = await RawClient.connect(broker.bootstrap);
  const configs = [['cleanup.policy', 'compact'], ['segment.ms', '100'], ['min.cleanable.dirty.ratio', '0.01']].map(([name, value]) => ({ name, value }));
  const { body } = await client.request(19, 7, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 5000, validateOnly: false });
  expect(body.topics[0].errorCode).toBe(ErrorCode.NONE);
}, 60_000);
afterAll(async () => {
  client?.close();
  await broker?.close();
});

function batch(pairs: Array<[string, string]>, compression: Compression, timestamp = T): Buffer {
  return encodeRecordBatch({ records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v) })), timestamp, compression });
}

/** `template` with its payload replaced; the CRC recomputed so that only the payload is wrong. */
function withPayload(template: Buffer, payload: Buffer): Buffer {
  const out = Buffer.concat([template.subarray(0, RECORD_BATCH_HEADER_SIZE), payload]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeUInt32BE(computeBatchCrc(out, 0), 17);
  return out;
}

async function produce(records: Buffer): Promise<number> {
  const res = await client.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
  const answer = res.body.responses[0].partitionResponses[0];
  expect(answer.errorCode).toBe(ErrorCode.NONE);
  return Number(answer.baseOffset);
}

/** The decodable records of every sealed segment (all but the last file), or null while a swap moves files. */
function sealedRecords(): { records: string[]; bytes: Buffer } | null {
  const dir = path.join(broker.dataDir, `${TOPIC}-0`);
  const names = fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).sort();
  try {
    const bytes = Buffer.concat(names.slice(0, -1).map((n) => fs.readFileSync(path.join(dir, n))));
    const records: string[] = [];
    for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
      try {
        for (const r of decodeRecordBatch(bytes.subarray(at, at + 12 + bytes.readInt32BE(at + 8))).records) records.push(`${r.key}=${r.value}`);
      } catch {
        // an undecodable batch: checked byte for byte below
      }
    }
    return { records, bytes };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

describe('undecodable compressed batches in a compacted topic', () => {
  it('are kept byte for byte by the cleaner, which compacts the rest; the broker and the console keep serving', async () => {
    const bad = new Map<string, Buffer>();
    await produce(batch([['a', 'old'], ['b', 'old']], 'lz4'));
    for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
      const good = batch([['x', codec], ['y', codec]], codec);
      const payload = Buffer.from(good.subarray(RECORD_BATCH_HEADER_SIZE));
      const broken = codec === 'lz4' ? payload.subarray(0, payload.length - 6) : payload.fill(0xee, 8, payload.length - 4);
      bad.set(`corrupt ${codec}`, withPayload(good, broken));
    }
    bad.set('zstd bomb', withPayload(batch([['bomb', 'x']], 'zstd'), compressPayload(codecId('zstd'), Buffer.alloc(96 << 20))));
    for (const bytes of bad.values()) await produce(bytes);
    await produce(batch([['a', 'new']], 'snappy'));
    await produce(batch([['sentinel', 'roll']], 'none', T + 60_000)); // segment.ms: a segment of its own

    const deadline = Date.now() + 60_000;
    let sealed = sealedRecords();
    while (sealed === null || sealed.records.includes('a=old')) {
      if (Date.now() > deadline) throw new Error(`the cleaner did not compact ${TOPIC}: ${JSON.stringify(sealed?.records)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      sealed = sealedRecords();
    }
    expect(sealed.records).toEqual(['b=old', 'a=new']);
    // From the magic byte on (the broker assigns the base offset and the leader epoch).
    for (const [what, bytes] of bad) expect(sealed.bytes.includes(bytes.subarray(16)), what).toBe(true);

    // Still serving: produce answers, and the browser shows the good records and names the bad batches.
    await produce(batch([['after', 'clean']], 'zstd', T + 60_000));
    const page = await (await fetch(`${broker.httpUrl}/api/topics/${TOPIC}/partitions/0/messages?order=oldest&limit=100`)).json() as {
      messages: Array<{ key: { base64: string } }>; skipped: Array<{ note: string }>;
    };
    expect(page.messages.map((m) => Buffer.from(m.key.base64, 'base64').toString())).toEqual(['b', 'a', 'sentinel', 'after']);
    expect(page.skipped).toHaveLength(4);
    for (const note of page.skipped) expect(note.note).toMatch(/^could not be decoded: (snappy|lz4|zstd): /);
    expect(page.skipped.some((s) => /more than 16 MiB|too much memory/.test(s.note))).toBe(true);
  }, 120_000);
});
