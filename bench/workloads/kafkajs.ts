/** (d) What Node users get: kafkajs producer and consumer throughput (bench/kafkajs-worker.ts, pinned to the client core). */
import path from 'node:path';
import { alternate, type Pair } from '../lib/alternate.js';
import { createTopic, runTopic } from '../lib/admin.js';
import { repoRoot } from '../lib/paths.js';
import { pinned } from '../lib/pinning.js';
import { run } from '../lib/proc.js';
import type { Settings } from '../lib/settings.js';
import type { CaseResult } from '../lib/types.js';

async function worker(mode: 'produce' | 'consume', bootstrap: string, topic: string, s: Settings): Promise<number> {
  const [cmd, args] = pinned('client', process.execPath, [path.join(repoRoot, 'dist', 'bench', 'kafkajs-worker.js'),
    mode, bootstrap, topic, String(s.kafkajsRecords), String(s.recordSize)]);
  const r = await run(cmd, args, 600_000);
  const json = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.code !== 0 || !json) throw new Error(`kafkajs ${mode} failed (${r.code}): ${r.stderr.slice(-1500)}`);
  return (JSON.parse(json) as { mibPerSec: number }).mibPerSec;
}

export async function kafkajsWorkload(pair: Pair, s: Settings): Promise<CaseResult[]> {
  const topics: Record<string, string[]> = { brooklet: [], kafka: [] };
  const produce = await alternate(pair, s.reps, {
    workload: 'kafkajs', case: `producer, acks=1, 1,000 x ${s.recordSize} B per send, 4 in flight`, metric: 'kafkajs throughput', unit: 'MiB/s', higherIsBetter: true,
  }, async (broker, rep) => {
    const topic = runTopic(`kafkajs-${rep}`);
    await createTopic(broker.bootstrap, topic, 1);
    topics[broker.name]!.push(topic);
    return worker('produce', broker.bootstrap, topic, s);
  });
  const consume = await alternate(pair, s.reps, {
    workload: 'kafkajs', case: 'consumer group, from the beginning, eachBatch', metric: 'kafkajs throughput', unit: 'MiB/s', higherIsBetter: true,
  }, async (broker, rep) => worker('consume', broker.bootstrap, topics[broker.name]![rep]!, s));
  return [produce, consume];
}
