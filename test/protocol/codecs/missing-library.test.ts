/**
 * A codec library that cannot be loaded stops the broker before it touches its data directory,
 * with a message naming the codec and the npm package: no silent fallback that would leave
 * snappy, lz4 or zstd batches uncompacted. Runs the bundled command (dist/brooklet.cjs, as a
 * user's shell would) with the package made unresolvable by a preloaded hook.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repoRoot, 'dist/brooklet.cjs');
const hook = path.join(import.meta.dirname, 'fixtures/block-module.cjs');

describe('a missing codec library', () => {
  for (const [pkg, codec] of [['snappy', 'snappy'], ['lz4-napi', 'lz4'], ['zstd-napi', 'zstd']]) {
    it(`${pkg}: the broker refuses to start, naming the ${codec} codec and the package`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-codec-missing-'));
      try {
        const out = spawnSync(process.execPath, ['-r', hook, bin, '--data-dir', path.join(dir, 'data'), '--port', '0', '--no-http'], {
          encoding: 'utf8', timeout: 20_000, env: { ...process.env, BROOKLET_TEST_BLOCK_MODULE: pkg },
        });
        expect(out.status).not.toBe(0);
        expect(out.stderr).toContain(`the ${codec} codec needs the npm package ${pkg}`);
        expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
