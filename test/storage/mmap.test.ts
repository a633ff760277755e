import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { mapReadOnly } from '../../storage/mmap.js';
import { tempDirForTest } from './helpers.js';

it('maps a file read-only and refuses sizes that would be SIGBUS', () => {
  const dir = tempDirForTest();
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
