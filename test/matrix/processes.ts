/**
 * Running the matrix's command-line clients (kcat, Kafka's own tools from the jars) as child
 * processes with a deadline: stdin text in, exit code and both streams out. A child still running
 * at its deadline is killed, so a hung tool fails its scenario instead of the whole file.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { kafkaJarsDir } from '../harness/repo-paths.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(program: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => {
      stderr += `\n[killed by the test after ${opts.timeoutMs ?? 60_000} ms]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Throws with the tool's stderr when it exited non-zero. */
export function ok(what: string, r: Run): Run {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-8).join(' | ')}`);
  return r;
}

export function commandMissing(program: string, versionArgs: string[]): boolean {
  return spawnSync(program, versionArgs, { stdio: 'ignore' }).error !== undefined;
}

/** Runs one of Kafka's command-line tools by class name, from the cached jars (as bin/kafka-*.sh do). */
export function kafkaTool(mainClass: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return run('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-Dlog4j2.level=warn',
    '-cp', path.join(kafkaJarsDir(), '*'), mainClass, ...args], { timeoutMs: 90_000, ...opts });
}

export function kafkaJarsPresent(): boolean {
  return fs.existsSync(kafkaJarsDir());
}
