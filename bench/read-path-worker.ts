/**
 * One concurrent reader for read-path-extra.ts, a forked process (mmap-io is not a
 * context-aware addon, so it cannot load in a worker_thread: "Module did not self-register").
 * Processes mapping the same file share its page-cache pages, as the reference's threads share
 * one mapping. On each message (a window in ms) it reads the sealed segment whole in 1 MB
 * fetches until the window ends and answers the bytes read.
 *   argv: <dataDir> <topic> <end offset>
 */
import { LogManager } from '../storage/log-manager.js';
import { MIB, readAll } from './read-path-data.js';

const [dataDir, topic, endText] = process.argv.slice(2);
const end = Number(endText);
const manager = LogManager.open({ dataDir: dataDir! });
const log = manager.partition(topic!, 0)!;
const sink = Buffer.allocUnsafe(11 * MIB).fill(0);
readAll(log, end, MIB, sink); // warm
process.send!('ready');
process.on('message', (windowMs: number) => {
  const t0 = performance.now();
  let bytes = 0;
  while (performance.now() - t0 < windowMs) bytes += readAll(log, end, MIB, sink);
  process.send!(bytes);
});
process.on('disconnect', () => process.exit(0));
