/** (a) Produce throughput with Kafka's ProducerPerformance: 1 KiB records, acks 1/all, 1/8 partitions, default or 1 MiB batches. */
import { alternate, type Pair } from '../lib/alternate.js';
import { createTopic, runTopic } from '../lib/admin.js';
import { producerPerformance, MIB } from '../lib/java-tools.js';
import type { Settings } from '../lib/settings.js';
import type { CaseResult } from '../lib/types.js';

export async function produceWorkload(pair: Pair, s: Settings): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of s.produceCases) {
    const name = `acks=${c.acks}, ${c.partitions} partition${c.partitions > 1 ? 's' : ''}, ${c.batch} batches`;
    const props: Record<string, string> = { acks: c.acks };
    if (c.batch === '1MiB') Object.assign(props, { 'batch.size': String(MIB), 'max.request.size': String(8 * MIB) });
    out.push(await alternate(pair, s.produceReps, {
      workload: 'produce', case: name, metric: 'ProducerPerformance throughput', unit: 'MiB/s', higherIsBetter: true,
    }, async (broker, rep) => {
      // A fresh topic per run: every run appends to an empty log, on both brokers alike.
      const topic = runTopic(`produce-a${c.acks}-p${c.partitions}-${c.batch}-${rep}`);
      await createTopic(broker.bootstrap, topic, c.partitions);
      return (await producerPerformance(broker.bootstrap, topic, s.produceRecords, s.recordSize, props)).mibPerSec;
    }));
  }
  return out;
}
