/**
 * Loading a partition directory into its segments, as Kafka's LogLoader does, before the
 * PartitionLog (log.ts) is built over them:
 *  1. finish or roll back a cleaner swap that a crash cut short (cleaner/swap.ts), so the
 *     directory holds one consistent set of segment files;
 *  2. open every segment named by its 20-digit base offset, oldest first;
 *  3. recover them (recovery.ts: validate, truncate, rebuild indexes);
 *  4. seal all but the last, which stays active; an empty directory gets an empty segment at 0.
 * Producer and transaction state are rebuilt afterwards from the recovered segments
 * (transactions/log-transactions.ts), because that walk must see what recovery kept.
 */
import fs from 'node:fs';
import { completeOrRollBackSwaps } from './cleaner/swap.js';
import type { LogConfig } from './config.js';
import { recoverSegments, type RecoveryReport } from './recovery.js';
import { Segment } from './segment.js';

export interface LoadOptions {
  dir: string;
  config: LogConfig;
  cleanShutdown: boolean;
  recoveryPoint: number;
}

export interface LoadedSegments {
  /** Oldest first; the last is active (mapped growing), the others sealed. */
  segments: Segment[];
  recovery: RecoveryReport;
}

export function loadSegments(options: LoadOptions, now: number): LoadedSegments {
  const { dir, config } = options;
  fs.mkdirSync(dir, { recursive: true });
  completeOrRollBackSwaps(dir);
  const baseOffsets = fs
    .readdirSync(dir)
    .filter((name) => /^\d{20}\.log$/.test(name))
    .map((name) => Number(name.slice(0, 20)))
    .sort((a, b) => a - b);
  const segments = baseOffsets.map((base, i) => {
    const last = i === baseOffsets.length - 1;
    const segment = Segment.open(dir, base, config.indexIntervalBytes, now, last ? config.segmentBytes : 0);
    segment.denseOffsets = last; // any sealed segment may have been compacted
    return segment;
  });
  const recovery = recoverSegments(segments, { cleanShutdown: options.cleanShutdown, recoveryPoint: options.recoveryPoint });
  if (segments.length === 0) segments.push(Segment.open(dir, 0, config.indexIntervalBytes, now, config.segmentBytes));
  for (const segment of segments.slice(0, -1)) segment.seal();
  return { segments, recovery };
}
