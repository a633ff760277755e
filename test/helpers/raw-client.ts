/** A bare TCP Kafka client for wire-level tests: send arbitrary bytes, read size-prefixed frames. */
import net from 'node:net';
import { decodeResponseFrame, encodeRequestFrame } from '../../protocol/index.js';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private closedFlag = false;
  private nextCorrelation = 1;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: host!, port: Number(port), noDelay: true }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  write(bytes: Buffer | Buffer[]): void {
    for (const b of Array.isArray(bytes) ? bytes : [bytes]) this.socket.write(b);
  }

  /** Sends a well-formed request and returns its correlation id. */
  send(apiKey: number, version: number, body: object, correlationId = this.nextCorrelation++): number {
    this.write(encodeRequestFrame(apiKey, version, correlationId, 'raw-client', body as never));
    return correlationId;
  }

  /** The next response frame (without its size prefix), or null if the connection closed first. */
  async readFrame(timeoutMs = 5_000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length >= 4 + size) {
          const frame = this.buffered.subarray(4, 4 + size);
          this.buffered = this.buffered.subarray(4 + size);
          return frame;
        }
      }
      if (this.closedFlag) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  async request<T = any>(apiKey: number, version: number, body: object): Promise<{ correlationId: number; body: T }> {
    const id = this.send(apiKey, version, body);
    const frame = await this.readFrame();
    if (!frame) throw new Error('connection closed');
    const decoded = decodeResponseFrame(apiKey, version, frame) as { correlationId: number; body: T };
    if (decoded.correlationId !== id) throw new Error(`correlation ${decoded.correlationId} != ${id}`);
    return decoded;
  }

  /** Resolves once the server has closed the connection (or after timeoutMs with false). */
  async waitClosed(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return this.closedFlag;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
