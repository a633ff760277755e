/**
 * Whole-file replacement that a crash cannot tear: write a temporary file, fsync it, rename it
 * over the target, fsync the directory (so the rename itself is durable).
 */
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(target: string, content: string | Buffer): void {
  const tmp = `${target}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
  syncDirectory(path.dirname(target));
}

export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
