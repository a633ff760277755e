/** The TCP listener: accepts connections, hands each to a Connection, and closes them all on shutdown. */
import net from 'node:net';
import type { Logger } from 'pino';
import { Connection, type ConnectionLimits, type ConnectionStats, type RequestProcessor } from './connection.js';

export class Listener {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  constructor(processor: RequestProcessor, limits: ConnectionLimits, private readonly log: Logger) {
    this.server = net.createServer({ noDelay: true }, (socket) => {
      const conn = new Connection(this.nextId++, socket, processor, limits, log);
      this.connections.add(conn);
      socket.once('close', () => this.connections.delete(conn));
    });
  }

  /** Resolves with the bound port once the socket accepts connections. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log.error({ err }, 'listener error'));
        resolve((this.server.address() as net.AddressInfo).port);
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
