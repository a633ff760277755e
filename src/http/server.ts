/**
 * One HTTP listener of the broker process, serving one Router. Shared by the Schema Registry
 * (src/registry/), metrics, health and the console; nothing in protocol/ or storage/ knows HTTP.
 *
 * Limits, so no client can make the broker allocate without bound or hold it:
 * - a body larger than maxBodyBytes is refused with 413: at once when Content-Length says so,
 *   otherwise as soon as the bytes read pass the limit (the connection is then closed);
 * - a request (headers and body) must arrive within requestTimeoutMs, headers within
 *   headersTimeoutMs (Node's own timers answer 408 and close the socket);
 * - at most maxConnections sockets at once; more are refused by Node at accept.
 * Handlers are async functions of a parsed request; their errors become answers (HttpError's
 * status, else 500 logged with its stack) and never reach the process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { HttpError, type HttpRequest, type HttpResponse, type Router } from './router.js';

export interface HttpListenerOptions {
  host: string;
  port: number;
  /** What this listener is, for logs and errors ('schema registry', 'console'). */
  name: string;
  /** The flag that changes the port, named in the one-line error when the port is taken. */
  portFlag: string;
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  maxConnections?: number;
  /** Turns an error into the body this API answers with (the registry's {error_code, message}). */
  errorBody?: (status: number, message: string) => unknown;
  /** Content type of JSON answers (the registry's vnd type); application/json by default. */
  jsonContentType?: string;
  log: Logger;
}

export interface RunningHttpListener {
  /** 'http://host:port' */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const DEFAULTS = {
  maxBodyBytes: 1024 * 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  maxConnections: 1024,
};

export function defaultErrorBody(status: number, message: string): unknown {
  return { error_code: status, message };
}

export async function startHttpListener(router: Router, options: HttpListenerOptions): Promise<RunningHttpListener> {
  const opts = { ...DEFAULTS, ...options };
  const errorBody = opts.errorBody ?? defaultErrorBody;
  const jsonType = opts.jsonContentType ?? 'application/json';
  const server = http.createServer({ requestTimeout: opts.requestTimeoutMs, headersTimeout: opts.headersTimeoutMs });
  server.maxConnections = opts.maxConnections;

  server.on('request', (req, res) => {
    void serve(router, req, res, opts.maxBodyBytes).then(
      (answer) => send(res, answer, jsonType),
      (err: unknown) => {
        if (!(err instanceof HttpError)) opts.log.error({ err, url: req.url }, `${opts.name}: request failed`);
        const status = err instanceof HttpError ? err.status : 500;
        const message = err instanceof HttpError ? err.message : 'internal server error';
        const body = err instanceof HttpError && err.body !== undefined ? err.body : errorBody(status, message);
        send(res, { status, body }, jsonType);
        // A body that was refused half-read is not worth draining: drop the connection.
        if (status === 413) res.on('finish', () => req.socket.destroy());
      },
    );
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.message;
      reject(new Error(`${opts.name}: cannot listen on ${opts.host}:${opts.port}: ${why} (change it with ${opts.portFlag})`));
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })),
  };
}

async function serve(router: Router, req: http.IncomingMessage, res: http.ServerResponse, maxBodyBytes: number): Promise<HttpResponse> {
  // Split by hand rather than new URL(): a request target such as '//x' or '// ' is a path to
  // this server (404 or 400), not a URL with a host that new URL() refuses by throwing.
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const url = { pathname: q < 0 ? target : target.slice(0, q), searchParams: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
  const method = (req.method ?? 'GET').toUpperCase();
  const match = router.match(method, url.pathname);
  if (match.kind === 'none') throw new HttpError(404, `HTTP 404 Not Found`);
  if (match.kind === 'method') {
    res.setHeader('Allow', match.allowed.join(', '));
    throw new HttpError(405, `HTTP 405 Method Not Allowed`);
  }
  let bodyRead: Promise<Buffer> | undefined;
  const body = () => (bodyRead ??= readBody(req, maxBodyBytes));
  const request: HttpRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    params: match.params,
    headers: req.headers,
    body,
    json: async () => {
      const bytes = await body();
      try {
        return JSON.parse(bytes.toString('utf8')) as unknown;
      } catch (err) {
        throw new HttpError(400, `malformed JSON body: ${(err as Error).message}`);
      }
    },
  };
  return match.handler(request);
}

/** Reads the whole body, refusing with 413 before allocating past the limit. */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) {
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes is over the limit of ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.pause();
        reject(new HttpError(413, `request body is over the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('aborted', () => reject(new HttpError(400, 'request aborted')));
  });
}

function send(res: http.ServerResponse, answer: HttpResponse, jsonType: string): void {
  if (res.headersSent || res.destroyed) return;
  const status = answer.status ?? 200;
  const headers: Record<string, string> = { 'X-Content-Type-Options': 'nosniff', ...answer.headers };
  let payload: string | Buffer | undefined;
  if (answer.body === undefined) {
    payload = undefined;
  } else if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) {
    payload = answer.body;
    headers['Content-Type'] ??= 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(answer.body);
    headers['Content-Type'] ??= jsonType;
  }
  res.writeHead(status, headers);
  res.end(payload);
}
