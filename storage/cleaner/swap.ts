/**
 * Kafka's swap-file protocol for replacing sealed segments with their cleaned copy, so that a
 * crash at any moment leaves either the old segments or the new one, never both or neither.
 *
 * A clean of the segments [X, Y) (X = the first one's base offset, Y = the base offset of the
 * segment after the group) writes:
 *   1. X.log.cleaned        the cleaned batches, written in slices, then fdatasync'd;
 *   2. X.log.swap           renamed from .cleaned, directory fsync'd: the commit point;
 *   3.                      every old segment of the group is unmapped, closed and unlinked
 *                           (.log .index .timeindex .txnindex);
 *   4. X.log                renamed from .swap, directory fsync'd; its indexes are rebuilt
 *                           from the .log when it is opened.
 * The cleaned copy always ends with the group's last offset (the cleaner keeps the group's last
 * batch, emptied of records if need be), so the .swap file itself says which offsets it covers.
 *
 * At startup, before the segments are listed (completeOrRollBackSwaps):
 *   - a *.cleaned file is an unfinished clean: deleted (the old segments are whole);
 *   - X.log.swap was committed: every segment whose base offset lies in [X, end of the .swap)
 *     is deleted, then the .swap is renamed to X.log. A crash during this repair repeats it.
 * Kafka's own .deleted stage is skipped: an unlinked file that is still mapped stays readable
 * until its mapping goes, which is all that stage buys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { syncDirectory } from '../atomic-file.js';
import { scanBatches } from '../batch-scan.js';
import { segmentFileName } from '../segment.js';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
const SEGMENT_SUFFIXES = ['.log', '.index', '.timeindex', '.txnindex'] as const;

export function cleanedPath(dir: string, baseOffset: number): string {
  return path.join(dir, segmentFileName(baseOffset, '.log') + CLEANED_SUFFIX);
}

function swapPath(dir: string, baseOffset: number): string {
  return path.join(dir, segmentFileName(baseOffset, '.log') + SWAP_SUFFIX);
}

/** Step 2: the cleaned file (already synced) becomes the swap file; from here the clean wins a crash. */
export function commitSwap(dir: string, baseOffset: number): void {
  fs.renameSync(cleanedPath(dir, baseOffset), swapPath(dir, baseOffset));
  syncDirectory(dir);
}

/**
 * Step 4: the swap file takes the first old segment's name (its files are gone by now). The
 * directory is synced unless `syncLater` (the cleaner syncs it off the event loop: a crash before
 * that sync leaves the .swap, which startup completes).
 */
export function finishSwap(dir: string, baseOffset: number, syncLater = false): void {
  fs.renameSync(swapPath(dir, baseOffset), path.join(dir, segmentFileName(baseOffset, '.log')));
  if (!syncLater) syncDirectory(dir);
}

/** fsync of a directory on the thread pool. */
export async function syncDirectoryAsync(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes every file of the segment at `baseOffset` (not the swap file). */
export function unlinkSegmentFiles(dir: string, baseOffset: number): void {
  for (const suffix of SEGMENT_SUFFIXES) fs.rmSync(path.join(dir, segmentFileName(baseOffset, suffix)), { force: true });
}

/** One past the last offset in a .log file (the file's base offset when it holds no batch). */
function nextOffsetOf(file: string, baseOffset: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let next = baseOffset;
    const readRange = (start: number, length: number): Buffer => {
      const out = Buffer.alloc(length);
      const n = fs.readSync(fd, out, 0, length, start);
      return out.subarray(0, n);
    };
    scanBatches({ baseOffset, size, dense: false, readRange }, 0, true, (batch) => {
      next = batch.lastOffset + 1;
    });
    return next;
  } finally {
    fs.closeSync(fd);
  }
}

export interface SwapRecovery {
  /** Unfinished cleans whose .cleaned files were deleted. */
  rolledBack: string[];
  /** Committed swaps completed: the swap's base offset and the old segments it replaced. */
  completed: Array<{ baseOffset: number; replaced: number[] }>;
}

/** Startup repair of a partition directory (see the top of this file). */
export function completeOrRollBackSwaps(dir: string): SwapRecovery {
  const report: SwapRecovery = { rolledBack: [], completed: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return report;
  }
  for (const name of names.filter((n) => n.endsWith(CLEANED_SUFFIX))) {
    fs.rmSync(path.join(dir, name), { force: true });
    report.rolledBack.push(name);
  }
  const swaps = names.filter((n) => /^\d{20}\.log\.swap$/.test(n)).map((n) => Number(n.slice(0, 20)));
  for (const base of swaps.sort((a, b) => a - b)) {
    const end = nextOffsetOf(swapPath(dir, base), base);
    const replaced = fs
      .readdirSync(dir)
      .filter((n) => /^\d{20}\.log$/.test(n))
      .map((n) => Number(n.slice(0, 20)))
      .filter((b) => b >= base && b < Math.max(end, base + 1));
    for (const old of replaced) unlinkSegmentFiles(dir, old);
    unlinkSegmentFiles(dir, base); // stale indexes of the first old segment, if its .log was already gone
    finishSwap(dir, base);
    report.completed.push({ baseOffset: base, replaced });
  }
  if (report.rolledBack.length > 0) syncDirectory(dir);
  return report;
}
