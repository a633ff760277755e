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

const common = {
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
};

/*
 * The schema libraries (avsc, ajv, protobufjs: about 1 MB of source with their own parts) go in
 * a second file, dist/brooklet-schemas.cjs, required on the first schema parse or console
 * decode. In the one file they cost about 2 MB of resident memory idle even unrun: V8 keeps the
 * script's source and its pre-parse for the life of the process. The three modules the broker
 * imports lazily for them (the registry's schema-tools.js, the console's protobuf-values.js and
 * avsc) come from that file, so each class (ProtobufSchema, SchemaError) exists once. If the file
 * is missing, the broker refuses to start (footer below).
 */
const schemasFile = 'brooklet-schemas.cjs';
const lazySchemaModules = {
  [path.join(root, 'dist', 'src', 'registry', 'schema-tools.js')]: 'tools',
  [path.join(root, 'dist', 'src', 'console', 'protobuf-values.js')]: 'protobufValues',
  avsc: 'avsc',
};
await build({
  ...common,
  stdin: {
    resolveDir: root,
    sourcefile: 'brooklet-schemas-entry.js',
    contents: [
      "export * as tools from './dist/src/registry/schema-tools.js';",
      "export * as protobufValues from './dist/src/console/protobuf-values.js';",
      "import avsc from 'avsc';",
      'export { avsc };',
    ].join('\n'),
  },
  outfile: path.join(root, 'dist', schemasFile),
});
await build({
  ...common,
  entryPoints: [entry],
  outfile,
  // A missing schemas file stops the broker at startup, as a missing native addon does, instead of
  // failing the first registry write. In the footer: a missing addon is still reported first.
  footer: {
    js: `if (!require('node:fs').existsSync(require('node:path').join(__dirname, ${JSON.stringify(schemasFile)}))) {
  process.stderr.write('brooklet: ${schemasFile} is missing beside ' + __filename + ' (npm run build writes it there)\\n');
  process.exit(1);
}`,
  },
  plugins: [{
    name: 'schemas-file',
    setup(b) {
      b.onResolve({ filter: /^avsc$|schema-tools\.js$|protobuf-values\.js$/ }, (args) => {
        const key = args.path === 'avsc' ? 'avsc' : path.resolve(args.resolveDir, args.path);
        return key in lazySchemaModules ? { path: key, namespace: 'schemas-file' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'schemas-file' }, (args) => ({
        contents: `module.exports = require(require('node:path').join(__dirname, ${JSON.stringify(schemasFile)})).${lazySchemaModules[args.path]};`,
        loader: 'js',
      }));
    },
  }],
});
fs.chmodSync(outfile, 0o755);
