/**
 * Small network helpers for test harnesses: a free loopback port, and waiting for a port to
 * accept TCP connections. Everything here stays on 127.0.0.1.
 */
import net from 'node:net';

/** Asks the kernel for an unused port on 127.0.0.1 (bind to 0, read it back, release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read back a free port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Resolves true if host:port accepts a TCP connection within timeoutMs. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Splits 'host:port' (the form bootstrap addresses take). */
export function parseHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`not a host:port address: ${address}`);
  }
  return { host: address.slice(0, at), port };
}
