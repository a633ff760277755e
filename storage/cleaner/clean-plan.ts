/**
 * What a clean of one compacted partition covers, as Kafka's LogCleanerManager decides it.
 *
 *   [log start ........ firstDirty ............ firstUncleanable ......... active segment ...]
 *    cleaned before     dirty: written since the last clean     too new to clean
 *
 * - firstDirty: where the last clean's offset map ended (cleaner-offset-checkpoint), or the log
 *   start when there is none (or it is out of the log).
 * - firstUncleanable: the smallest of the active segment's base offset (never cleaned), the last
 *   stable offset (an open transaction's records wait for its marker), and the base offset of the
 *   first segment holding a record newer than min.compaction.lag.ms.
 * - Only whole segments entirely below firstUncleanable are cleaned.
 * - dirty ratio = dirty bytes / (clean bytes + dirty bytes) over those segments; a clean runs
 *   when it exceeds min.cleanable.dirty.ratio (strictly, as Kafka's cleaner manager filters: a
 *   ratio of 1.0 never triggers), or whatever the ratio when the oldest dirty record is older
 *   than max.compaction.lag.ms.
 * - Segments are cleaned in groups whose original sizes add up to at most segment.bytes (each
 *   group becomes one segment), and a group never mixes segments cleaned before with dirty
 *   ones, so a cleaned segment's mtime keeps saying when its tombstones were first cleaned
 *   (delete.retention.ms counts from there, as Kafka's delete horizon does).
 */
import type { LogConfig } from '../config.js';
import type { Segment } from '../segment.js';

const INT32_MAX = 0x7fffffff;

export interface CleanPlan {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  /** The sealed segments wholly below firstUncleanable, oldest first. */
  segments: Segment[];
  cleanBytes: number;
  dirtyBytes: number;
  dirtyRatio: number;
  /** max.compaction.lag.ms was passed: clean whatever the ratio. */
  forced: boolean;
}

export interface PlanInput {
  segments: readonly Segment[];
  logStartOffset: number;
  lastStableOffset: number;
  /** From the cleaner checkpoint; -1 when none. */
  checkpoint: number;
  config: Pick<LogConfig, 'minCompactionLagMs' | 'maxCompactionLagMs' | 'minCleanableDirtyRatio'>;
  now: number;
}

export function planClean(input: PlanInput): CleanPlan {
  const { segments, config, now } = input;
  const active = segments[segments.length - 1]!;
  const logEnd = active.nextOffset;
  let firstDirty = input.checkpoint;
  if (firstDirty < input.logStartOffset || firstDirty > logEnd) firstDirty = input.logStartOffset;
  let firstUncleanable = Math.min(active.baseOffset, input.lastStableOffset);
  if (config.minCompactionLagMs > 0) {
    const young = segments.find((s) => s.nextOffset > firstDirty && s.maxTimestampSoFar > now - config.minCompactionLagMs);
    if (young !== undefined) firstUncleanable = Math.min(firstUncleanable, young.baseOffset);
  }
  const cleanable = segments.filter((s) => s !== active && s.nextOffset <= firstUncleanable);
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let oldestDirty = Infinity;
  for (const s of cleanable) {
    if (s.nextOffset <= firstDirty) cleanBytes += s.size;
    else {
      dirtyBytes += s.size;
      if (s.size > 0) oldestDirty = Math.min(oldestDirty, s.rollingTimestamp);
    }
  }
  const total = cleanBytes + dirtyBytes;
  const dirtyRatio = total === 0 ? 0 : dirtyBytes / total;
  const forced = dirtyBytes > 0 && Number.isFinite(config.maxCompactionLagMs) && now - oldestDirty > config.maxCompactionLagMs;
  return { firstDirtyOffset: firstDirty, firstUncleanableOffset: firstUncleanable, segments: cleanable, cleanBytes, dirtyBytes, dirtyRatio, forced };
}

export function shouldClean(plan: CleanPlan, config: Pick<LogConfig, 'minCleanableDirtyRatio'>): boolean {
  return plan.dirtyBytes > 0 && (plan.forced || plan.dirtyRatio > config.minCleanableDirtyRatio);
}

/** Consecutive groups of at most `maxBytes` (original sizes), never mixing clean and dirty segments. */
export function groupSegments(segments: readonly Segment[], maxBytes: number, firstDirty: number): Segment[][] {
  const groups: Segment[][] = [];
  let current: Segment[] = [];
  let bytes = 0;
  for (const segment of segments) {
    const first = current[0];
    const dirty = segment.nextOffset > firstDirty;
    const fits =
      first !== undefined &&
      bytes + segment.size <= maxBytes &&
      segment.nextOffset - 1 - first.baseOffset <= INT32_MAX &&
      dirty === first.nextOffset > firstDirty;
    if (!fits && current.length > 0) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(segment);
    bytes += segment.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
