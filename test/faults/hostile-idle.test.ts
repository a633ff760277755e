/**
 * connections.max.idle.ms (default 10 minutes, here 300 ms): a connection that sends nothing, half
 * a size prefix, or half a frame is closed; so is one that pipelines requests and never reads its
 * answers; a connection that keeps talking stays open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

const IDLE_MS = 300;
/** Ms from the last byte sent to the close, per passing case; the row needs every case. */
const closedAfterMs = new Map<string, number>();
let activeKeptOpen = false;

const apiVersions = (c: RawClient) => c.request(18, 3, { clientSoftwareName: 'idle', clientSoftwareVersion: '1' });

describe('idle and half-sent connections', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  beforeAll(async () => { broker = await startTestBroker({ connectionsMaxIdleMs: IDLE_MS }); });
  afterAll(async () => {
    await broker?.close();
    if (closedAfterMs.size === 5 && activeKeptOpen) {
      const waits = [...closedAfterMs.values()];
      recordFigure(HOSTILE, `Idle and half-sent connections (connections.max.idle.ms, default 600,000, here ${IDLE_MS} ms)`, {
        figure: `nothing sent, 2 of 4 size bytes, half a frame, a 1 MB size alone, a pipelining non-reader: all closed, `
          + `${fmt(Math.min(...waits))}-${fmt(Math.max(...waits))} ms after their last byte; an active connection stays open for ${IDLE_MS * 5} ms`,
        command: 'npx vitest run test/faults/hostile-idle.test.ts',
        idleMs: IDLE_MS, fastestCloseMs: Math.min(...waits), slowestCloseMs: Math.max(...waits),
      });
    }
    writeFigures(import.meta.url);
  });

  it('defaults to Kafka\'s 10 minutes', () => {
    expect(DEFAULTS.connectionsMaxIdleMs).toBe(600_000);
  });

  const halfSent: [string, Buffer][] = [
    ['nothing at all', Buffer.alloc(0)],
    ['two bytes of the size prefix', Buffer.from([0, 0])],
    ['a size of 100 and 10 bytes of frame', Buffer.concat([Buffer.from([0, 0, 0, 100]), Buffer.alloc(10)])],
    ['a 1 MB size and nothing more', Buffer.from([0, 0x10, 0, 0])],
  ];
  it.each(halfSent)('closes a connection that sent %s, after the idle time', async (_name, bytes) => {
    const client = await RawClient.connect(broker.bootstrap);
    const started = Date.now();
    if (bytes.length > 0) client.write(bytes);
    expect(await client.waitClosed(IDLE_MS * 10)).toBe(true);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(waited).toBeLessThan(IDLE_MS * 6);
    closedAfterMs.set(_name, waited);
  });

  it('closes a client that pipelines requests and never reads, once nothing moves', async () => {
    const client = await RawClient.connect(broker.bootstrap);
    client.socket.pause();
    const big = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
    for (let i = 0; i < 20_000; i++) client.send(3, 9, big);
    const sentAt = Date.now();
    client.socket.resume();
    // resumed only to notice the close; the broker stopped reading long before
    expect(await client.waitClosed(IDLE_MS * 20)).toBe(true);
    closedAfterMs.set('pipelining non-reader', Date.now() - sentAt);
  });

  it('keeps a connection that is active for many idle periods', async () => {
    const client = await RawClient.connect(broker.bootstrap);
    const until = Date.now() + IDLE_MS * 5;
    while (Date.now() < until) {
      expect((await apiVersions(client)).body.errorCode).toBe(0);
      await new Promise((r) => setTimeout(r, IDLE_MS / 3));
    }
    expect(client.closed).toBe(false);
    activeKeptOpen = true;
    client.close();
  });
});
