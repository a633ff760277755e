/**
 * The `brooklet` command ships as one bundled file, dist/brooklet.cjs (scripts/bundle-cli.mjs),
 * with the native addons left in node_modules and the schema libraries in dist/brooklet-schemas.cjs
 * beside it. These tests run that file as a user's shell would;
 * the restart and kill -9 tests (test/helpers/cli-process.ts) serve real clients through it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  bin: Record<string, string>; scripts: Record<string, string>;
};
const bin = path.join(repoRoot, pkg.bin.brooklet);

function run(file: string, args: string[]) {
  return spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 20_000 });
}

describe('the bundled brooklet command', () => {
  it('is what the package bin and npm start run, built by npm run build', () => {
    expect(pkg.bin.brooklet).toBe('dist/brooklet.cjs');
    expect(pkg.scripts.start).toBe(`node ${pkg.bin.brooklet}`);
    expect(pkg.scripts.build).toContain('scripts/bundle-cli.mjs');
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
  });

  it('prints its help, and refuses a bad flag in one line with exit 2', () => {
    const help = run(bin, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--data-dir/);
    const bad = run(bin, ['--port', 'abc']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^brooklet: .*port/);
  });

  it('fails loudly, naming the addon, where the native modules cannot be loaded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-bundle-'));
    try {
      const lonely = path.join(dir, 'brooklet.cjs');
      fs.copyFileSync(bin, lonely);
      const out = run(lonely, ['--data-dir', path.join(dir, 'data'), '--port', '0']);
      expect(out.status).not.toBe(0);
      expect(out.stderr).toMatch(/@node-rs\/crc32|mmap-io|brooklet-dir-lock|brooklet-sigbus-guard|snappy|lz4-napi|zstd-napi/);
      expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start, naming it, where brooklet-schemas.cjs is not beside it', () => {
    expect(fs.existsSync(path.join(path.dirname(bin), 'brooklet-schemas.cjs'))).toBe(true);
    // Inside dist/, so the native addons still resolve from the repository's node_modules.
    const dir = fs.mkdtempSync(path.join(path.dirname(bin), '.bundle-test-'));
    try {
      const alone = path.join(dir, 'brooklet.cjs');
      fs.copyFileSync(bin, alone);
      const out = run(alone, ['--data-dir', path.join(dir, 'data'), '--port', '0']);
      expect(out.status).toBe(1);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(/^brooklet: brooklet-schemas\.cjs is missing/);
      expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
