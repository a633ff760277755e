/**
 * 1,000 concurrent connections against a child-process broker: 900 idle (each did one ApiVersions
 * exchange) and 100 active raw producers and consumers whose records all arrive. The idle ones
 * cost under 20 KiB of resident memory each and are all still open afterwards.
 * bench/connections.ts runs the same with 5,000 idle connections.
 */
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { memoryOf, probe, startChildBroker } from '../fuzz/child-broker.js';
import { createTopic, openIdle, runActive } from '../fuzz/load.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../reliability/record.js';

afterAll(() => writeFigures(import.meta.url));

describe('many connections', () => {
  it('serves 100 active clients beside 900 idle ones; an idle one costs under 20 KiB', async () => {
    const broker = await startChildBroker();
    onTestFinished(() => broker.stop());
    await createTopic(broker.bootstrap, 'load', 10);
    await openIdle(broker.bootstrap, 50).then((w) => w.forEach((c) => c.close())); // warm up
    await new Promise((r) => setTimeout(r, 300));
    const before = memoryOf(broker.child.pid!).rss;
    const idle = await openIdle(broker.bootstrap, 900);
    onTestFinished(() => idle.forEach((c) => c.close()));
    await new Promise((r) => setTimeout(r, 500));
    const after = memoryOf(broker.child.pid!).rss;
    const perConnKiB = (after - before) / 900 / 1024;

    const active = await runActive(broker.bootstrap, 'load', 10, 50, 50, 20);
    console.log(`connections: 900 idle cost ${perConnKiB.toFixed(1)} KiB each (RSS ${(before / 1048576).toFixed(1)} -> ${(after / 1048576).toFixed(1)} MB); ` +
      `100 active clients moved ${active.records} records through in ${active.ms} ms`);
    expect(perConnKiB).toBeLessThan(20);
    // each consumer read its partition's 5 producers x 20 requests x 10 records
    expect(active.records).toBe(50 * 1000);
    expect(idle.filter((c) => c.closed)).toHaveLength(0);
    const { body } = await idle[idle.length - 1]!.request(18, 3, { clientSoftwareName: 'idle', clientSoftwareVersion: '1' });
    expect(body.errorCode).toBe(0);
    await probe(broker.bootstrap);
    recordFigure(HOSTILE, '1,000 concurrent connections: 900 idle + 50 producers + 50 consumers (raw Produce v8 / Fetch v12)', {
      figure: `${fmt(perConnKiB, 1)} KiB RSS per idle connection (${fmt(before / 1048576, 1)} -> ${fmt(after / 1048576, 1)} MB); `
        + `${fmt(active.records)} records produced and all read back in ${fmt(active.ms / 1000, 1)} s; every idle connection still open and answering`,
      command: 'npx vitest run test/faults/hostile-connections.test.ts',
      idle: 900, perIdleConnectionKiB: perConnKiB, rssBeforeMb: before / 1048576, rssAfterMb: after / 1048576, records: active.records, ms: active.ms,
    });
  });
});
