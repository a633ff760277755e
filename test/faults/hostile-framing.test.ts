/**
 * Frame sizes a Kafka client never sends: negative, above socket.request.max.bytes, zero, and the
 * first four bytes of other protocols (HTTP, TLS, SSH, Redis) read as a size. The broker closes
 * the connection as soon as it has the four size bytes, without waiting for (or allocating) the
 * declared frame, answers nothing, and 2,000 such connections leave its memory where it was.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryOf, probe, startChildBroker } from '../fuzz/child-broker.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const COMMAND = 'npx vitest run test/faults/hostile-framing.test.ts';
/** Close time of each case that passed; the row is recorded only when all of them did. */
const closeMs = new Map<string, number>();
/** Rows of later tests, recorded after the per-case row so the table reads simplest first. */
const recordLater: (() => void)[] = [];

const MAX_REQUEST_BYTES = 100 * 1024 * 1024; // the default socket.request.max.bytes
const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };

const CASES: [string, Buffer][] = [
  ['size -1', int32(-1)],
  ['size -2^31', int32(-(2 ** 31))],
  ['size max + 1', int32(MAX_REQUEST_BYTES + 1)],
  ['size 2^31 - 1', int32(2 ** 31 - 1)],
  ['size 0 (no header)', int32(0)],
  ['size 3 (header cut short)', Buffer.concat([int32(3), Buffer.from([0, 18, 0])])],
  ['HTTP GET, only its first 4 bytes', Buffer.from('GET ')],
  ['HTTP POST request', Buffer.from('POST /topics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}')],
  ['HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
  ['TLS ClientHello', Buffer.from('160301020001', 'hex')],
  ['SSH banner', Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')],
  ['Redis command', Buffer.from('*1\r\n$4\r\nPING\r\n')],
];

/** Writes `bytes` and resolves with the ms until the broker closed, and how many bytes it sent. */
function closedAfter(bootstrap: string, bytes: Buffer): Promise<{ ms: number; received: number }> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve, reject) => {
    let received = 0;
    let sentAt = 0;
    const socket = net.connect({ host: host!, port: Number(port) }, () => { sentAt = Date.now(); socket.write(bytes); });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('connection still open after 3 s')); }, 3000);
    socket.on('data', (d) => { received += d.length; });
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve({ ms: Date.now() - sentAt, received }); });
  });
}

describe('hostile frame sizes', () => {
  it.each(CASES)('%s: closed at once, nothing answered', async (_name, bytes) => {
    const broker = await shared();
    const { ms, received } = await closedAfter(broker.bootstrap, bytes);
    expect(received).toBe(0);
    expect(ms).toBeLessThan(1000);
    await probe(broker.bootstrap);
    closeMs.set(_name, ms);
  });

  it('2,000 connections declaring 100 MB-2 GiB frames, each followed by 64 KiB, allocate none of it', async () => {
    const broker = await shared();
    for (let i = 0; i < 100; i++) await closedAfter(broker.bootstrap, int32(2 ** 31 - 1));
    const before = memoryOf(broker.child.pid!);
    for (let i = 0; i < 2000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => closedAfter(broker.bootstrap,
        Buffer.concat([int32(j % 2 ? 2 ** 31 - 1 : MAX_REQUEST_BYTES + 1), Buffer.alloc(64 * 1024, 0x41)]))));
    }
    const after = memoryOf(broker.child.pid!);
    const growthMb = (after.hwm - before.rss) / (1024 * 1024);
    console.log(`2,000 oversized frames: RSS ${(before.rss / 1048576).toFixed(1)} -> ${(after.rss / 1048576).toFixed(1)} MB, peak +${growthMb.toFixed(1)} MB`);
    // one declared frame allocated would be 100 MB or 2 GiB; what remains is socket reads not yet collected
    expect(growthMb).toBeLessThan(64);
    expect(broker.exitCode).toBeUndefined();
    recordLater.push(() => {
      recordFigure(HOSTILE, '2,000 connections declaring 100 MB-2 GiB frames, each followed by 64 KiB', {
        figure: `peak RSS +${fmt(growthMb, 1)} MB (RSS ${fmt(before.rss / 1048576, 1)} -> ${fmt(after.rss / 1048576, 1)} MB), none of the declared sizes allocated, broker still up`,
        command: COMMAND, connections: 2000, rssBeforeMb: before.rss / 1048576, rssAfterMb: after.rss / 1048576, peakGrowthMb: growthMb,
      });
    });
  });
});

afterAll(() => sharedBroker?.stop());
afterAll(() => {
  if (closeMs.size === CASES.length) {
    recordFigure(HOSTILE, `Frame sizes < 0, > socket.request.max.bytes, 0, and HTTP / HTTP/2 / TLS / SSH / Redis bytes on the Kafka port (${CASES.length} cases)`, {
      figure: `each closed after the 4 size bytes, nothing answered; slowest close ${fmt(Math.max(...closeMs.values()))} ms (limit 1 s)`,
      command: COMMAND, cases: CASES.length, slowestCloseMs: Math.max(...closeMs.values()),
    });
  }
  for (const record of recordLater) record();
  writeFigures(import.meta.url);
});

let sharedBroker: Awaited<ReturnType<typeof startChildBroker>> | undefined;
async function shared() {
  if (!sharedBroker) {
    sharedBroker = await startChildBroker();
  }
  return sharedBroker;
}
