/**
 * Read-only memory mappings through mmap-io, made safe to touch by native/sigbus-guard.
 *
 * There is deliberately no fallback to reading the file: sealed segments are served as slices
 * of their mapping, and a broker that silently copies instead would hide a broken install. For
 * the same reason both native modules are required, and a missing one stops the broker with a
 * message saying which.
 *
 * Touching a mapped page that lies wholly past the end of its file is SIGBUS, which kills the
 * process. At mapping time the size is checked against fstat. Afterwards another process may
 * still shrink the file: every mapping is registered with sigbus-guard, whose signal handler
 * puts a page of zeros where the vanished page was and counts the repair. `mappingFaults()`
 * reads that count (a load from memory the addon shares); sealed-guard.ts compares it around
 * each read of a mapping to notice.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

interface MmapModule {
  map(size: number, protection: number, flags: number, fd: number, offset?: number, advise?: number): Buffer;
  advise(buffer: Buffer, advise: number): void;
  readonly PROT_READ: number;
  readonly MAP_SHARED: number;
  readonly MADV_SEQUENTIAL: number;
  readonly MADV_NORMAL: number;
}

interface SigbusGuardModule {
  register(mapping: Buffer): number;
  unregister(slot: number): void;
  /** Pages repaired so far, a Uint32Array over the addon's memory: a read of it costs a load. */
  readonly faultCounter: Uint32Array;
}

// Both are CommonJS; createRequire gives the module object itself under every module setting.
const require = createRequire(import.meta.url);

function loadNative<T>(name: string, why: string, check: (mod: Partial<T>) => boolean): T {
  let loaded: unknown;
  try {
    loaded = require(name);
  } catch (err) {
    throw new Error(`storage needs the native module ${name} ${why}, and it failed to load (reinstall it so its addon builds): ${(err as Error).message}`);
  }
  if (!check(loaded as Partial<T>)) throw new Error(`${name} loaded but lacks the functions storage uses; unsupported version`);
  return loaded as T;
}

const mmap = loadNative<MmapModule>('mmap-io', 'to map sealed segments', (m) => typeof m.map === 'function' && typeof m.PROT_READ === 'number');
const sigbusGuard = loadNative<SigbusGuardModule>(
  'brooklet-sigbus-guard',
  'to survive a mapped segment file shrunk by another process',
  (m) => typeof m.register === 'function' && m.faultCounter instanceof Uint32Array,
);

/** A read-only, shared mapping of a file's first bytes, whose faults become zero pages until released. */
export class ReadOnlyMapping {
  private slot: number | null;

  constructor(readonly bytes: Buffer) {
    this.slot = sigbusGuard.register(bytes);
  }

  /**
   * Stops repairing faults in this mapping. Call it when JavaScript will not touch the mapping
   * again; slices still queued on sockets are read by the kernel, which fails that write with
   * EFAULT instead of signalling. The pages are unmapped when the last slice is collected.
   */
  release(): void {
    if (this.slot !== null) sigbusGuard.unregister(this.slot);
    this.slot = null;
  }
}

/** Maps the first `size` bytes of the file open as `fd`, read-only and shared. */
export function mapReadOnly(fd: number, size: number): ReadOnlyMapping {
  const fileSize = fs.fstatSync(fd).size;
  if (size > fileSize) {
    throw new Error(`cannot map ${size} bytes of a ${fileSize}-byte file: touching it would be SIGBUS`);
  }
  return mapGrowing(fd, size);
}

/**
 * Maps `length` bytes of a file that is still being appended to, read-only and shared, for the
 * active segment's reads. Mapping past the end of a file is allowed; touching a page past it is
 * not, so the caller reads only below the size it has written. Bytes written later show through
 * the shared mapping as soon as write() returns (one page cache).
 */
export function mapGrowing(fd: number, length: number): ReadOnlyMapping {
  if (!Number.isInteger(length) || length <= 0) {
    throw new Error(`cannot map ${length} bytes: a mapping needs a positive size`);
  }
  return new ReadOnlyMapping(mmap.map(length, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0, mmap.MADV_NORMAL));
}

/** Pages of registered mappings replaced by zeros so far, process-wide (wraps at 2^32). */
export function mappingFaults(): number {
  return faultCounter[0]!;
}

const faultCounter = sigbusGuard.faultCounter;
