/**
 * Builds the web console's front end (src/console/web: preact + TypeScript) into dist/console/:
 * index.html, console.js (one minified ES module) and console.css. Runs at `npm run build`, so
 * `npm ci` on a fresh clone (prepare) and `npm pack` both produce it, and the published package
 * carries it: a user never builds anything. The broker serves these files (src/console/static-files.ts).
 * Type-checking of the front end is `tsc -p src/console/web` in the same build script.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src', 'console', 'web');
const out = path.join(root, 'dist', 'console');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(source, 'main.tsx')],
  outfile: path.join(out, 'console.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
fs.copyFileSync(path.join(source, 'console.css'), path.join(out, 'console.css'));
fs.copyFileSync(path.join(source, 'index.html'), path.join(out, 'index.html'));
