/**
 * One client connection: framing, an ordered request pipeline, and backpressure both ways.
 *
 * - Requests are processed one at a time and answered in order, like Kafka, which mutes a
 *   connection until its response is sent. Pipelined frames are read and queued meanwhile; a
 *   long-polling Fetch holds the requests behind it on the same connection.
 * - A request that gets no response (Produce with acks=0) simply lets the next one proceed.
 * - Like Kafka, which mutes a connection until its response is sent, the next request is not
 *   processed while the socket asks for a drain (a response is still waiting for the kernel), nor
 *   while unsent output exceeds a cap. Reading stops then, or while too many frames wait, and
 *   resumes on drain, so a peer that never reads costs about one response, not a cap's worth.
 * - Idle connections (connections.max.idle.ms) are closed.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameReader } from './frame-reader.js';

/** Thrown by a processor to close the connection (malformed frame, unknown API, bad version). */
export class CloseConnection extends Error {}

export type ProcessResult = Buffer[] | null;

/** The named listener a connection came in on (src/server/listeners) and what it advertises. */
export interface ListenerInfo {
  readonly name: string;
  readonly securityProtocol: string;
  readonly advertisedHost: string;
  /** Filled in once the listener is bound when it was asked to advertise its own port. */
  readonly advertisedPort: number;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  /** Absent only for connections made outside a named Listener (unit tests of the pipeline). */
  readonly listener?: ListenerInfo;
}

export interface RequestProcessor {
  process(frame: Buffer, conn: ConnectionInfo): ProcessResult | Promise<ProcessResult>;
}

export interface ConnectionLimits {
  maxRequestBytes: number;
  maxQueuedOutputBytes: number;
  maxQueuedRequestBytes: number;
  idleMs: number;
}

export interface ConnectionStats {
  unsentBytes: number;
  queuedRequestBytes: number;
  readingPaused: boolean;
}

export class Connection implements ConnectionInfo {
  readonly remote: string;
  private readonly frames: FrameReader;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private busy = false;
  private closing = false;
  private closed = false;
  private readonly whenClosed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly processor: RequestProcessor,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    readonly listener?: ListenerInfo,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.frames = new FrameReader(limits.maxRequestBytes);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.pump());
    socket.on('timeout', () => this.fail('idle for longer than connections.max.idle.ms'));
    socket.on('error', (err) => this.log.debug({ conn: this.remote, err: err.message }, 'socket error'));
    this.whenClosed = new Promise((resolve) => socket.once('close', () => {
      this.closed = true;
      resolve();
    }));
  }

  /** Stops reading, answers what was already received, then closes. */
  async shutdown(graceMs: number): Promise<void> {
    this.closing = true;
    this.socket.pause();
    this.maybeFinishClosing();
    const timer = setTimeout(() => this.socket.destroy(), graceMs);
    timer.unref();
    await this.whenClosed;
    clearTimeout(timer);
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    for (const frame of frames) {
      this.queue.push(frame);
      this.queuedBytes += frame.length;
    }
    this.pump();
  }

  /** Processes queued requests in order until one is asynchronous or output backs up. */
  private pump(): void {
    while (!this.busy && !this.closed && this.queue.length > 0 && !this.outputBlocked()) {
      const frame = this.queue.shift()!;
      this.queuedBytes -= frame.length;
      let result: ProcessResult | Promise<ProcessResult>;
      try {
        result = this.processor.process(frame, this);
      } catch (err) {
        this.onProcessError(err);
        return;
      }
      if (result instanceof Promise) {
        this.busy = true;
        result.then(
          (response) => {
            this.busy = false;
            this.send(response);
            this.pump();
          },
          (err) => {
            this.busy = false;
            this.onProcessError(err);
          },
        );
        break;
      }
      this.send(result);
    }
    this.applyReadBackpressure();
    this.maybeFinishClosing();
  }

  private send(chunks: ProcessResult): void {
    if (!chunks || this.closed) return;
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }

  private outputBlocked(): boolean {
    return this.socket.writableNeedDrain || this.socket.writableLength > this.limits.maxQueuedOutputBytes;
  }

  /** Unsent output, queued requests and whether reading is paused (for tests and metrics). */
  get stats(): ConnectionStats {
    return { unsentBytes: this.socket.writableLength, queuedRequestBytes: this.queuedBytes, readingPaused: this.socket.isPaused() };
  }

  private applyReadBackpressure(): void {
    if (this.closing || this.closed) return;
    const tooMuch = this.outputBlocked() || this.queuedBytes > this.limits.maxQueuedRequestBytes;
    if (tooMuch && !this.socket.isPaused()) this.socket.pause();
    else if (!tooMuch && this.socket.isPaused()) this.socket.resume();
  }

  private maybeFinishClosing(): void {
    if (!this.closing || this.busy || this.queue.length > 0 || this.closed) return;
    this.socket.end();
    // Keep reading (onData drops everything while closing) so the peer's own FIN is seen and the
    // socket closes at once, instead of waiting out the grace period with a paused socket.
    this.socket.resume();
  }

  private onProcessError(err: unknown): void {
    if (err instanceof CloseConnection) this.fail(err.message);
    else {
      this.log.error({ conn: this.remote, err }, 'request processing failed; closing connection');
      this.socket.destroy();
    }
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.log.warn({ conn: this.remote }, `closing connection: ${reason}`);
    this.socket.destroy();
  }
}
