/**
 * Bringing a partition's segments back to a trusted state when it is opened: validate,
 * truncate, rebuild (Kafka's LogLoader, reduced to one function).
 *
 * After an unclean stop (no clean-shutdown marker), every segment that may hold offsets at or
 * past the recovery point (the offset up to which the log was known flushed) is scanned batch
 * by batch with CRC-32C. The first bad byte - a bad length, bad magic, a batch cut short, a
 * bad CRC or offsets that do not increase - ends the log: the segment is truncated there,
 * later segments are deleted, and the recovered segments' indexes are rebuilt from the .log.
 *
 * After a clean shutdown, and for segments wholly below the recovery point, the .log is
 * trusted: each index only gets a sanity check (file size a whole number of entries, entries
 * increasing and inside the log, the last entry pointing at the batch it names) and is rebuilt
 * if that fails; the few batches after the last index entry are walked to find the end.
 */
import fs from 'node:fs';
import { readInt64 } from './batch-header.js';
import type { Segment } from './segment.js';

export interface RecoveryOptions {
  cleanShutdown: boolean;
  /** Offsets below this were flushed before the stop (0: no checkpoint, scan everything). */
  recoveryPoint: number;
}

export interface RecoveryReport {
  scannedSegments: number[];
  rebuiltIndexes: number[];
  truncated?: { baseOffset: number; position: number; problem: string };
  deletedSegments: number[];
}

/** Recovers `segments` (ascending base offsets, all still writable) in place. */
export function recoverSegments(segments: Segment[], options: RecoveryOptions): RecoveryReport {
  const report: RecoveryReport = { scannedSegments: [], rebuiltIndexes: [], deletedSegments: [] };
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const isLast = i === segments.length - 1;
    const mayHoldUnflushed = isLast || segments[i + 1]!.baseOffset > options.recoveryPoint;
    const trusted = options.cleanShutdown || !mayHoldUnflushed;

    if (trusted && indexesLookSane(segment) && segment.restoreFromIndexes()) continue;

    // Validate: every batch, with its CRC.
    report.scannedSegments.push(segment.baseOffset);
    const outcome = segment.scan(0, true, () => {});
    // Truncate: at the first bad byte; nothing after it can be trusted.
    if (outcome.problem !== undefined) {
      report.truncated = { baseOffset: segment.baseOffset, position: outcome.end, problem: outcome.problem };
      segment.truncateTo(outcome.end);
      for (const later of segments.splice(i + 1)) {
        deleteSegmentFiles(later);
        report.deletedSegments.push(later.baseOffset);
      }
    }
    // Rebuild: both indexes from the validated batches.
    segment.rebuildIndexes();
    report.rebuiltIndexes.push(segment.baseOffset);
  }
  return report;
}

function indexesLookSane(segment: Segment): boolean {
  const { offsetIndex, timeIndex } = segment;
  if (fileSize(offsetIndex.path) !== offsetIndex.expectedFileSize) return false;
  if (fileSize(timeIndex.path) !== timeIndex.expectedFileSize) return false;
  if (!offsetIndex.isConsistent(segment.size) || !timeIndex.isConsistent(Number.MAX_SAFE_INTEGER)) return false;
  const last = offsetIndex.lastEntry();
  if (last === undefined) return true;
  if (last.position + 27 > segment.size) return false;
  const header = segment.readRange(last.position, 27);
  return readInt64(header, 0) + header.readInt32BE(23) === last.offset;
}

function fileSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return -1;
  }
}

export function deleteSegmentFiles(segment: Segment): void {
  segment.close();
  for (const file of [segment.logPath, segment.offsetIndex.path, segment.timeIndex.path, segment.txnIndex.path]) {
    fs.rmSync(file, { force: true });
  }
}
