/**
 * Is a Docker engine answering here, yes or no, within a second or two?
 *
 * testcontainers can answer that too, but only by walking its whole chain of strategies
 * (config files, Docker contexts, rootless and desktop socket paths), which takes seconds on a
 * machine without Docker and then throws. The real-Kafka harness asks on every start, so it
 * asks the engine itself, the way the Docker CLI checks it is there:
 *
 *   endpoint  DOCKER_HOST when set (unix:///path or tcp://host:port), else the default
 *             socket /var/run/docker.sock
 *   request   GET /_ping over HTTP/1.1 (over the unix socket, or plain TCP)
 *   answer    status 200 and the body "OK" means an engine; anything else means none
 *
 * "No engine" is the ordinary case on many machines (no socket, connection refused, nobody
 * answering), so it is a value with a reason, never an exception. Not probed: TLS-protected
 * engines (DOCKER_TLS_VERIFY) and other schemes (ssh://, npipe://); they report unreachable
 * with that reason, and KAFKA_BOOTSTRAP or the jar path remain.
 */
import http from 'node:http';

export interface DockerProbe {
  reachable: boolean;
  /** The engine address that was asked, e.g. unix:///var/run/docker.sock or tcp://host:2375. */
  endpoint: string;
  /** Why the engine counts as unreachable (absent when reachable). */
  reason?: string;
}

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** Largest /_ping body worth reading: Docker answers "OK"; a stream of anything else is not Docker. */
const MAX_PING_BODY = 64;

type Target = { socketPath: string } | { host: string; port: number };

/** Where DOCKER_HOST (or the default socket) points, or why it cannot be probed. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env):
  { endpoint: string; target?: Target; unsupported?: string } {
  const raw = env.DOCKER_HOST?.trim();
  if (!raw) return { endpoint: `unix://${DEFAULT_DOCKER_SOCKET}`, target: { socketPath: DEFAULT_DOCKER_SOCKET } };
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length);
    if (!socketPath) return { endpoint: raw, unsupported: 'DOCKER_HOST names no socket path' };
    return { endpoint: raw, target: { socketPath } };
  }
  if (raw.startsWith('tcp://')) {
    if (env.DOCKER_TLS_VERIFY) {
      return { endpoint: raw, unsupported: 'TLS-protected engines (DOCKER_TLS_VERIFY) are not probed' };
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { endpoint: raw, unsupported: 'DOCKER_HOST is not a valid tcp:// address' };
    }
    const port = url.port ? Number(url.port) : 2375; // Docker's plain-TCP port when none is given
    // URL keeps the brackets of an IPv6 literal; node:http wants the bare address.
    return { endpoint: raw, target: { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port } };
  }
  return { endpoint: raw, unsupported: `DOCKER_HOST scheme is not probed (only unix:// and tcp://)` };
}

/**
 * Asks the engine for /_ping. Resolves within about timeoutMs whatever happens at the other end
 * (a socket that accepts and never answers included); never rejects.
 */
export function dockerEngineReachable(timeoutMs = 1500, env: NodeJS.ProcessEnv = process.env): Promise<DockerProbe> {
  const { endpoint, target, unsupported } = dockerEndpoint(env);
  if (!target) return Promise.resolve({ reachable: false, endpoint, reason: unsupported });

  return new Promise((resolve) => {
    let settled = false;
    const finish = (reason?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(reason === undefined ? { reachable: true, endpoint } : { reachable: false, endpoint, reason });
    };
    // One deadline for everything (connect, headers, body): the socket's idle timeout alone
    // would let a peer that trickles bytes keep us waiting.
    const timer = setTimeout(() => finish(`no answer to GET /_ping within ${timeoutMs} ms`), timeoutMs);
    const request = http.request({
      ...target,
      method: 'GET',
      path: '/_ping',
      headers: { Host: 'docker' }, // the engine ignores it; a unix socket has no host name to send
      agent: false,
    }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_PING_BODY) finish(`GET /_ping answered more than ${MAX_PING_BODY} bytes: not a Docker engine`);
      });
      response.on('end', () => {
        if (response.statusCode !== 200) finish(`GET /_ping answered HTTP ${response.statusCode}`);
        else if (body.trim() !== 'OK') finish(`GET /_ping answered ${JSON.stringify(body.slice(0, 20))}, not "OK"`);
        else finish();
      });
      response.on('error', (err) => finish(describe(err)));
    });
    request.on('error', (err) => finish(describe(err)));
    request.end();
  });
}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such socket';
    case 'ECONNREFUSED': return 'connection refused';
    case 'EACCES': return 'permission denied on the socket';
    default: return err.code ? `${err.code}: ${err.message}` : err.message;
  }
}
