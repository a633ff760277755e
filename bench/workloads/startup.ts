/**
 * (e) Cold start: spawn of the broker process to its first ApiVersions answer (an empty data
 * dir; Kafka's storage formatted beforehand, as an install would), fresh processes, alternating.
 * Idle RSS: VmRSS of that process 3 s after its first answer, before any client connected.
 * Loaded RSS: VmHWM (peak RSS) of the long-running brokers after the produce and consume
 * workloads (measured in side-by-side.ts through loadedMemory()), and the anonymous part of the
 * RSS apart: Brooklet maps sealed segments, so the pages of every segment a consumer read count
 * in its RSS as file pages (the page cache, which the kernel reclaims under pressure), while
 * Kafka reads segments with sendfile and the same page cache stays outside its RSS.
 */
import { alternate, type Pair } from '../lib/alternate.js';
import { startBroker, type BrokerName, type BrokerUnderTest } from '../lib/brokers.js';
import { memoryMiB, sleep } from '../lib/proc.js';
import type { Settings } from '../lib/settings.js';
import type { CaseResult } from '../lib/types.js';

export async function coldStartWorkload(s: Settings): Promise<CaseResult[]> {
  const idle: Record<BrokerName, number[]> = { brooklet: [], kafka: [] };
  // alternate() wants a pair of running brokers; here each measurement starts its own.
  const placeholder = (name: BrokerName) => ({ name, bootstrap: '', coldStartMs: NaN, close: async () => {} }) as BrokerUnderTest;
  const pair: Pair = { brooklet: placeholder('brooklet'), kafka: placeholder('kafka') };
  const start = await alternate(pair, s.coldStartReps, {
    workload: 'startup', case: 'cold start to first ApiVersions answer', metric: 'time', unit: 'ms', higherIsBetter: false,
    target: '<= 1/10 of Kafka',
  }, async (b) => {
    const broker = await startBroker(b.name);
    try {
      await sleep(3000);
      idle[b.name].push(memoryMiB(broker.pid).rss);
      return broker.coldStartMs;
    } finally {
      await broker.close();
    }
  });
  const summary = (v: number[]) => {
    const sorted = [...v].sort((x, y) => x - y);
    return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, min: sorted[0]!, max: sorted.at(-1)!, n: v.length, samples: v };
  };
  const idleCase: CaseResult = {
    workload: 'startup', case: 'idle RSS, 3 s after start', metric: 'RSS', unit: 'MiB', higherIsBetter: false,
    target: '<= 60 MB (57.2 MiB)', targetValue: 60e6 / 1024 ** 2, targetAtLeast: false, brooklet: summary(idle.brooklet), kafka: summary(idle.kafka), ratio: 0,
  };
  idleCase.ratio = idleCase.brooklet.median / idleCase.kafka.median;
  return [start, idleCase];
}

/** Peak and current RSS of the long-running pair after the load workloads. */
export function loadedMemory(pair: Pair, after: string): CaseResult[] {
  const b = memoryMiB(pair.brooklet.pid);
  const k = memoryMiB(pair.kafka.pid);
  const one = (v: number) => ({ median: v, min: v, max: v, n: 1, samples: [v] });
  return [
    { workload: 'startup', case: `peak RSS (VmHWM) after ${after}`, metric: 'RSS', unit: 'MiB', higherIsBetter: false,
      brooklet: one(b.peak), kafka: one(k.peak), ratio: b.peak / k.peak },
    { workload: 'startup', case: `RSS after ${after}`, metric: 'RSS', unit: 'MiB', higherIsBetter: false,
      brooklet: one(b.rss), kafka: one(k.rss), ratio: b.rss / k.rss },
    { workload: 'startup', case: `anonymous RSS (RssAnon: heap and buffers, no mapped files) after ${after}`, metric: 'RSS', unit: 'MiB', higherIsBetter: false,
      brooklet: one(b.anon), kafka: one(k.anon), ratio: b.anon / k.anon },
  ];
}
