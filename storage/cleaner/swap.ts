/**
 * Kafka's swap-file protocol for replacing sealed segments with their cleaned copy, so that a
 * crash at any moment leaves either the old segments or the new one, never both or neither.
 *
 * A clean of the segments [X, Y) (X = the first one's base offset, Y = the base offset of the
 * segment after the group) writes, all before the swap and off the event loop:
 *   0. X.log.cleaned (and X.index.cleaned, X.timeindex.cleaned, maybe X.txnindex.cleaned:
 *      cleaned-indexes.ts), written and fdatasync'd;
 * then swaps, in one synchronous step made of renames only:
 *   1. X.log.swap           renamed from .cleaned: the commit point;
 *   2.                      every old segment of the group is unmapped, closed, and its files
 *                           (.log .index .timeindex .txnindex) renamed to *.deleted;
 *   3. X.log                renamed from .swap, the index files renamed from *.cleaned;
 * then, off the event loop again: the directory fsync'd (once, for all of it), the *.deleted
 * files unlinked. The cleaned copy always ends with the group's last offset (the cleaner keeps
 * the group's last batch, emptied of records if need be), so the .swap file itself says which
 * offsets it covers.
 *
 * One directory sync at the end, none at the commit point, as Kafka's replaceSegments does: the
 * renames reach the disk in the order they were made (a journaling file system commits its
 * metadata in order), so after a power loss the directory holds a prefix of steps 1-3, which
 * startup completes or rolls back; the data they point at was synced at step 0. A kill -9 loses
 * nothing the kernel was told. Before this the commit point synced the directory on the event
 * loop, and old files were unlinked there: on a busy disk each of those could hold the loop for
 * a hundred milliseconds and more.
 *
 * At startup, before the segments are listed (completeOrRollBackSwaps):
 *   - a *.cleaned file is an unfinished clean: deleted (the old segments are whole);
 *   - a *.deleted file is a retired segment's: deleted;
 *   - X.log.swap was committed: every segment whose base offset lies in [X, end of the .swap)
 *     is deleted, then the .swap is renamed to X.log. A crash during this repair repeats it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { syncDirectory } from '../atomic-file.js';
import { scanBatches } from '../batch-scan.js';
import { segmentFileName, type Segment } from '../segment.js';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const DELETED_SUFFIX = '.deleted';
const SEGMENT_SUFFIXES = ['.log', '.index', '.timeindex', '.txnindex'] as const;

export function cleanedPath(dir: string, baseOffset: number): string {
  return path.join(dir, segmentFileName(baseOffset, '.log') + CLEANED_SUFFIX);
}

function swapPath(dir: string, baseOffset: number): string {
  return path.join(dir, segmentFileName(baseOffset, '.log') + SWAP_SUFFIX);
}

/** Step 1: the cleaned file (already synced) becomes the swap file; from here the clean wins a crash. */
export function commitSwap(dir: string, baseOffset: number): void {
  fs.renameSync(cleanedPath(dir, baseOffset), swapPath(dir, baseOffset));
}

/** Step 2 for one old segment: closed and its files renamed to *.deleted; answers the new names. */
export function retireSegment(segment: Segment): string[] {
  segment.close();
  const retired: string[] = [];
  for (const suffix of SEGMENT_SUFFIXES) {
    const file = path.join(segment.dir, segmentFileName(segment.baseOffset, suffix));
    try {
      fs.renameSync(file, file + DELETED_SUFFIX);
      retired.push(file + DELETED_SUFFIX);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return retired;
}

/** Unlinks retired files on the thread pool. */
export async function unlinkRetired(files: readonly string[]): Promise<void> {
  for (const file of files) await fs.promises.rm(file, { force: true });
}

/** Step 3 (and startup's repair, which syncs the directory at once): the swap file takes the first old segment's name. */
export function finishSwap(dir: string, baseOffset: number, syncNow = false): void {
  fs.renameSync(swapPath(dir, baseOffset), path.join(dir, segmentFileName(baseOffset, '.log')));
  if (syncNow) syncDirectory(dir);
}

/** writeFileAtomic (atomic-file.ts) on the thread pool: temp file, fsync, rename, directory fsync. */
export async function writeFileAtomicAsync(target: string, content: string): Promise<void> {
  const tmp = `${target}.tmp`;
  const handle = await fs.promises.open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, target);
  await syncDirectoryAsync(path.dirname(target));
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
  for (const name of names.filter((n) => n.endsWith(DELETED_SUFFIX))) fs.rmSync(path.join(dir, name), { force: true });
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
    finishSwap(dir, base, true);
    report.completed.push({ baseOffset: base, replaced });
  }
  if (report.rolledBack.length > 0) syncDirectory(dir);
  return report;
}
