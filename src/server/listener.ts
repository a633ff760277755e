/**
 * One TCP listener: accepts connections, hands each to a Connection tagged with this listener's
 * name and advertised address (so Metadata and FindCoordinator answer with the address of the
 * listener the client came in on), and closes them all on shutdown. The broker runs one per
 * named listener (src/server/listeners).
 */
import net from 'node:net';
import type { Logger } from 'pino';
import { Connection, type ConnectionLimits, type ConnectionStats, type RequestProcessor } from './connection.js';

/** A listener's identity; advertisedPort 0 becomes the bound port when listen() succeeds. */
export interface ListenerIdentity {
  name: string;
  securityProtocol: string;
  advertisedHost: string;
  advertisedPort: number;
}

export class Listener {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  constructor(processor: RequestProcessor, limits: ConnectionLimits, private readonly log: Logger,
    private readonly identity?: ListenerIdentity) {
    this.server = net.createServer({ noDelay: true }, (socket) => {
      const conn = new Connection(this.nextId++, socket, processor, limits, log, identity);
      this.connections.add(conn);
      socket.once('close', () => this.connections.delete(conn));
    });
  }

  /** Resolves with the bound port once the socket accepts connections. host '' = every interface. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: host === '' ? undefined : host, port }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log.error({ err }, 'listener error'));
        const bound = (this.server.address() as net.AddressInfo).port;
        // Before any connection is accepted: no request can see the placeholder 0.
        if (this.identity && this.identity.advertisedPort === 0) this.identity.advertisedPort = bound;
        resolve(bound);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  connectionStats(): ConnectionStats[] {
    return [...this.connections].map((c) => c.stats);
  }

  /** Stops accepting, lets every connection answer what it already received, then closes. */
  async close(graceMs = 5000): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.shutdown(graceMs)));
    await stopped;
  }
}
