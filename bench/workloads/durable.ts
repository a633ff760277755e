/**
 * (f) Durable produce: every acknowledged batch fdatasync'd before the answer. Brooklet with
 * `--flush-policy always` (group commit: concurrent producers share one sync) against Kafka
 * with log.flush.interval.messages=1 (flush.messages=1 for every topic). 64 producers
 * (bench/java/DurableProduce.java), one record per request, acks=all; acknowledged requests/s.
 * Then the same from 64 bare protocol connections (bench/durable-raw.ts): one Java client on one
 * core stops near 2,000 requests/s from either broker, so the 10,000 req/s bar is judged there.
 * A pair of brokers of its own, started with those settings.
 */
import { spawnSync } from 'node:child_process';
import { alternate } from '../lib/alternate.js';
import { createTopic, runTopic } from '../lib/admin.js';
import { startBroker } from '../lib/brokers.js';
import { javaProgram } from '../lib/java-tools.js';
import { brookletCli } from '../lib/paths.js';
import { bareDurable } from '../lib/raw-tools.js';
import type { Settings } from '../lib/settings.js';
import type { CaseResult } from '../lib/types.js';

/** Whether this build of Brooklet has the durability policy flag (another change adds it). */
export function brookletHasFlushPolicy(): boolean {
  const help = spawnSync(process.execPath, [brookletCli, '--help'], { encoding: 'utf8' }).stdout ?? '';
  return help.includes('--flush-policy');
}

export async function durableWorkload(s: Settings): Promise<CaseResult[]> {
  const brooklet = await startBroker('brooklet', { brookletArgs: ['--flush-policy', 'always'] });
  const kafka = await startBroker('kafka', { kafkaProps: { 'log.flush.interval.messages': '1' } });
  try {
    const p99: number[][] = [[], []];
    const rps = await alternate({ brooklet, kafka }, s.reps, {
      workload: 'durable', case: `${s.durableProducers} producers, 1 x ${s.recordSize} B per request, fsync per acknowledged batch`,
      metric: 'acknowledged produce requests/s', unit: 'req/s', higherIsBetter: true,
    }, async (broker, rep) => {
      const topic = runTopic(`durable-${rep}`);
      await createTopic(broker.bootstrap, topic, 1);
      const r = await javaProgram<{ requestsPerSec: number; p99Ms: number }>('DurableProduce.java',
        [broker.bootstrap, topic, String(s.durableProducers), String(s.durableSeconds), String(s.recordSize)], 180_000);
      p99[broker.name === 'brooklet' ? 0 : 1]!.push(r.p99Ms);
      return r.requestsPerSec;
    });
    const bare = await alternate({ brooklet, kafka }, s.reps, {
      workload: 'durable', case: `${s.durableProducers} bare protocol connections, 1 x 1024 B per request, fsync per acknowledged batch`,
      metric: 'acknowledged produce requests/s', unit: 'req/s', higherIsBetter: true, target: '>= 10,000 req/s', targetValue: 10_000, targetAtLeast: true,
    }, async (broker, rep) => {
      const topic = runTopic(`durable-bare-${rep}`);
      await createTopic(broker.bootstrap, topic, 1);
      return (await bareDurable(broker.bootstrap, topic, s.durableProducers, s.durableSeconds)).requestsPerSecond;
    });
    return [rps, bare];
  } finally {
    await brooklet.close();
    await kafka.close();
  }
}
