/**
 * The storage append path's own cost, without a network or a client: CPU time (user + system)
 * per PartitionLog.append of one 16-record batch (60-byte values, no producer id), 200,000
 * appends after 20,000 of warm-up, on a fresh partition. CPU time rather than wall time, so a
 * busy shared machine moves it less. Run it at two revisions to see what a change to the append
 * path costs (BENCHMARKS.md, transactions: the hot path):
 *   node dist/bench/append-cpu.js [--appends N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeRecordBatch } from '../protocol/index.js';
import { LogManager } from '../storage/log-manager.js';

const { values } = parseArgs({ options: { appends: { type: 'string', default: '200000' } } });
const APPENDS = Number(values.appends);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-append-cpu-'));
try {
  const manager = LogManager.open({ dataDir: dir, defaults: { segmentBytes: 256 << 20 } });
  manager.createTopic('t', 1);
  const log = manager.partition('t', 0)!;
  const template = encodeRecordBatch({ records: Array.from({ length: 16 }, () => ({ key: null, value: Buffer.alloc(60, 7) })), timestamp: 1_700_000_000_000 });
  // append() writes offsets into the buffer it is given: a few copies, reused.
  const copies = Array.from({ length: 64 }, () => Buffer.from(template));
  for (let i = 0; i < 20_000; i++) log.append(copies[i & 63]!);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < APPENDS; i++) log.append(copies[i & 63]!);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  manager.close();
  console.log(JSON.stringify({ appends: APPENDS, cpuMicrosPerAppend: +((cpu.user + cpu.system) / APPENDS).toFixed(3), appendsPerSecond: Math.round(APPENDS / seconds) }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
