import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, Router } from '../../src/http/router.js';
import { startHttpListener, type RunningHttpListener } from '../../src/http/server.js';

const log = pino({ level: 'silent' });

function rawRequest(port: number, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => { out += d.toString('latin1'); });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); resolve(out); }, timeoutMs).unref();
  });
}

describe('HTTP listener', () => {
  let server: RunningHttpListener;
  beforeAll(async () => {
    const router = new Router()
      .get('/subjects/:subject/versions/:version', (req) => ({ body: { ...req.params } }))
      .post('/echo', async (req) => ({ body: { got: await req.json() } }))
      .get('/teapot', () => { throw new HttpError(418, 'short and stout'); })
      .get('/boom', () => { throw new Error('handler bug'); });
    server = await startHttpListener(router, { host: '127.0.0.1', port: 0, name: 'test', portFlag: '--test-port', maxBodyBytes: 1024, log });
  });
  afterAll(() => server.close());

  it('routes with decoded parameters; an encoded slash stays in its segment', async () => {
    const res = await fetch(`${server.url}/subjects/a%2Fb/versions/latest`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'a/b', version: 'latest' });
  });

  it('answers 404, 405 with Allow, and a malformed escape with 400', async () => {
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
    const wrongMethod = await fetch(`${server.url}/echo`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const bad = await fetch(`${server.url}/subjects/%E0%A4%A/versions/1`);
    expect(bad.status).toBe(400);
    expect((await bad.json() as { error_code: number }).error_code).toBe(400);
  });

  it('parses JSON bodies and refuses malformed ones with 400', async () => {
    const ok = await fetch(`${server.url}/echo`, { method: 'POST', body: '{"a":1}' });
    expect(await ok.json()).toEqual({ got: { a: 1 } });
    const bad = await fetch(`${server.url}/echo`, { method: 'POST', body: '{"a":' });
    expect(bad.status).toBe(400);
  });

  it('refuses a body over the limit by Content-Length before reading it, and a chunked one as it passes the limit', async () => {
    const declared = await rawRequest(server.port,
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n{');
    expect(declared).toMatch(/^HTTP\/1\.1 413/);
    const chunk = 'x'.repeat(600);
    const chunked = await rawRequest(server.port,
      `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n${chunk}\r\n258\r\n${chunk}\r\n`);
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
  });

  it('turns a thrown HttpError into its status and any other error into 500, and keeps serving', async () => {
    const teapot = await fetch(`${server.url}/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ error_code: 418, message: 'short and stout' });
    expect((await fetch(`${server.url}/boom`)).status).toBe(500);
    expect((await fetch(`${server.url}/subjects/s/versions/1`)).status).toBe(200);
  });

  it('a port in use stops the start with one line naming the flag', async () => {
    await expect(startHttpListener(new Router(), { host: '127.0.0.1', port: server.port, name: 'console', portFlag: '--http-port', log }))
      .rejects.toThrow(/^console: cannot listen on 127\.0\.0\.1:\d+: the port is in use \(change it with --http-port\)$/);
  });
});
