/**
 * The recovery-point checkpoint, `<dataDir>/recovery-point-offset-checkpoint`, in Kafka's
 * offset checkpoint format:
 *
 *   0                               format version
 *   <count>                         number of lines that follow
 *   <topic> <partition> <offset>    one per partition: offsets below are known flushed
 *
 * And the clean-shutdown marker `<dataDir>/.kafka_cleanshutdown`: present only between a clean
 * close() and the next open, it lets recovery skip scanning the logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

export const RECOVERY_POINT_FILE = 'recovery-point-offset-checkpoint';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

export function partitionKey(topic: string, partition: number): string {
  return `${topic} ${partition}`;
}

/** Offsets by "topic partition"; empty when the file is absent or unreadable. */
export function readRecoveryPoints(dataDir: string): Map<string, number> {
  return readOffsetCheckpoint(path.join(dataDir, RECOVERY_POINT_FILE));
}

export function writeRecoveryPoints(dataDir: string, points: CheckpointEntry[]): void {
  writeOffsetCheckpoint(path.join(dataDir, RECOVERY_POINT_FILE), points);
}

export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: number;
}

/** Any file in the offset checkpoint format above, by "topic partition"; empty when absent or unreadable. */
export function readOffsetCheckpoint(file: string): Map<string, number> {
  const points = new Map<string, number>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return points;
  }
  const lines = text.split('\n').filter((line) => line.length > 0);
  if (lines[0] !== '0') return points; // unknown version: recover everything
  const count = Number(lines[1]);
  for (const line of lines.slice(2, 2 + count)) {
    const parts = line.split(' ');
    if (parts.length !== 3) continue;
    const offset = Number(parts[2]);
    if (Number.isSafeInteger(offset)) points.set(partitionKey(parts[0]!, Number(parts[1])), offset);
  }
  return points;
}

export function writeOffsetCheckpoint(file: string, points: CheckpointEntry[]): void {
  writeFileAtomic(file, formatOffsetCheckpoint(points));
}

/** The file's text (the cleaner writes it off the event loop). */
export function formatOffsetCheckpoint(points: CheckpointEntry[]): string {
  const lines = points.map((p) => `${p.topic} ${p.partition} ${p.offset}`);
  return `0\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`;
}

export function hasCleanShutdownMarker(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE));
}

export function writeCleanShutdownMarker(dataDir: string): void {
  writeFileAtomic(path.join(dataDir, CLEAN_SHUTDOWN_FILE), '');
}

export function removeCleanShutdownMarker(dataDir: string): void {
  fs.rmSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE), { force: true });
}
