/**
 * Serves the console's pre-built front end (dist/console/, written by scripts/build-console.mjs
 * at `npm run build`, shipped in the package) with explicit content types and a strict
 * Content-Security-Policy: scripts and styles only from this origin, no inline script, no
 * framing, no plugins, requests only back to this origin. Files are read once at startup (the
 * bundle is small), so a request never touches the disk and only known names are ever served.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError, type HttpResponse } from '../http/router.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Where the bundle is, from this module: dist/src/console/ (tsc output) and dist/ (the bundled
 * CLI) both find dist/console/; src/console/ (tests running the sources) finds it under dist/.
 */
function bundleDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, '..', '..', 'console'), path.join(here, 'console'), path.join(here, '..', '..', 'dist', 'console')]) {
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

export class ConsoleFiles {
  private readonly files = new Map<string, { type: string; body: Buffer }>();
  readonly dir: string | null;

  constructor(dir: string | null = bundleDir()) {
    this.dir = dir;
    if (dir === null) return;
    for (const name of fs.readdirSync(dir)) {
      const type = TYPES[path.extname(name)];
      const file = path.join(dir, name);
      if (type && fs.statSync(file).isFile()) this.files.set(name, { type, body: fs.readFileSync(file) });
    }
  }

  /** '' (the page) or a file name of the bundle; anything else is 404. */
  serve(name: string): HttpResponse {
    if (this.dir === null) {
      throw new HttpError(503, 'the console front end is not built: run npm run build (scripts/build-console.mjs)');
    }
    const file = this.files.get(name === '' ? 'index.html' : name);
    if (!file) throw new HttpError(404, 'HTTP 404 Not Found');
    return {
      headers: { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Cache-Control': name === '' || name === 'index.html' ? 'no-cache' : 'max-age=300' },
      body: file.body,
    };
  }
}
