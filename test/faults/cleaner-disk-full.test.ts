/**
 * Disk full during a clean, on a real 3 MiB tmpfs: the clean gives up (reported as a background
 * error), its .cleaned file is removed, and the log reads exactly as before; once space returns
 * the next clean succeeds. Mounting needs root (CAP_SYS_ADMIN); where mount is refused the test
 * is skipped with one line.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { decodeRecordBatch, encodeRecordBatch } from '../../protocol/records.js';
import { LogManager } from '../../storage/log-manager.js';
import { tempDataDir } from '../helpers/broker.js';

const mountPoint = tempDataDir('brooklet-tmpfs-clean-');
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  console.warn(`cleaner disk-full test skipped: cannot mount a tmpfs here (${String((err as Error).message).split('\n')[0]})`);
}

afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

/** Each key's last value (its fill byte) and offset, reading every batch from the log start. */
function lastPerKey(log: NonNullable<ReturnType<LogManager['partition']>>): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = log.read(offset, 1 << 20, true);
    for (const chunk of read.chunks) {
      for (let at = 0; at < chunk.length; at += 12 + chunk.readInt32BE(at + 8)) {
        for (const r of decodeRecordBatch(chunk, at).records) out.set(r.key!.toString(), [r.value![0]!, r.offset]);
      }
    }
    offset = read.nextOffset;
  }
  return out;
}

function contents(log: NonNullable<ReturnType<LogManager['partition']>>): Buffer {
  return Buffer.concat(log.segmentList.map((s) => fs.readFileSync(s.logPath)));
}

it.skipIf(!mounted)('a clean that runs out of space changes nothing, and succeeds once space returns', async () => {
  const errors: Error[] = [];
  const dataDir = path.join(mountPoint, 'data');
  const m = LogManager.open({ dataDir, defaults: { segmentBytes: 64 * 1024, retentionMs: -1 }, onBackgroundError: (e) => errors.push(e) });
  try {
    m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
    const log = m.partition('c', 0)!;
    // ~1 MiB of mostly distinct keys: the cleaned copy is nearly as large as the log.
    for (let i = 0; i < 1000; i++) {
      log.append(encodeRecordBatch({ records: [{ key: Buffer.from(`key-${i % 900}`), value: Buffer.alloc(1000, i % 251) }], timestamp: Date.now() }));
    }
    m.flush();
    const before = contents(log);
    const expected = lastPerKey(log);
    expect(expected.size).toBe(900);
    // Fill what is left of the file system but ~100 KiB: the first group fits, a later one does not.
    const filler = path.join(mountPoint, 'filler');
    const free = () => { const st = fs.statfsSync(mountPoint); return st.bavail * st.bsize; };
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 100 * 1024)));
    const result = await m.cleanNow(log, Date.now(), true);
    expect(result).toBeNull();
    expect(errors.map((e) => e.message).join('\n')).toMatch(/ENOSPC|no space/i);
    expect(fs.readdirSync(path.join(dataDir, 'c-0')).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).toEqual([]);
    // Groups swapped in before the disk filled are complete cleans; the rest is untouched: every
    // key still reads its last value at its offset.
    expect(log.logEndOffset).toBe(1000);
    expect(lastPerKey(log)).toEqual(expected);
    fs.rmSync(filler);
    const retry = await m.cleanNow(log, Date.now(), true);
    expect(retry).not.toBeNull();
    expect(contents(log).length).toBeLessThan(before.length);
    expect(lastPerKey(log)).toEqual(expected);
  } finally {
    m.close();
  }
}, 120_000);
