/**
 * "Is the broker answering yet?": connect and send ApiVersions v0, the first request every
 * client sends. Used to time a cold start from process spawn to the first answer.
 */
import net from 'node:net';

function apiVersionsV0(correlationId: number): Buffer {
  const clientId = Buffer.from('bench-probe');
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(18, 4); // ApiVersions
  frame.writeInt16BE(0, 6);
  frame.writeInt32BE(correlationId, 8);
  frame.writeInt16BE(clientId.length, 12);
  clientId.copy(frame, 14);
  return frame;
}

/** Resolves true once a full ApiVersions response with our correlation id arrives. */
export function probeOnce(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let got = Buffer.alloc(0);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(apiVersionsV0(7)));
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 8 && got.length >= 4 + got.readInt32BE(0)) done(got.readInt32BE(4) === 7);
    });
  });
}

/** Polls every intervalMs until an answer or the deadline; returns ms from `since` (a performance.now()) or NaN. */
export async function waitForApiVersions(host: string, port: number, since: number, deadlineMs: number,
  isDead: () => boolean, intervalMs = 5): Promise<number> {
  while (performance.now() - since < deadlineMs) {
    if (isDead()) return NaN;
    if (await probeOnce(host, port, 2000)) return performance.now() - since;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return NaN;
}
