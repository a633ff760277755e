/**
 * Finds a codec's npm library at startup and loads it on first use. There is no fallback: a
 * broker without its snappy, lz4 or zstd library would keep such batches out of compaction (and
 * the console blind to them) without anyone noticing, so a library that is not installed stops
 * the process when this module loads, with one message naming the package and the codec. The
 * addon itself loads when the codec is first needed (the cleaner meets such a batch): together
 * they hold about 10 MB of resident memory, which a broker that never sees them does not pay.
 * An addon that is installed but fails to load throws the same message at that first use.
 */
import { createRequire } from 'node:module';

// The libraries are CommonJS with native addons; createRequire gives the module object itself.
const require = createRequire(import.meta.url);

function failure(pkg: string, codec: string, err: unknown): Error {
  return new Error(`the ${codec} codec needs the npm package ${pkg}, and it failed to load (reinstall it so its native addon is present): ${(err as Error).message}`);
}

/** Checks now that `pkg` is installed; returns a getter that loads (once) and checks it. */
export function codecLibrary<T>(pkg: string, codec: string, check: (mod: Partial<T>) => boolean): () => T {
  try {
    require.resolve(pkg);
  } catch (err) {
    throw failure(pkg, codec, err);
  }
  let loaded: T | null = null;
  return () => {
    if (loaded !== null) return loaded;
    let mod: unknown;
    try {
      mod = require(pkg);
    } catch (err) {
      throw failure(pkg, codec, err);
    }
    if (!check(mod as Partial<T>)) throw new Error(`${pkg} loaded but lacks the functions the ${codec} codec uses; unsupported version`);
    loaded = mod as T;
    return loaded;
  };
}
