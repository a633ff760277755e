/**
 * Restart time of a multi-GB log: generates one partition of --gb GiB (1 GiB segments, 1 MiB
 * batches of 1 KiB records, written through the storage engine), then times LogManager.open:
 *  - after a clean shutdown (marker present: no scan; indexes sanity-checked, the batches after
 *    the last index entry walked, producer state rebuilt from the last segments' headers);
 *  - after a crash with a recovery-point checkpoint (only segments past it are CRC-scanned);
 *  - after a crash with no checkpoint (every segment CRC-scanned: the worst case).
 * The page cache is warm (the log was just written); a cold cache adds the disk's read time.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/restart-time.js [--gb 3] [--dir /path/on/disk]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeRecordBatch } from '../protocol/index.js';
import { LogManager } from '../storage/log-manager.js';
import { DURABILITY, fmt, recordFigure, writeFigures } from '../test/reliability/record.js';

const { values } = parseArgs({ options: { gb: { type: 'string', default: '3' }, dir: { type: 'string' } } });
const totalBytes = Number(values.gb) * 1024 ** 3;
const root = fs.mkdtempSync(path.join(values.dir ?? os.tmpdir(), 'brooklet-restart-'));
const defaults = { segmentBytes: 1024 ** 3 };

/** One v2 batch of `count` records of `size` bytes (uncompressed, valid CRC). */
function batch(count: number, size: number): Buffer {
  const timestamp = Date.now();
  return encodeRecordBatch({
    timestamp,
    records: Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.alloc(size, i % 251), timestamp })),
  });
}

function timeOpen(label: string): { ms: number; scanned: number } {
  const started = process.hrtime.bigint();
  const m = LogManager.open({ dataDir: root, defaults });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const log = m.partition('big', 0)!;
  const result = { ms: +ms.toFixed(1), scanned: log.recovery.scannedSegments.length, segments: log.segmentList.length, endOffset: log.logEndOffset };
  console.error(`${label}: ${JSON.stringify(result)}`);
  m.close();
  return result;
}

try {
  const writeStarted = Date.now();
  const m = LogManager.open({ dataDir: root, defaults });
  m.createTopic('big', 1);
  const log = m.partition('big', 0)!;
  const template = batch(1000, 1024);
  for (let written = 0; written < totalBytes; written += template.length) log.append(Buffer.from(template));
  m.close();
  const writeSeconds = (Date.now() - writeStarted) / 1000;
  const gib = +(fs.readdirSync(path.join(root, 'big-0')).filter((f) => f.endsWith('.log')).reduce((s, f) => s + fs.statSync(path.join(root, 'big-0', f)).size, 0) / 1024 ** 3).toFixed(2);

  const clean = timeOpen('clean restart');
  fs.rmSync(path.join(root, '.kafka_cleanshutdown'));
  const crashWithCheckpoint = timeOpen('unclean restart, checkpoint at the log end');
  fs.rmSync(path.join(root, '.kafka_cleanshutdown'));
  fs.rmSync(path.join(root, 'recovery-point-offset-checkpoint'));
  const crashNoCheckpoint = timeOpen('unclean restart, no checkpoint');
  recordFigure(DURABILITY, `Restart time of a ${fmt(gib, 2)} GiB partition (1 GiB segments, 1 MiB batches, warm page cache)`, {
    figure: `clean shutdown: ${fmt(clean.ms)} ms (nothing scanned); crash with a current recovery-point checkpoint: ${fmt(crashWithCheckpoint.ms)} ms `
      + `(${crashWithCheckpoint.scanned} segment scanned); crash without any checkpoint: ${fmt(crashNoCheckpoint.ms / 1000, 1)} s `
      + `(${crashNoCheckpoint.scanned} segments CRC-scanned)`,
    command: `node dist/bench/restart-time.js --gb ${values.gb}`,
    gib, cleanMs: clean.ms, uncleanWithCheckpointMs: crashWithCheckpoint.ms, uncleanNoCheckpointMs: crashNoCheckpoint.ms,
    uncleanWithCheckpointScanned: crashWithCheckpoint.scanned, uncleanNoCheckpointScanned: crashNoCheckpoint.scanned,
  });
  writeFigures(import.meta.url);
  console.log(JSON.stringify({ gib, writeSeconds, cleanMs: clean.ms, uncleanWithCheckpointMs: crashWithCheckpoint.ms, uncleanWithCheckpointScannedSegments: crashWithCheckpoint.scanned, uncleanNoCheckpointMs: crashNoCheckpoint.ms, uncleanNoCheckpointScannedSegments: crashNoCheckpoint.scanned }));
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
