/** Child-process helpers: run to completion with a timeout, and read a process's memory and CPU time from /proc. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { stopProcess } from '../../test/harness/process.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end (killed after timeoutMs); never rejects on a non-zero exit. */
export function run(command: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** SIGTERM, then SIGKILL after graceMs (the test harness's helper; Kafka gets 15 s by default). */
export function stop(child: ChildProcess, graceMs = 15_000): Promise<void> {
  return stopProcess(child, graceMs);
}

/** VmRSS, VmHWM (peak) and the anonymous part of the RSS (RssAnon: heap, buffers; not mapped file pages). */
export function memoryMiB(pid: number | undefined): { rss: number; peak: number; anon: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024, anon: kb('RssAnon') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN, anon: NaN };
  }
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, all threads) a pid has used so far, in seconds; NaN when unreadable.
 * /proc/<pid>/stat counts it in clock ticks (fields 14 and 15, after the parenthesised name).
 */
export function cpuSeconds(pid: number | undefined): number {
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return NaN;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
