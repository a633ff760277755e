/**
 * What of one partition is written but not yet known to be on disk, and how to sync it.
 *
 * A partition's recovery point (its flushed offset) only moves when every byte below it has
 * been fdatasync'd: the .log files of segments sealed since the last sync, the active
 * segment's .log, and the partition directory when a roll created new files in it (a file
 * whose directory entry was never synced can vanish on power loss, data and all).
 *
 * Indexes are deliberately not synced here: after an unclean stop recovery rebuilds the index
 * of every segment at or past the recovery point from the .log, so their durability buys
 * nothing but a second sync per round. A clean close syncs them too (syncNow). The exception
 * is a sealed segment's .txnindex: an entry lost from it could not be noticed by a size check,
 * and recovery trusts segments below the recovery point, so it is synced with its .log (only
 * segments that saw an abort have one).
 *
 * Syncs run two ways: asynchronously in a group-commit round (snapshot -> syncSnapshot on the
 * thread pool -> markSynced), or synchronously at close (syncNow).
 */
import fs from 'node:fs';
import type { Segment } from './segment.js';
import type { SyncLog } from './sync-log.js';
import { TXN_INDEX_ENTRY_SIZE } from './transactions/txn-index.js';

export interface SyncSnapshot {
  /** Files to fdatasync and the length each had when the snapshot was taken. */
  files: { path: string; length: number }[];
  /** The partition directory when it gained entries since the last sync. */
  dir: string | null;
  /** Offsets below this are durable once the snapshot is synced. */
  upTo: number;
  /** Sealed segments the snapshot covers (they stop being pending once synced). */
  sealed: Segment[];
  /** Roll count when taken: a later roll keeps the directory pending. */
  rolls: number;
}

export class UnsyncedData {
  private sealed: Segment[] = [];
  private dirPending = false;
  private rolls = 0;
  lastSyncAt: number;

  constructor(
    readonly dir: string,
    public flushedOffset: number,
    now: number,
  ) {
    this.lastSyncAt = now;
  }

  /** `segment` was sealed and a new active segment created beside it. */
  onRoll(segment: Segment): void {
    this.sealed.push(segment);
    this.dirPending = true;
    this.rolls++;
  }

  /** Segments deleted or replaced (retention, the cleaner): nothing of theirs to sync; their directory changed. */
  forget(segments: readonly Segment[]): void {
    this.sealed = this.sealed.filter((s) => !segments.includes(s));
    this.dirPending = true;
    this.rolls++;
  }

  pending(endOffset: number): boolean {
    return endOffset > this.flushedOffset || this.sealed.length > 0 || this.dirPending;
  }

  /** What a sync started now must cover, or null when nothing is pending. */
  snapshot(active: Segment, endOffset: number): SyncSnapshot | null {
    if (!this.pending(endOffset)) return null;
    const files = this.sealed.map((s) => ({ path: s.logPath, length: s.size }));
    for (const s of this.sealed) if (s.txnIndex.entries.length > 0) files.push({ path: s.txnIndex.path, length: s.txnIndex.entries.length * TXN_INDEX_ENTRY_SIZE });
    files.push({ path: active.logPath, length: active.size });
    return { files, dir: this.dirPending ? this.dir : null, upTo: endOffset, sealed: [...this.sealed], rolls: this.rolls };
  }

  markSynced(snapshot: SyncSnapshot, now: number): void {
    this.flushedOffset = Math.max(this.flushedOffset, snapshot.upTo);
    this.sealed = this.sealed.filter((s) => !snapshot.sealed.includes(s));
    if (snapshot.dir !== null && snapshot.rolls === this.rolls) this.dirPending = false;
    this.lastSyncAt = now;
  }

  /** Synchronous sync of everything pending, indexes included (clean close, explicit flush). */
  syncNow(active: Segment, endOffset: number, now: number, syncLog: SyncLog | null): void {
    for (const segment of this.sealed) {
      const txnIndex = segment.txnIndex.entries.length > 0 ? [segment.txnIndex.path] : [];
      for (const file of [segment.logPath, segment.offsetIndex.path, segment.timeIndex.path, ...txnIndex]) {
        const length = syncPathSync(file);
        syncLog?.record(file, length);
      }
    }
    this.sealed = [];
    active.flush();
    syncLog?.record(active.logPath, active.size);
    if (this.dirPending) syncPathSync(this.dir);
    this.dirPending = false;
    this.flushedOffset = endOffset;
    this.lastSyncAt = now;
  }
}

/** fdatasync (fsync for a directory) through a fresh descriptor; returns the file's length. */
function syncPathSync(file: string): number {
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) fs.fsyncSync(fd);
    else fs.fdatasyncSync(fd);
    return stat.size;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Syncs a snapshot on the thread pool (the event loop keeps accepting appends meanwhile, which
 * is what lets the next round carry them all). A fresh descriptor per file: fdatasync acts on
 * the inode, and the segment's own descriptor may be closed by a roll while this runs.
 */
export async function syncSnapshot(snapshot: SyncSnapshot, syncLog: SyncLog | null): Promise<number> {
  const targets = snapshot.files.map((f) => ({ ...f, directory: false }));
  if (snapshot.dir !== null) targets.push({ path: snapshot.dir, length: 0, directory: true });
  await Promise.all(
    targets.map(async (target) => {
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(target.path, 'r');
      } catch (err) {
        // A segment deleted by retention or the cleaner since the snapshot: nothing to sync.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !target.directory) return;
        throw err;
      }
      try {
        if (target.directory) await handle.sync();
        else await handle.datasync();
      } finally {
        await handle.close();
      }
      if (!target.directory) syncLog?.record(target.path, target.length);
    }),
  );
  return targets.length;
}
