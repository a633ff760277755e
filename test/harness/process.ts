/** Small process and log-file helpers shared by the real-Kafka paths and the benchmarks. */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** SIGTERM, then SIGKILL if the process has not exited after graceMs. */
export function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A file's text, or '' while it does not exist yet. */
export function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The last `lines` lines of a log, for error messages. */
export function lastLines(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
