/** (c) End-to-end latency at a fixed rate (5,000 msg/s of 1 KiB) with the Java client: bench/java/FixedRateLatency.java. */
import { alternate, type Pair } from '../lib/alternate.js';
import { createTopic, runTopic } from '../lib/admin.js';
import { javaProgram } from '../lib/java-tools.js';
import type { Settings } from '../lib/settings.js';
import type { CaseResult } from '../lib/types.js';

interface LatencyRun {
  sent: number;
  received: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export async function latencyWorkload(pair: Pair, s: Settings): Promise<CaseResult[]> {
  const runs: Record<string, LatencyRun[]> = { brooklet: [], kafka: [] };
  const name = `${s.latencyRate} msg/s of ${s.recordSize} B, acks=1, linger.ms=0`;
  const p50 = await alternate(pair, s.reps, {
    workload: 'latency', case: `${name}: p50`, metric: 'end-to-end latency', unit: 'ms', higherIsBetter: false,
  }, async (broker, rep) => {
    const topic = runTopic(`latency-${rep}`);
    await createTopic(broker.bootstrap, topic, 1);
    const r = await javaProgram<LatencyRun>('FixedRateLatency.java', [broker.bootstrap, topic, String(s.latencyRate),
      String(s.latencySeconds), String(s.latencyWarmupSeconds), String(s.recordSize)], 120_000 + s.latencySeconds * 2000);
    if (r.received < r.sent) throw new Error(`latency run on ${broker.name}: ${r.received} of ${r.sent} received`);
    runs[broker.name]!.push(r);
    return r.p50Ms;
  });
  // The other percentiles come from the same runs (one run yields all of them).
  const from = (key: keyof LatencyRun, label: string): CaseResult => {
    const pick = (b: string) => runs[b]!.map((r) => r[key]);
    const sum = (v: number[]) => {
      const sorted = [...v].sort((x, y) => x - y);
      const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
      return { median: mid, min: sorted[0]!, max: sorted.at(-1)!, n: v.length, samples: v };
    };
    const brooklet = sum(pick('brooklet'));
    const kafka = sum(pick('kafka'));
    return { ...p50, case: `${name}: ${label}`, brooklet, kafka, ratio: brooklet.median / kafka.median };
  };
  const rate = from('achievedRate', 'achieved send rate');
  return [p50, from('p99Ms', 'p99'), from('p999Ms', 'p99.9'), from('maxMs', 'max'),
    { ...rate, metric: 'send rate kept', unit: 'msg/s', higherIsBetter: true }];
}
