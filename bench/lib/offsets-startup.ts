/**
 * Startup after many offset commits, with and without compaction of __consumer_offsets, on one
 * broker (bench/compaction-kafka.ts runs it on both):
 *
 *  1. A fresh broker with its cleaner off (Kafka: log.cleaner.enable=false; Brooklet has no
 *     switch, so its cleaner backoff is 2^31-1 ms and it never wakes). FindCoordinator and one
 *     commit create __consumer_offsets; its segment.bytes is then set (IncrementalAlterConfigs, the same on both:
 *     Kafka's 100 MiB offsets.topic.segment.bytes would keep 1,000,000 commits in the active
 *     segment, which no cleaner touches); then `commits` offset commits over the network
 *     (lib/raw-requests.ts commitOffsets: `partitions` partitions a request, `groups` groups).
 *  2. Uncompacted: stopped cleanly and started `runs` times, cleaner still off.
 *  3. Compacted: started with the cleaner on (backoff 50 ms) and left until its checkpoint reaches
 *     the active segment of __consumer_offsets-0; then stopped and started `runs` times so.
 * (The driver alternates the two brokers' starts run by run.)
 * A start is timed from spawn until the broker answers ApiVersions and an OffsetFetch of the last
 * group answers without error and with its committed offset: Kafka opens its port before it has
 * loaded the group metadata (OffsetFetch says COORDINATOR_LOAD_IN_PROGRESS meanwhile), Brooklet
 * replays the topic before it listens, so "answers ApiVersions" alone would not be the same point.
 */
import { probeOnce } from './api-versions-probe.js';
import { segmentFiles, waitCleaned } from './cleaner-watch.js';
import { alterTopic, commitOffsets, createTopic, fetchCommitted, firstCommit } from './raw-requests.js';
import type { CleanerSettings, Restartable } from './restartable.js';

export interface StartupSettings {
  commits: number;
  groups: number;
  partitions: number;
  segmentBytes: number;
  runs: number;
}

const OFFSETS = '__consumer_offsets';
const OFF: CleanerSettings = { enabled: false, backoffMs: 50 };
const ON: CleanerSettings = { enabled: true, backoffMs: 50 };

export const apiVersions = async (bootstrap: string) => {
  const [host, port] = bootstrap.split(':');
  return probeOnce(host!, Number(port), 2000);
};

/** Ready to serve the committed offsets: ApiVersions, then the last group's offset of partition 0 of `work`. */
function offsetsReady(lastGroup: string) {
  return async (bootstrap: string) => (await apiVersions(bootstrap)) && ((await fetchCommitted(bootstrap, lastGroup, 'work')) ?? -1) >= 0;
}

function offsetsMiB(b: Restartable): number {
  return segmentFiles(b.partitionDir(OFFSETS, 0)).totalBytes / 2 ** 20;
}

/** Step 1: a fresh broker (cleaner off) with `commits` offset commits; left stopped. Returns the topic's MiB and the commits per second. */
export async function commitMany(b: Restartable, s: StartupSettings, progress: (line: string) => void): Promise<{ mib: number; commitsPerSecond: number }> {
  await b.start(OFF, apiVersions);
  await createTopic(b.bootstrap, 'work', s.partitions, {});
  await firstCommit(b.bootstrap, 'group-0', 'work');
  await alterTopic(b.bootstrap, OFFSETS, { 'segment.bytes': String(s.segmentBytes) });
  const started = performance.now();
  await commitOffsets(b.bootstrap, 'work', s.commits, s.groups, s.partitions);
  const seconds = (performance.now() - started) / 1000;
  progress(`${b.name}: ${s.commits} offset commits in ${seconds.toFixed(1)} s`);
  await b.stop();
  return { mib: offsetsMiB(b), commitsPerSecond: s.commits / seconds };
}

/** One timed start (left stopped afterwards); the cleaner on when `compacted`. */
export async function timedStart(b: Restartable, s: StartupSettings, compacted: boolean): Promise<number> {
  const ms = await b.start(compacted ? ON : OFF, offsetsReady(`group-${s.groups - 1}`));
  await b.stop();
  return ms;
}

/** Step 3: a start with the cleaner on, left until __consumer_offsets-0 is compacted; seconds that took. */
export async function compactOffsets(b: Restartable, s: StartupSettings): Promise<{ seconds: number; mib: number }> {
  const { activeBase, sealedCount } = segmentFiles(b.partitionDir(OFFSETS, 0));
  if (sealedCount === 0) throw new Error(`${OFFSETS} on ${b.name} has no sealed segment: raise --commits or lower --offsets-segment-mb`);
  const started = performance.now();
  await b.start(ON, offsetsReady(`group-${s.groups - 1}`));
  await waitCleaned(b.cleanerCheckpoint, OFFSETS, 0, activeBase, 600_000);
  const seconds = (performance.now() - started) / 1000;
  await b.stop();
  return { seconds, mib: offsetsMiB(b) };
}
