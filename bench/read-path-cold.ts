/**
 * The cold-cache pass of read-path-extra.ts, in a process of its own: a mapping lives until its
 * Buffer is collected (and storage keeps a just-rolled segment referenced until its deferred
 * sync), and mapped pages cannot be evicted; a process that exits unmaps everything.
 *   write <dataDir> <timeMs>  create and seal a 10 MB segment, measure warm passes; prints JSON {end, bytes[], ms[]}
 *   read <dataDir> <end>      one timed pass over it; prints JSON {bytes, ms}
 */
import { Bench } from 'tinybench';
import { LogManager } from '../storage/log-manager.js';
import { fill, MIB, readAll, recordBatch } from './read-path-data.js';

const [mode, dataDir, arg] = process.argv.slice(2);
const sink = Buffer.allocUnsafe(11 * MIB).fill(0);
const manager = LogManager.open({ dataDir: dataDir! });
if (mode === 'write') {
  manager.createTopic('cache', 1, { 'segment.bytes': String(10 * MIB) });
  const log = manager.partition('cache', 0)!;
  const end = fill(log, 10 * MIB);
  log.append(recordBatch(0, Date.now())); // rolls: sealed and mapped
  let bytes = 0;
  const bench = new Bench({ time: Number(arg), warmupTime: 200, retainSamples: true });
  bench.add('warm', () => void (bytes = readAll(log, end, MIB, sink)));
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`warm pass: ${result.state}`);
  const ms = [...(result.latency.samples ?? [])];
  console.log(JSON.stringify({ end, bytes: ms.map(() => bytes), ms }));
} else {
  const log = manager.partition('cache', 0)!;
  const t0 = performance.now();
  const bytes = readAll(log, Number(arg), MIB, sink);
  console.log(JSON.stringify({ bytes, ms: performance.now() - t0 }));
}
manager.close();
process.exit(0);
