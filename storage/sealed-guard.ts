/**
 * Keeps a sealed segment's mapping from killing the process, and notices when its file changed.
 *
 * A sealed .log never changes, so it is served from a read-only mapping. Two things can still
 * happen to the file from outside Brooklet:
 *  - it is shrunk: touching a mapped page now wholly past its end is SIGBUS. native/sigbus-guard
 *    catches that signal for every registered mapping and maps a page of zeros in its place,
 *    counting the repair (mmap.ts). So a read that touched a vanished page returns, with zeros
 *    where bytes were, and the count has moved;
 *  - it is overwritten in place: the mapping shows the new bytes; nothing faults.
 * The guard compares the file's size and mtime (fstat of a descriptor kept open for this) with
 * those recorded at sealing: at once whenever the repair count moved since its last check, and
 * otherwise on the first read after the clock below ticked. An fstat per read would cost ~1-2 µs,
 * most of a small fetch (BENCHMARKS findings); reading the count is a memory load.
 *
 * The clock is a counter advanced by a one-shot timer RECHECK_MS after a check armed it; it is
 * re-armed only by the next check, so it runs while sealed segments are being read and not at
 * all in an idle broker. (Comparing it is cheaper than reading a clock on every read.)
 *
 * On any difference the segment is marked damaged for good: the mapping is released, the file
 * is CRC-scanned with positional reads, and from then on only the batches before the first bad
 * byte are served; reads past it are KAFKA_STORAGE_ERROR. A read that itself met a repaired page
 * is discarded and answered the same way.
 *
 * What is not closed: an overwrite is served as it is until the next tick (RECHECK_MS; the
 * client's CRC check rejects it), and a fault met outside a read (a timestamp lookup's header walk) yields
 * zeros to that one caller; the next read sees the count.
 */
import fs from 'node:fs';
import { scanBatches } from './batch-scan.js';
import { mappingFaults } from './mmap.js';

/** Least time between two fstats of a sealed file while it is being read. */
export const RECHECK_MS = 10;

let clockTicks = 0;
let tickArmed = false;

function armTick(): void {
  if (tickArmed) return;
  tickArmed = true;
  setTimeout(() => {
    tickArmed = false;
    clockTicks++;
  }, RECHECK_MS).unref();
}

export interface Damage {
  /** Position after the last batch that is still intact; reads stop here. */
  validEnd: number;
  reason: string;
}

export class SealedGuard {
  private readonly mtimeMs: number;
  private faultsSeen = mappingFaults();
  private checkedAtTick = -1;
  damage: Damage | null = null;

  constructor(
    readonly fd: number,
    private readonly size: number,
  ) {
    this.mtimeMs = fs.fstatSync(fd).mtimeMs;
  }

  /** True when no mapped page was repaired since the last check: a read just made can be trusted. */
  noFaultsSinceCheck(): boolean {
    return mappingFaults() === this.faultsSeen;
  }

  /**
   * True while the file is as sealed. On the first change seen, `validate` finds the intact
   * prefix with `file.readRange` (positional reads, never the mapping) and the guard reports false.
   */
  intact(baseOffset: number, file: { readRange(start: number, length: number): Buffer }): boolean {
    if (this.damage !== null) return false;
    const faults = mappingFaults();
    if (faults === this.faultsSeen && this.checkedAtTick === clockTicks) return true;
    this.faultsSeen = faults;
    this.checkedAtTick = clockTicks;
    armTick();
    const stat = fs.fstatSync(this.fd);
    if (stat.size === this.size && stat.mtimeMs === this.mtimeMs) return true;
    const reason = stat.size < this.size ? `shrunk from ${this.size} to ${stat.size} bytes` : 'modified after it was sealed';
    this.damage = { validEnd: Math.min(stat.size, this.size), reason };
    const outcome = scanBatches({ baseOffset, size: this.damage.validEnd, readRange: (start, length) => file.readRange(start, length) }, 0, true, () => {});
    this.damage.validEnd = outcome.end;
    return false;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
