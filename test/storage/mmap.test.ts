import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { mapReadOnly } from '../../storage/mmap.js';
import { tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('maps a file read-only and refuses sizes that would be SIGBUS', () => {
  const dir = tempDir();
  dirs.push(dir);
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, Buffer.from('hello mapping'));
  const fd = fs.openSync(file, 'r');
  try {
    const mapped = mapReadOnly(fd, 13);
    expect(mapped.bytes.toString()).toBe('hello mapping');
    mapped.release();
    expect(() => mapReadOnly(fd, 14)).toThrow(/SIGBUS/);
    expect(() => mapReadOnly(fd, 0)).toThrow(/positive size/);
  } finally {
    fs.closeSync(fd);
  }
});
