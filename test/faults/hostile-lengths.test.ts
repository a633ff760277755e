/**
 * Declared lengths beyond the bytes present (the class of CVE-2022-34917): every string length,
 * bytes length, array count, compact length and tagged-field count or size of a real request,
 * rewritten to a huge value, is rejected before allocation: the connection is closed with no
 * answer, and 10,000 such requests over real sockets grow the broker's resident memory (a child
 * process, read from /proc) by under 100 MB. Also: a request that declares millions of tiny array
 * elements within its size (max.request.elements).
 */
import net from 'node:net';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { Writer, encodeRequestFrame } from '../../protocol/index.js';
import { sampleSeeds } from '../fuzz/corpus.js';
import { decodeTarget } from '../fuzz/decoder-target.js';
import { memoryOf, probe, startChildBroker } from '../fuzz/child-broker.js';
import { traceLengthFields, type LengthField } from '../fuzz/trace.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const COMMAND = 'npx vitest run test/faults/hostile-lengths.test.ts';
afterAll(() => writeFigures(import.meta.url));

const MB = 1024 * 1024;
const TOTAL = 10_000;

function withHugeLength(frame: Buffer, f: LengthField): Buffer {
  if (f.kind === 'uvarint') {
    const huge = Buffer.concat(new Writer().uvarint(0xffff_fff0).finish());
    return Buffer.concat([frame.subarray(0, f.at), huge, frame.subarray(f.at + f.width)]);
  }
  const out = Buffer.from(frame);
  if (f.kind === 'int16') out.writeInt16BE(0x7fff, f.at);
  else out.writeInt32BE(0x7fff_fff0, f.at);
  return out;
}

const sized = (frame: Buffer) => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length);
  return Buffer.concat([size, frame]);
};

/** Sends one frame on a new connection; resolves 'closed' when the broker closes it without a byte. */
function sendAndWait(bootstrap: string, bytes: Buffer): Promise<'closed' | 'answered' | 'timeout'> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host: host!, port: Number(port) }, () => socket.write(bytes));
    const finish = (what: 'closed' | 'answered' | 'timeout') => { clearTimeout(timer); socket.destroy(); resolve(what); };
    const timer = setTimeout(() => finish('timeout'), 5000);
    socket.on('data', () => finish('answered'));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => {});
  });
}

describe('declared lengths beyond the bytes present', () => {
  it(`rejects ${TOTAL} such requests before allocating, with under 100 MB of RSS growth`, async () => {
    const broker = await startChildBroker();
    onTestFinished(() => broker.stop());
    const ranges = await probe(broker.bootstrap);

    // every length field of a sample request of every advertised version, made huge
    const attacks: { frame: Buffer; kind: string }[] = [];
    for (const seed of sampleSeeds(ranges)) {
      for (const f of traceLengthFields(seed.frame)) {
        const frame = withHugeLength(seed.frame, f);
        // a rewritten tag number or a length whose field the version ignores may still decode; keep the rejects
        if (!/:ok$|unroutable/.test(decodeTarget(frame))) attacks.push({ frame: sized(frame), kind: f.kind });
      }
    }
    const kinds = new Set(attacks.map((a) => a.kind));
    expect([...kinds].sort()).toEqual(['int16', 'int32', 'uvarint']);
    expect(attacks.length).toBeGreaterThan(500);

    // warm up, then measure
    for (const a of attacks.slice(0, 200)) expect(await sendAndWait(broker.bootstrap, a.frame)).toBe('closed');
    const before = memoryOf(broker.child.pid!);
    const outcomes = { closed: 0, answered: 0, timeout: 0 };
    const started = Date.now();
    for (let i = 0; i < TOTAL; i += 50) {
      const wave = Array.from({ length: 50 }, (_, j) => attacks[(i + j) % attacks.length]!.frame);
      for (const o of await Promise.all(wave.map((f) => sendAndWait(broker.bootstrap, f)))) outcomes[o]++;
    }
    const elapsedMs = Date.now() - started;
    const after = memoryOf(broker.child.pid!);
    const growth = { rss: (after.rss - before.rss) / MB, peak: (after.hwm - before.rss) / MB };
    console.log(`${TOTAL} oversized-length requests (${attacks.length} distinct) in ${Date.now() - started} ms: ` +
      `RSS ${(before.rss / MB).toFixed(1)} -> ${(after.rss / MB).toFixed(1)} MB (peak ${(after.hwm / MB).toFixed(1)} MB)`);
    expect(outcomes).toEqual({ closed: TOTAL, answered: 0, timeout: 0 });
    expect(growth.rss).toBeLessThan(100);
    expect(growth.peak).toBeLessThan(100);
    await probe(broker.bootstrap);
    expect(broker.exitCode).toBeUndefined();
    recordFigure(HOSTILE, `Declared string / bytes / array / compact / tagged-field lengths beyond the bytes present (CVE-2022-34917 class): every length field of a sample request of every advertised version set huge, ${fmt(attacks.length)} distinct requests`, {
      figure: `${fmt(TOTAL)} sent over real sockets to a child-process broker in ${fmt(elapsedMs / 1000, 1)} s: all closed, none answered; `
        + `RSS ${fmt(before.rss / MB, 1)} -> ${fmt(after.rss / MB, 1)} MB (peak +${fmt(growth.peak, 1)} MB, limit 100 MB)`,
      command: COMMAND, sent: TOTAL, distinct: attacks.length, ms: elapsedMs, closed: outcomes.closed, answered: outcomes.answered,
      rssBeforeMb: before.rss / MB, rssAfterMb: after.rss / MB, peakGrowthMb: growth.peak,
    });
  });

  it('closes a request declaring millions of tiny array elements before building them', async () => {
    const broker = await startChildBroker();
    onTestFinished(() => broker.stop());
    // Metadata v1 whose topic array holds 10 million empty names: 20 MB that the length guard
    // accepts (each element has its 2 bytes) but that would decode to 10 million objects
    const head = Buffer.concat(encodeRequestFrame(3, 1, 7, 'amplifier', { topics: [] }));
    const count = 10_000_000;
    const bytes = Buffer.alloc(head.length + 2 * count);
    head.copy(bytes);
    bytes.writeInt32BE(bytes.length - 4, 0);
    bytes.writeInt32BE(count, head.length - 4);
    const before = memoryOf(broker.child.pid!);
    const started = Date.now();
    expect(await sendAndWait(broker.bootstrap, bytes)).toBe('closed');
    const elapsed = Date.now() - started;
    await probe(broker.bootstrap, 1000);
    const after = memoryOf(broker.child.pid!);
    console.log(`10M-element Metadata (20 MB): closed in ${elapsed} ms, peak RSS +${((after.hwm - before.rss) / MB).toFixed(1)} MB`);
    // the frame itself is 20 MB; decoding it whole would cost ~700 MB and seconds of blocked loop
    expect((after.hwm - before.rss) / MB).toBeLessThan(100);
    expect(elapsed).toBeLessThan(3000);
    recordFigure(HOSTILE, 'A request within its size that declares 10 million tiny array elements (20 MB Metadata v1)', {
      figure: `closed in ${fmt(elapsed)} ms, peak RSS +${fmt((after.hwm - before.rss) / MB, 1)} MB (the frame itself), broker still answering`,
      command: COMMAND, elements: count, closedMs: elapsed, peakGrowthMb: (after.hwm - before.rss) / MB,
    });
  });
});
