/**
 * Connection cost: opens N idle connections (default 5,000; each does one ApiVersions exchange)
 * to a child-process broker and reports the resident memory each costs, then runs 100 active raw
 * producers and consumers beside them and checks every record arrives. Needs N + ~100 file
 * descriptors in this process and in the broker (Node raises the soft limit to the hard limit).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/connections.js [--idle 5000]
 */
import { parseArgs } from 'node:util';
import { memoryOf, probe, startChildBroker } from '../test/fuzz/child-broker.js';
import { createTopic, openIdle, runActive } from '../test/fuzz/load.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../test/reliability/record.js';

const { values } = parseArgs({ options: { idle: { type: 'string', default: '5000' } } });
const idleCount = Number(values.idle);
const broker = await startChildBroker();
try {
  await createTopic(broker.bootstrap, 'load', 10);
  await openIdle(broker.bootstrap, 100).then((w) => w.forEach((c) => c.close()));
  await new Promise((r) => setTimeout(r, 500));
  const before = memoryOf(broker.child.pid!).rss;
  const started = Date.now();
  const idle = await openIdle(broker.bootstrap, idleCount);
  const openMs = Date.now() - started;
  await new Promise((r) => setTimeout(r, 1000));
  const after = memoryOf(broker.child.pid!).rss;
  const active = await runActive(broker.bootstrap, 'load', 10, 50, 50, 20);
  const stillOpen = idle.filter((c) => !c.closed).length;
  await probe(broker.bootstrap);
  const perConnKiB = (after - before) / idleCount / 1024;
  console.log(JSON.stringify({
    idle: idleCount, openMs, rssBeforeMb: +(before / 1048576).toFixed(1), rssAfterMb: +(after / 1048576).toFixed(1),
    perIdleConnectionKiB: +perConnKiB.toFixed(1), stillOpen, activeClients: 100, activeRecords: active.records, activeMs: active.ms,
  }));
  idle.forEach((c) => c.close());
  if (perConnKiB >= 20 || stillOpen !== idleCount || active.records !== 50_000) process.exitCode = 1;
  else {
    recordFigure(HOSTILE, `${fmt(idleCount)} idle connections + the same 100 active clients`, {
      figure: `${fmt(perConnKiB, 1)} KiB RSS per idle connection (${fmt(before / 1048576, 1)} -> ${fmt(after / 1048576, 1)} MB), opened in `
        + `${fmt(openMs / 1000, 1)} s, all ${fmt(stillOpen)} still open, ${fmt(active.records)} records in ${fmt(active.ms / 1000, 1)} s`,
      command: `node dist/bench/connections.js --idle ${idleCount}`,
      idle: idleCount, openMs, perIdleConnectionKiB: perConnKiB, stillOpen, records: active.records, activeMs: active.ms,
    });
    writeFigures(import.meta.url);
  }
} finally {
  broker.stop();
}
