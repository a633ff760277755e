/**
 * Watching a clean from outside the broker, the same way on Brooklet and on Kafka: both keep
 * Kafka's `cleaner-offset-checkpoint` file in their data dir (version line, entry count, then
 * "topic partition offset" lines) and rewrite it when a clean of a partition finishes, with the
 * offset where that clean's dirty section ended. A clean has caught up once that offset reaches
 * the base offset of the active segment (the cleaner never touches the active segment).
 * The dirty bytes are the sizes of the sealed segment files (`<20-digit base offset>.log`).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SegmentFiles {
  /** Base offset of the active (last) segment. */
  activeBase: number;
  /** Bytes in every segment but the active one. */
  sealedBytes: number;
  sealedCount: number;
  totalBytes: number;
}

export function segmentFiles(partitionDir: string): SegmentFiles {
  const logs = fs.readdirSync(partitionDir).filter((f) => /^\d{20}\.log$/.test(f)).sort();
  if (logs.length === 0) throw new Error(`no segments in ${partitionDir}`);
  const sizes = logs.map((f) => fs.statSync(path.join(partitionDir, f)).size);
  const sealed = sizes.slice(0, -1).reduce((a, b) => a + b, 0);
  return { activeBase: Number(logs.at(-1)!.slice(0, 20)), sealedBytes: sealed, sealedCount: logs.length - 1, totalBytes: sealed + sizes.at(-1)! };
}

/** The checkpointed clean offset of `topic`-`partition`, or -1 (no file, no entry, or a file mid-rewrite). */
export function cleanedUpTo(checkpointFile: string, topic: string, partition: number): number {
  let text: string;
  try {
    text = fs.readFileSync(checkpointFile, 'utf8');
  } catch {
    return -1;
  }
  for (const line of text.split('\n').slice(2)) {
    const parts = line.trim().split(' ');
    if (parts.length === 3 && parts[0] === topic && Number(parts[1]) === partition) return Number(parts[2]);
  }
  return -1;
}

/**
 * Polls every `pollMs` until the checkpoint of `topic`-`partition` reaches `offset`; resolves
 * with performance.now() at the poll that saw it. Throws after `timeoutMs`.
 */
export async function waitCleaned(checkpointFile: string, topic: string, partition: number, offset: number,
  timeoutMs: number, pollMs = 10): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (cleanedUpTo(checkpointFile, topic, partition) >= offset) return performance.now();
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`${topic}-${partition} not cleaned up to ${offset} within ${timeoutMs} ms (checkpoint at ${cleanedUpTo(checkpointFile, topic, partition)})`);
}

/**
 * Kafka's own account of its cleans in its log (LogCleaner's stats, logged at INFO after each
 * clean): "M MB of log processed in S seconds (R MB/sec)". S is rounded to a tenth of a second,
 * so the rate R (from its unrounded clock) is what is kept. Returns [MB, MB/s] of each line after
 * character `from` of the log.
 */
export function kafkaCleanerStats(logFile: string, from: number): Array<{ mb: number; mbps: number }> {
  const text = fs.readFileSync(logFile, 'utf8').slice(from);
  const out: Array<{ mb: number; mbps: number }> = [];
  for (const m of text.matchAll(/([\d,.]+) MB of log processed in [\d,.]+ seconds \(([\d,.]+) MB\/sec\)/g)) {
    out.push({ mb: Number(m[1]!.replaceAll(',', '')), mbps: Number(m[2]!.replaceAll(',', '')) });
  }
  return out;
}
