/**
 * dockerEngineReachable against fake engines: HTTP servers on a unix socket or a TCP port that
 * answer /_ping well, badly or not at all, and endpoints where nothing listens.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DOCKER_SOCKET, dockerEndpoint, dockerEngineReachable } from './docker-engine.js';
import { freePort } from './net.js';

let dir: string;
const servers: net.Server[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-probe-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    if (s instanceof http.Server) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An HTTP server on a fresh unix socket; resolves its DOCKER_HOST value. */
async function httpOnSocket(handler: http.RequestListener): Promise<string> {
  const socketPath = path.join(dir, `engine-${servers.length}-${Date.now()}.sock`);
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(socketPath, r));
  return `unix://${socketPath}`;
}

/** A raw TCP-level server on a unix socket (for peers that do not speak HTTP). */
async function rawOnSocket(onConnection: (socket: net.Socket) => void): Promise<string> {
  const socketPath = path.join(dir, `raw-${servers.length}-${Date.now()}.sock`);
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(socketPath, r));
  return `unix://${socketPath}`;
}

/** Answers like Docker: "OK" on GET /_ping, 404 elsewhere, so a wrong path cannot pass. */
const dockerLike: http.RequestListener = (req, res) => {
  if (req.method === 'GET' && req.url === '/_ping') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
  } else {
    res.writeHead(404).end('page not found');
  }
};

describe('dockerEngineReachable', () => {
  it('is reachable when the unix socket answers GET /_ping with 200 OK', async () => {
    const DOCKER_HOST = await httpOnSocket(dockerLike);
    expect(await dockerEngineReachable(1500, { DOCKER_HOST })).toEqual({ reachable: true, endpoint: DOCKER_HOST });
  });

  it('is reachable over tcp:// too', async () => {
    const server = http.createServer(dockerLike);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const DOCKER_HOST = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    expect(await dockerEngineReachable(1500, { DOCKER_HOST })).toEqual({ reachable: true, endpoint: DOCKER_HOST });
  });

  it('is not reachable when /_ping answers 500', async () => {
    const DOCKER_HOST = await httpOnSocket((_req, res) => res.writeHead(500).end('OK'));
    const probe = await dockerEngineReachable(1500, { DOCKER_HOST });
    expect(probe.reachable).toBe(false);
    expect(probe.endpoint).toBe(DOCKER_HOST);
    expect(probe.reason).toContain('HTTP 500');
  });

  it('is not reachable when /_ping answers 200 with another body', async () => {
    const DOCKER_HOST = await httpOnSocket((_req, res) => res.writeHead(200).end('hello'));
    const probe = await dockerEngineReachable(1500, { DOCKER_HOST });
    expect(probe.reachable).toBe(false);
    expect(probe.reason).toContain('"hello"');
  });

  it('is not reachable when the socket answers something that is not HTTP', async () => {
    // resume(): read (and drop) the request, or the socket never sees the peer's FIN and never closes.
    const DOCKER_HOST = await rawOnSocket((socket) => socket.resume().end('garbage garbage\r\n\r\n'));
    const probe = await dockerEngineReachable(1500, { DOCKER_HOST });
    expect(probe.reachable).toBe(false);
    expect(probe.reason).toBeTruthy();
  });

  it('is not reachable when the socket path does not exist', async () => {
    const DOCKER_HOST = `unix://${path.join(dir, 'no-such.sock')}`;
    expect(await dockerEngineReachable(1500, { DOCKER_HOST }))
      .toEqual({ reachable: false, endpoint: DOCKER_HOST, reason: 'no such socket' });
  });

  it('is not reachable on a closed TCP port', async () => {
    const DOCKER_HOST = `tcp://127.0.0.1:${await freePort()}`;
    expect(await dockerEngineReachable(1500, { DOCKER_HOST }))
      .toEqual({ reachable: false, endpoint: DOCKER_HOST, reason: 'connection refused' });
  });

  it('gives up within the timeout on a peer that accepts and never answers', async () => {
    const held: net.Socket[] = [];
    const DOCKER_HOST = await rawOnSocket((socket) => held.push(socket));
    const started = Date.now();
    const probe = await dockerEngineReachable(300, { DOCKER_HOST });
    const elapsed = Date.now() - started;
    held.forEach((s) => s.destroy());
    expect(probe.reachable).toBe(false);
    expect(probe.reason).toContain('within 300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('does not probe schemes it cannot speak, and says so', async () => {
    const probe = await dockerEngineReachable(1500, { DOCKER_HOST: 'ssh://user@somewhere' });
    expect(probe).toMatchObject({ reachable: false, endpoint: 'ssh://user@somewhere' });
    expect(probe.reason).toContain('not probed');
    const tls = await dockerEngineReachable(1500, { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1' });
    expect(tls.reachable).toBe(false);
    expect(tls.reason).toContain('DOCKER_TLS_VERIFY');
  });
});

describe('dockerEndpoint', () => {
  it('uses the default socket when DOCKER_HOST is unset or empty', () => {
    for (const env of [{}, { DOCKER_HOST: '' }]) {
      expect(dockerEndpoint(env)).toEqual({
        endpoint: `unix://${DEFAULT_DOCKER_SOCKET}`, target: { socketPath: DEFAULT_DOCKER_SOCKET },
      });
    }
  });

  it('reads tcp:// host and port, with 2375 when no port is given', () => {
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://10.1.2.3:2999' }).target).toEqual({ host: '10.1.2.3', port: 2999 });
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://docker' }).target).toEqual({ host: 'docker', port: 2375 });
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://[::1]:2375' }).target).toEqual({ host: '::1', port: 2375 });
  });
});
