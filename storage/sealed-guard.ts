/**
 * Keeps a sealed segment's mapping from killing the process.
 *
 * A sealed .log never changes, so it is served from a read-only mapping. If something outside
 * Brooklet shrinks the file, touching a mapped page past the new end raises SIGBUS, which no
 * JavaScript can catch; if it overwrites the file, the mapping shows the garbage. So before the
 * mapping is touched, the guard fstat's the segment's descriptor (kept open for this) and
 * compares size and mtime with those recorded at sealing: about a microsecond per read (see
 * RELIABILITY.md). On any difference the segment is marked damaged for good: the mapping is
 * dropped, the file is CRC-scanned with positional reads, and from then on only the batches
 * before the first bad byte are served; reads past it are KAFKA_STORAGE_ERROR.
 *
 * What it cannot do: a file cut between the fstat and the copy into the socket (microseconds)
 * still faults; the kernel then fails the socket write with EFAULT (that connection closes)
 * rather than signalling, but a header read by JavaScript in that window would be SIGBUS.
 * Closing that window needs a SIGBUS handler in native code, which mmap-io does not offer.
 */
import fs from 'node:fs';
import { scanBatches } from './batch-scan.js';

export interface Damage {
  /** Position after the last batch that is still intact; reads stop here. */
  validEnd: number;
  reason: string;
}

export class SealedGuard {
  private readonly mtimeMs: number;
  damage: Damage | null = null;

  constructor(
    readonly fd: number,
    private readonly size: number,
  ) {
    this.mtimeMs = fs.fstatSync(fd).mtimeMs;
  }

  /**
   * True while the file is as sealed. On the first change seen, `validate` finds the intact
   * prefix with `readRange` (positional reads, never the mapping) and the guard reports false.
   */
  intact(baseOffset: number, readRange: (start: number, length: number) => Buffer): boolean {
    if (this.damage !== null) return false;
    const stat = fs.fstatSync(this.fd);
    if (stat.size === this.size && stat.mtimeMs === this.mtimeMs) return true;
    const reason = stat.size < this.size ? `shrunk from ${this.size} to ${stat.size} bytes` : 'modified after it was sealed';
    this.damage = { validEnd: Math.min(stat.size, this.size), reason };
    const outcome = scanBatches({ baseOffset, size: this.damage.validEnd, readRange }, 0, true, () => {});
    this.damage.validEnd = outcome.end;
    return false;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
