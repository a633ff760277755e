/**
 * Levels read at scrape time (prom-client collect callbacks): nothing here runs between scrapes
 * except the event-loop delay monitor (a libuv timer sampling at 20 ms resolution) and the
 * group-commit observer, which runs once per sync round, not per request.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LogManager } from '../../storage/log-manager.js';
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';
import { groupLag } from './lag.js';

export interface ScrapeSources {
  logs: LogManager;
  groups: GroupCoordinator;
  /** Open Kafka connections, over every listener. */
  connections: () => number;
}

const SYNC_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024];

/** Registers the scrape-time gauges and the sync observer; returns a stop function (close). */
export function registerScrapeGauges(registry: Registry, sources: ScrapeSources): () => void {
  const registers = [registry];
  const { logs, groups } = sources;
  const partitions = () => logs.listTopics().flatMap((t) => Array.from({ length: t.partitions }, (_, p) => ({ topic: t.name, partition: p, log: logs.partition(t.name, p) })));

  new Gauge({ name: 'brooklet_connections', help: 'Open Kafka client connections', registers, collect() { this.set(sources.connections()); } });
  new Gauge({ name: 'brooklet_topics', help: 'Topics (internal ones included)', registers, collect() { this.set(logs.listTopics().length); } });
  new Gauge({ name: 'brooklet_partitions', help: 'Partitions over all topics', registers, collect() { this.set(logs.listTopics().reduce((n, t) => n + t.partitions, 0)); } });
  new Gauge({
    name: 'brooklet_log_size_bytes', help: 'Bytes in the .log files of a partition', labelNames: ['topic', 'partition'], registers,
    collect() {
      this.reset();
      for (const { topic, partition, log } of partitions()) {
        if (log) this.labels(topic, String(partition)).set(log.segmentList.reduce((n, s) => n + s.size, 0));
      }
    },
  });
  new Gauge({
    name: 'brooklet_log_segments', help: 'Segments of a partition', labelNames: ['topic', 'partition'], registers,
    collect() {
      this.reset();
      for (const { topic, partition, log } of partitions()) if (log) this.labels(topic, String(partition)).set(log.segmentList.length);
    },
  });
  new Gauge({
    name: 'brooklet_log_end_offset', help: 'Next offset to be written, per partition', labelNames: ['topic', 'partition'], registers,
    collect() {
      this.reset();
      for (const { topic, partition, log } of partitions()) if (log) this.labels(topic, String(partition)).set(log.logEndOffset);
    },
  });
  new Gauge({
    name: 'brooklet_consumer_group_lag_records', help: 'Log end offset minus the committed offset, per group and partition',
    labelNames: ['group', 'topic', 'partition'], registers,
    collect() {
      this.reset();
      for (const row of groupLag(groups, logs)) this.labels(row.group, row.topic, String(row.partition)).set(row.lag);
    },
  });
  new Gauge({
    name: 'brooklet_mapped_bytes', help: 'Bytes of sealed segments mapped into memory (read-only mmap)', registers,
    collect() {
      let n = 0;
      for (const { log } of partitions()) for (const s of log?.segmentList ?? []) if (s.isMapped) n += s.size;
      this.set(n);
    },
  });
  new Gauge({ name: 'brooklet_process_resident_memory_bytes', help: 'Resident set size of the broker process', registers, collect() { this.set(process.memoryUsage.rss()); } });

  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const lagGauge = (name: string, help: string, read: () => number) => new Gauge({ name, help, registers, collect() { this.set(read() / 1e9); } });
  // Both cover the time since the previous scrape: the max gauge resets the monitor after reading.
  lagGauge('brooklet_event_loop_lag_p99_seconds', 'Event-loop delay, 99th percentile since the previous scrape', () => loop.percentile(99));
  lagGauge('brooklet_event_loop_lag_max_seconds', 'Event-loop delay, largest since the previous scrape', () => {
    const max = loop.max;
    loop.reset();
    return max;
  });

  const fsyncs = new Counter({ name: 'brooklet_fsyncs_total', help: 'Files and directories fdatasync\'d by the group committer', registers });
  const rounds = new Histogram({ name: 'brooklet_fsync_round_duration_seconds', help: 'Duration of one group-commit sync round (its files synced in parallel)', buckets: SYNC_BUCKETS, registers });
  const batch = new Histogram({ name: 'brooklet_group_commit_batch_appends', help: 'Appends released by one group-commit sync round', buckets: BATCH_BUCKETS, registers });
  logs.observeSyncRounds((round) => {
    fsyncs.inc(round.files);
    rounds.observe(round.seconds);
    batch.observe(round.appends);
  });
  return () => {
    loop.disable();
    logs.observeSyncRounds(null);
  };
}
