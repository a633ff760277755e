/** Sizes and repetitions of the two modes: `npm run bench` (quick, < 5 min) and `npm run bench:full`. */
export interface Settings {
  reps: number;
  /** Repetitions of each produce case: the noisiest workload (one client JVM on one core), so more of them. */
  produceReps: number;
  /**
   * Records per produce run. Long enough that the client JVM's warm-up (JIT on its one core) is a
   * small part of the run: at 300,000 (2-5 s) one run's client CPU for the same work moved by 1.6x
   * (finding 22).
   */
  produceRecords: number;
  produceCases: Array<{ acks: '1' | 'all'; partitions: 1 | 8; batch: 'default' | '1MiB' }>;
  backlogRecords: number;
  activeBacklogRecords: number;
  latencySeconds: number;
  latencyWarmupSeconds: number;
  latencyRate: number;
  kafkajsRecords: number;
  coldStartReps: number;
  durableProducers: number;
  durableSeconds: number;
  recordSize: number;
}

const allProduceCases: Settings['produceCases'] = [];
for (const acks of ['1', 'all'] as const) {
  for (const partitions of [1, 8] as const) {
    for (const batch of ['default', '1MiB'] as const) allProduceCases.push({ acks, partitions, batch });
  }
}

export const SETTINGS: Record<'quick' | 'full', Settings> = {
  quick: {
    reps: 2, produceReps: 2, produceRecords: 30_000, produceCases: allProduceCases.filter((c) => (c.partitions === 1) === (c.batch === 'default')),
    backlogRecords: 200_000, activeBacklogRecords: 60_000,
    latencySeconds: 5, latencyWarmupSeconds: 1, latencyRate: 5000, kafkajsRecords: 20_000,
    coldStartReps: 2, durableProducers: 64, durableSeconds: 3, recordSize: 1024,
  },
  full: {
    reps: 3, produceReps: 5, produceRecords: 1_000_000, produceCases: allProduceCases,
    backlogRecords: 2_500_000, activeBacklogRecords: 300_000,
    latencySeconds: 30, latencyWarmupSeconds: 5, latencyRate: 5000, kafkajsRecords: 200_000,
    coldStartReps: 5, durableProducers: 64, durableSeconds: 15, recordSize: 1024,
  },
};
