/**
 * (b) Consume throughput with Kafka's ConsumerPerformance (fetch.MB.sec: after the group join):
 *  - catch-up from a backlog in sealed segments (segment.bytes 1/8 of the backlog, 16-256 MiB, so
 *    all but the last segment are sealed: mmap on Brooklet, Kafka's FileRecords + sendfile);
 *  - reading the active segment: a backlog smaller than one segment, never rolled.
 * The backlog is written once per broker with ProducerPerformance (1 MiB batches), then read
 * by a fresh consumer group per repetition. Both backlogs are in the page cache (just written).
 * The sealed backlog is then read again by a bare protocol client (bench/catchup-raw.ts, 4 MiB
 * fetches, one in flight): ConsumerPerformance is bound by its own decoding near 300 MiB/s on one
 * core from either broker, so the 1 GB/s catch-up bar is judged on what the broker serves.
 */
import { alternate, type Pair } from '../lib/alternate.js';
import { createTopic, runTopic } from '../lib/admin.js';
import { consumerPerformance, producerPerformance, MIB } from '../lib/java-tools.js';
import { step } from '../lib/progress.js';
import { bareCatchUp } from '../lib/raw-tools.js';
import type { Settings } from '../lib/settings.js';
import type { CaseResult } from '../lib/types.js';

const fillProps = { acks: '1', 'batch.size': String(MIB), 'max.request.size': String(8 * MIB) };

export async function consumeWorkload(pair: Pair, s: Settings): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  // Segments small enough that all but the last are sealed, whatever the backlog's size.
  const segment = Math.min(256 * MIB, Math.max(16 * MIB, Math.floor((s.backlogRecords * s.recordSize) / 8 / MIB) * MIB));
  const backlogs = [
    { key: 'sealed', records: s.backlogRecords, configs: <Record<string, string>>{ 'segment.bytes': String(segment) },
      label: `catch-up, ${((s.backlogRecords * s.recordSize) / 1024 ** 3).toFixed(2)} GiB backlog in sealed ${segment / MIB} MiB segments` },
    { key: 'active', records: s.activeBacklogRecords, configs: <Record<string, string>>{},
      label: `active segment, ${Math.round((s.activeBacklogRecords * s.recordSize) / MIB)} MiB backlog` },
  ];
  for (const b of backlogs) {
    const topic = runTopic(`consume-${b.key}`);
    for (const broker of [pair.brooklet, pair.kafka]) {
      step(`  consume: writing the ${b.key} backlog (${b.records} records) to ${broker.name}`);
      await createTopic(broker.bootstrap, topic, 1, b.configs);
      await producerPerformance(broker.bootstrap, topic, b.records, s.recordSize, fillProps, 1_800_000);
    }
    out.push(await alternate(pair, s.reps, {
      workload: 'consume', case: b.label, metric: 'ConsumerPerformance fetch throughput', unit: 'MiB/s', higherIsBetter: true,
    }, async (broker, rep) => (await consumerPerformance(broker.bootstrap, topic, b.records, `bench-${b.key}-${rep}-${Date.now()}`, 1_800_000)).mibPerSec));
    if (b.key === 'sealed') {
      out.push(await alternate(pair, s.reps, {
        workload: 'consume', case: `${b.label}, bare protocol client, 4 MiB fetches`, metric: 'bytes served per second', unit: 'MiB/s',
        higherIsBetter: true, target: '>= 1 GB/s (954 MiB/s) catch-up', targetValue: 1e9 / MIB, targetAtLeast: true,
      }, async (broker) => (await bareCatchUp(broker.bootstrap, topic, 4)).MiBps));
    }
  }
  return out;
}
