/**
 * Read-only memory mappings through mmap-io. There is deliberately no fallback to reading the
 * file: sealed segments are served as slices of their mapping, and a broker that silently
 * copies instead would hide a broken install. Mapping past the end of a file and touching it
 * is SIGBUS (the process dies), so the size is checked against fstat first.
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

function loadMmap(): MmapModule {
  // mmap-io is CommonJS whose typings declare an ES default export; createRequire gives the
  // module object itself under every module setting.
  const require = createRequire(import.meta.url);
  let loaded: unknown;
  try {
    loaded = require('mmap-io');
  } catch (err) {
    throw new Error(
      `storage needs the native module mmap-io to map sealed segments, and it failed to load ` +
        `(reinstall it so its addon builds): ${(err as Error).message}`,
    );
  }
  const mod = loaded as Partial<MmapModule>;
  if (typeof mod.map !== 'function' || typeof mod.PROT_READ !== 'number') {
    throw new Error('mmap-io loaded but does not expose map(); unsupported mmap-io version');
  }
  return mod as MmapModule;
}

const mmap = loadMmap();

/** Maps the first `size` bytes of the file open as `fd`, read-only and shared. */
export function mapReadOnly(fd: number, size: number): Buffer {
  if (!Number.isInteger(size) || size <= 0) {
    throw new Error(`cannot map ${size} bytes: a mapping needs a positive size`);
  }
  const fileSize = fs.fstatSync(fd).size;
  if (size > fileSize) {
    throw new Error(`cannot map ${size} bytes of a ${fileSize}-byte file: touching it would be SIGBUS`);
  }
  return mmap.map(size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0, mmap.MADV_NORMAL);
}
