/**
 * Runs one measurement against both brokers alternately (Brooklet, Kafka, Brooklet, Kafka, ...)
 * so that drift on a shared machine (page cache, other load, thermal) falls on both alike.
 */
import type { BrokerUnderTest } from './brokers.js';
import { step } from './progress.js';
import { summarize } from './stats.js';
import type { CaseResult } from './types.js';

export interface Pair {
  brooklet: BrokerUnderTest;
  kafka: BrokerUnderTest;
}

export type CaseSpec = Omit<CaseResult, 'brooklet' | 'kafka' | 'ratio'>;

export async function alternate(pair: Pair, reps: number, spec: CaseSpec,
  measure: (broker: BrokerUnderTest, rep: number) => Promise<number>): Promise<CaseResult> {
  const samples: Record<'brooklet' | 'kafka', number[]> = { brooklet: [], kafka: [] };
  for (let rep = 0; rep < reps; rep++) {
    for (const broker of [pair.brooklet, pair.kafka]) {
      const value = await measure(broker, rep);
      samples[broker.name].push(value);
      step(`  ${spec.workload} / ${spec.case} / ${broker.name} #${rep + 1}: ${value.toFixed(2)} ${spec.unit}`);
    }
  }
  return pairResult(spec, samples);
}

/** A case from both brokers' samples: their medians and spreads and the ratio of the medians. */
export function pairResult(spec: CaseSpec, samples: Record<'brooklet' | 'kafka', number[]>): CaseResult {
  const brooklet = summarize(samples.brooklet);
  const kafka = summarize(samples.kafka);
  return { ...spec, brooklet, kafka, ratio: brooklet.median / kafka.median };
}
