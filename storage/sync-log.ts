/**
 * A test hook: one line per successful data sync, so a power-loss test knows what the disk
 * holds for certain. Enabled by the broker when BROOKLET_TEST_SYNC_LOG names a file.
 *
 * Format, one line per sync, appended after the sync returned:
 *   <absolute file path> TAB <length the file had when the sync began> LF
 * Bytes below that length were on stable storage when the line was written; a simulated power
 * cut shortens each file to the greatest length recorded for it (0 when never recorded).
 * Lines are appended with a synchronous write so a kill -9 right after cannot lose them.
 */
import fs from 'node:fs';

export class SyncLog {
  private fd: number | null;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  /**
   * After close this records nothing: a group-commit round still on the thread pool when the
   * manager closed finishes later, and its line adds nothing (close synced and recorded every
   * file in full), while writing it would hit a closed descriptor - or one reused by another file.
   */
  record(path: string, length: number): void {
    if (this.fd === null) return;
    fs.writeSync(this.fd, `${path}\t${length}\n`);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** Greatest synced length per path in a sync log file (for tests). */
export function readSyncLog(file: string): Map<string, number> {
  const synced = new Map<string, number>();
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return synced;
  }
  for (const line of text.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) continue;
    const path = line.slice(0, tab);
    const length = Number(line.slice(tab + 1));
    if (Number.isSafeInteger(length)) synced.set(path, Math.max(synced.get(path) ?? 0, length));
  }
  return synced;
}
