/**
 * The data directory lock, as Kafka locks each log dir: `<dataDir>/.lock`, held with an OS
 * record lock (native/dir-lock) from LogManager.open until close. A second Brooklet on the same
 * directory is refused with one line naming the directory and the holder's pid, before it reads
 * or writes anything. The kernel drops the lock when the holder exits in any way (kill -9
 * included), so there is no stale lock to clear by hand.
 *
 * The file's content is the holder's pid and a newline, for people; the lock itself is what
 * counts, and the pid in the refusal comes from the kernel (F_GETLK), not from the file.
 * The lock belongs to the process: the same process opening its own directory again (tests that
 * simulate a crash in-process) is not refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export const LOCK_FILE = '.lock';

interface DirLockModule {
  tryLock(fd: number): number;
}

const require = createRequire(import.meta.url);

function loadAddon(): DirLockModule {
  let loaded: Partial<DirLockModule>;
  try {
    loaded = require('brooklet-dir-lock') as Partial<DirLockModule>;
  } catch (err) {
    throw new Error(`storage needs the native module brooklet-dir-lock to lock the data directory, and it failed to load (reinstall it so its addon builds): ${(err as Error).message}`);
  }
  if (typeof loaded.tryLock !== 'function') throw new Error('brooklet-dir-lock loaded but lacks tryLock; unsupported version');
  return loaded as DirLockModule;
}

const addon = loadAddon();

/** Thrown when another process holds the directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    const holder = holderPid > 0 ? `process ${holderPid}` : 'another process';
    super(`data directory ${dataDir} is locked by ${holder} (another broker is using it; stop it or choose another --data-dir)`);
    this.name = 'DataDirLockedError';
  }
}

export class DataDirLock {
  private fd: number | null;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Takes the lock on `dataDir` (which must exist) or throws DataDirLockedError. */
  static acquire(dataDir: string): DataDirLock {
    const fd = fs.openSync(path.join(dataDir, LOCK_FILE), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    let holder: number;
    try {
      holder = addon.tryLock(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    if (holder !== 0) {
      // Closing our descriptor would drop a lock this process held through another one (POSIX
      // record locks are per process), but a refusal means another process holds it.
      fs.closeSync(fd);
      throw new DataDirLockedError(dataDir, holder);
    }
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, `${process.pid}\n`, 0);
    return new DataDirLock(fd);
  }

  /** Releases the lock (closing the descriptor drops it). Idempotent. */
  release(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}
