/**
 * The console ships pre-built: `npm run build` (which `npm ci` runs through prepare) writes
 * dist/console/, and the packed package carries it, so an installed Brooklet serves its console
 * with no build step on the user's side.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('the console in the package', () => {
  it('is built by npm run build and packed into the package', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('node scripts/build-console.mjs');
    expect(pkg.scripts.prepare).toBe('npm run build');
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(packed.status, packed.stderr).toBe(0);
    const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const file of ['dist/console/index.html', 'dist/console/console.js', 'dist/console/console.css', 'dist/brooklet.cjs']) {
      expect(files).toContain(file);
    }
  });
});
