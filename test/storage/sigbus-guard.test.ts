/**
 * native/sigbus-guard through storage/mmap.ts: a page of a registered mapping that vanished
 * (its file was shrunk by someone else) reads as zeros instead of killing the process, and the
 * repair is counted; a fault anywhere else still kills the process as it would without the
 * addon. Each case runs in a child process (fixtures/sigbus-child.mjs) on the built dist/.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'fixtures', 'sigbus-child.mjs');
const distStorage = path.resolve(here, '..', '..', 'dist', 'storage');

function run(scenario: string): { status: number | null; signal: NodeJS.Signals | null; seen: Record<string, unknown> | null; stderr: string } {
  const out = spawnSync(process.execPath, [child, scenario, distStorage], { encoding: 'utf8', timeout: 20_000 });
  const line = out.stdout.trim().split('\n').filter(Boolean).at(-1);
  return { status: out.status, signal: out.signal, seen: line ? JSON.parse(line) : null, stderr: out.stderr };
}

describe('a registered mapping whose file shrinks', () => {
  it('reads zeros from vanished pages, keeps the rest, counts each repaired page once, and the process lives', () => {
    const out = run('repaired');
    expect(out.signal, out.stderr).toBeNull();
    expect(out.status, out.stderr).toBe(0);
    expect(out.seen).toEqual({
      intactRead: 0x41,
      firstPage: 0x41, // the page holding the new end of file is still the file's
      pastEndOfFileInLastPage: 0, // the kernel's own zeros past the end, no fault
      vanishedPage2: 0,
      faultsAfterPage2: 1,
      vanishedPage2Again: 0, // the zero page stays: no second fault
      vanishedPage1: 0,
      faults: 2,
    });
  });
});

describe('a SIGBUS that is not the guard\'s', () => {
  it('still kills the process: a mapping never registered', () => {
    const out = run('unregistered');
    expect(out.signal).toBe('SIGBUS');
    expect(out.seen).toBeNull();
  });

  it('still kills the process: a mapping released before its file shrank', () => {
    const out = run('released');
    expect(out.signal).toBe('SIGBUS');
    expect(out.seen).toBeNull();
  });

  it('still kills the process: SIGBUS sent with kill()', () => {
    const out = run('sent');
    expect(out.signal).toBe('SIGBUS');
    expect(out.seen).toBeNull();
  });
});
