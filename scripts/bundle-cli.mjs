/**
 * Bundles the `brooklet` command into one CommonJS file, dist/brooklet.cjs, after tsc has built
 * dist/. Why a bundle: an idle broker is mostly Node itself, and Node's ES-module loader plus one
 * module record per source file cost about 10 MB of resident memory (measured: 63 MB idle RSS
 * for `node dist/src/cli.js`, 53 MB for the bundle) and some start time. The library entry
 * (`startBroker()` from dist/src/index.js) stays as tsc wrote it.
 *
 * The native addons (and the codec libraries, which carry addons) stay outside the bundle and
 * load from node_modules as before; if any is missing the broker still refuses to start with its
 * own message.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'src', 'cli.js');
const outfile = path.join(root, 'dist', 'brooklet.cjs');

if (!fs.existsSync(entry)) {
  console.error('bundle-cli: dist/src/cli.js is missing; run tsc -p tsconfig.json first');
  process.exit(1);
}

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The codec libraries (protocol/codecs) carry native addons too: loaded from node_modules.
  external: ['mmap-io', 'brooklet-sigbus-guard', 'brooklet-dir-lock', '@node-rs/crc32', 'snappy', 'lz4-napi', 'zstd-napi'],
  // storage/mmap.ts loads mmap-io with createRequire(import.meta.url); in CommonJS that URL is
  // this file's own. The banner repeats "use strict" because it lands above esbuild's own: the
  // sources were ES modules, always strict.
  define: { 'import.meta.url': '__brookletFileUrl' },
  banner: { js: "'use strict';\nconst __brookletFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
fs.chmodSync(outfile, 0o755);
