/**
 * The two bare-protocol clients of bench/ (catchup-raw.ts, durable-raw.ts), run as their own
 * process on the client core like the Java tools, against a broker that is already running.
 * They decode almost nothing, so what they measure is the broker, not a client library: the
 * Java perf tools stop near 300 MB/s of catch-up read and ~2,000 durable requests/s on one core,
 * from either broker.
 */
import path from 'node:path';
import { repoRoot } from './paths.js';
import { pinned } from './pinning.js';
import { run } from './proc.js';

const script = (name: string) => path.join(repoRoot, 'dist', 'bench', name);

async function node<T>(file: string, args: string[], timeoutMs: number): Promise<T> {
  const [cmd, argv] = pinned('client', process.execPath, [script(file), ...args]);
  const r = await run(cmd, argv, timeoutMs);
  if (r.code !== 0) throw new Error(`${file} exited ${r.code}:\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${file}: no JSON result in:\n${r.stdout.slice(-1500)}`);
  return JSON.parse(line) as T;
}

/** Reads partition 0 of `topic` from offset 0 to its high watermark, one Fetch of `fetchMiB` in flight (isolation 1: read_committed). */
export async function bareCatchUp(bootstrap: string, topic: string, fetchMiB: number, isolation = 0): Promise<{ MiBps: number; fetches: number }> {
  return node('catchup-raw.js', ['--bootstrap', bootstrap, '--topic', topic, '--no-fill', '--fetch-mb', String(fetchMiB), '--isolation', String(isolation)], 600_000);
}

/** `connections` connections each producing one record per request, acks=all, one in flight, for `seconds`. */
export async function bareDurable(bootstrap: string, topic: string, connections: number, seconds: number): Promise<{ requestsPerSecond: number }> {
  return node('durable-raw.js', ['--bootstrap', bootstrap, '--topic', topic, '--connections', String(connections), '--seconds', String(seconds)], 300_000);
}
