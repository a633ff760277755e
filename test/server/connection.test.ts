/**
 * The connection pipeline over a real socket: answers in order even when a slow (asynchronous)
 * request precedes fast ones, and stops processing and reading for a peer that never reads.
 */
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, type RequestProcessor } from '../../src/server/connection.js';

const log = pino({ level: 'silent' });
const frame = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeInt32BE(4, 0);
  b.writeInt32BE(n, 4);
  return b;
};
const reply = (n: number, size = 4) => {
  const b = Buffer.alloc(4 + size);
  b.writeInt32BE(size, 0);
  b.writeInt32BE(n, 4);
  return [b];
};

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(processor: RequestProcessor, maxQueuedOutputBytes = 1 << 20): Promise<{ port: number; conns: Connection[] }> {
  const conns: Connection[] = [];
  const server = net.createServer((socket) => {
    conns.push(new Connection(conns.length, socket, processor,
      { maxRequestBytes: 1024, maxQueuedOutputBytes, maxQueuedRequestBytes: 64 * 1024, idleMs: 60_000 }, log));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, conns };
}

describe('Connection', () => {
  it('answers in request order when an earlier request is slower', async () => {
    const { port } = await serve({
      process(f) {
        const n = f.readInt32BE(0);
        if (n === 0) return null; // like acks=0: no answer at all
        if (n % 2 === 1) return new Promise((r) => setTimeout(() => r(reply(n)), 30));
        return reply(n);
      },
    });
    const socket = net.connect(port, '127.0.0.1');
    const got: number[] = [];
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        got.push(buf.readInt32BE(4));
        buf = buf.subarray(8);
      }
    });
    for (const n of [1, 2, 0, 3, 4, 5, 6]) socket.write(frame(n));
    await new Promise((r) => setTimeout(r, 500));
    socket.destroy();
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops processing and reading for a peer that never reads its responses', async () => {
    let processed = 0;
    const cap = 1 << 20;
    const { port, conns } = await serve({
      process(f) {
        processed++;
        return reply(f.readInt32BE(0), 256 * 1024);
      },
    }, cap);
    const socket = net.connect(port, '127.0.0.1');
    socket.pause(); // never read
    await new Promise<void>((r) => socket.once('connect', () => r()));
    for (let i = 1; i <= 2000; i++) socket.write(frame(i));
    await new Promise((r) => setTimeout(r, 500));
    const afterPause = processed;
    await new Promise((r) => setTimeout(r, 300));
    // 2000 requests would be 500 MB of output; processing stops once the kernel buffers and the
    // cap are full, and stays stopped while the peer does not read
    expect(processed).toBe(afterPause);
    expect(processed).toBeLessThan(200);
    const serverSocket = (conns[0] as unknown as { socket: net.Socket }).socket;
    expect(serverSocket.writableLength).toBeLessThanOrEqual(cap + 256 * 1024 + 8);
    expect(serverSocket.isPaused()).toBe(true);
    // once the peer reads, everything is answered
    let received = 0;
    socket.on('data', (d) => { received += d.length; });
    socket.resume();
    const expected = 2000 * (4 + 256 * 1024);
    for (let waited = 0; received < expected && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(processed).toBe(2000);
    expect(received).toBe(expected);
    socket.destroy();
  });
});
