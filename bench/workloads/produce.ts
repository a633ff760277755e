/**
 * (a) Produce throughput with Kafka's ProducerPerformance: 1 KiB records, acks 1/all, 1/8
 * partitions, default or 1 MiB batches. Beside each throughput, the CPU time the broker process
 * spent per GiB written in the same runs: the client JVM on its one core sets the pace of these
 * runs (finding 11), and this is what the same work cost each broker.
 */
import { alternate, pairResult, type Pair } from '../lib/alternate.js';
import { createTopic, deleteTopic, runTopic } from '../lib/admin.js';
import { producerPerformance, MIB } from '../lib/java-tools.js';
import { cpuSeconds } from '../lib/proc.js';
import type { Settings } from '../lib/settings.js';
import type { CaseResult } from '../lib/types.js';

export async function produceWorkload(pair: Pair, s: Settings): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  const cpu: CaseResult[] = [];
  const gibWritten = (s.produceRecords * s.recordSize) / (1024 * MIB);
  for (const c of s.produceCases) {
    const cpuPerGiB: Record<'brooklet' | 'kafka', number[]> = { brooklet: [], kafka: [] };
    const name = `acks=${c.acks}, ${c.partitions} partition${c.partitions > 1 ? 's' : ''}, ${c.batch} batches`;
    const props: Record<string, string> = { acks: c.acks };
    if (c.batch === '1MiB') Object.assign(props, { 'batch.size': String(MIB), 'max.request.size': String(8 * MIB) });
    out.push(await alternate(pair, s.produceReps, {
      workload: 'produce', case: name, metric: 'ProducerPerformance throughput', unit: 'MiB/s', higherIsBetter: true,
    }, async (broker, rep) => {
      // A fresh topic per run: every run appends to an empty log, on both brokers alike.
      const topic = runTopic(`produce-a${c.acks}-p${c.partitions}-${c.batch}-${rep}`);
      await createTopic(broker.bootstrap, topic, c.partitions);
      const cpuBefore = cpuSeconds(broker.pid);
      const { mibPerSec } = await producerPerformance(broker.bootstrap, topic, s.produceRecords, s.recordSize, props);
      cpuPerGiB[broker.name].push((cpuSeconds(broker.pid) - cpuBefore) / gibWritten);
      // A full run writes ~40 GiB per broker; each topic goes once measured.
      await deleteTopic(broker.bootstrap, topic);
      return mibPerSec;
    }));
    if (pair.brooklet.pid !== undefined && pair.kafka.pid !== undefined) {
      cpu.push(pairResult({ workload: 'produce-cpu', case: name, metric: 'broker CPU time per GiB written', unit: 's/GiB', higherIsBetter: false }, cpuPerGiB));
    }
  }
  return [...out, ...cpu];
}
