/**
 * Loads a codec's npm library at startup. There is no fallback: a broker without its snappy,
 * lz4 or zstd library would keep such batches out of compaction (and the console blind to them)
 * without anyone noticing, so a missing or broken library stops the process with one message
 * naming the package and the codec.
 */
import { createRequire } from 'node:module';

// The libraries are CommonJS with native addons; createRequire gives the module object itself.
const require = createRequire(import.meta.url);

export function loadCodecLibrary<T>(pkg: string, codec: string, check: (mod: Partial<T>) => boolean): T {
  let loaded: unknown;
  try {
    loaded = require(pkg);
  } catch (err) {
    throw new Error(`the ${codec} codec needs the npm package ${pkg}, and it failed to load (reinstall it so its native addon is present): ${(err as Error).message}`);
  }
  if (!check(loaded as Partial<T>)) throw new Error(`${pkg} loaded but lacks the functions the ${codec} codec uses; unsupported version`);
  return loaded as T;
}
