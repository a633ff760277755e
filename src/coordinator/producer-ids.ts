/**
 * Producer ids for InitProducerId, unique across restarts.
 *
 * File `producer-id-block` in the data directory: one line, the first id NOT yet handed out by any
 * run ("reserved until"). Ids are reserved in blocks of 1000: the file is rewritten (atomically,
 * then fsync'd) before any id of a new block is returned, so a crash can skip ids but never reuse
 * one; reuse would let a new producer collide with an old one's deduplication state.
 */
import fs from 'node:fs';
import path from 'node:path';

const BLOCK = 1000;
const FILE = 'producer-id-block';

export class ProducerIds {
  private next: number;
  private reservedUntil: number;

  constructor(private readonly dataDir: string) {
    const file = path.join(dataDir, FILE);
    let stored = 0;
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8').trim();
      stored = Number(text);
      if (!Number.isSafeInteger(stored) || stored < 0) throw new Error(`${file} is corrupt: "${text}"`);
    }
    this.next = stored;
    this.reservedUntil = stored;
  }

  allocate(): number {
    if (this.next >= this.reservedUntil) this.reserve(this.next + BLOCK);
    return this.next++;
  }

  private reserve(until: number): void {
    const file = path.join(this.dataDir, FILE);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, `${until}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    this.reservedUntil = until;
  }
}
