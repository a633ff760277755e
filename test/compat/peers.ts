/**
 * The client peers the compat tests drive as child processes, each a CLI with the same two
 * commands (produce, consume) and the same JSON-line output (see record-plan.ts), plus
 * group-consume (subscribe in a consumer group until stdin closes), driven by startPeer:
 *   java        Apache Kafka's Java client (test/compat/java, built by scripts/install-peers.sh)
 *   librdkafka  confluent-kafka for Python (test/compat/python/.venv, same script)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../harness/repo-paths.js';
import type { PeerRecord } from './record-plan.js';

export interface Peer {
  name: string;
  /** Why the peer cannot run here, or null when it is installed. */
  missing(): string | null;
  /** The program and its leading arguments; the command and its flags follow. */
  command(): [string, ...string[]];
}

const INSTALL_HINT = 'run scripts/install-peers.sh';

export const javaPeer: Peer = {
  name: 'java (kafka-clients)',
  missing() {
    const cp = path.join(repoRoot, 'test/compat/java/target/classpath.txt');
    const cls = path.join(repoRoot, 'test/compat/java/target/classes/dev/brooklet/compat/CompatClient.class');
    if (!fs.existsSync(cp) || !fs.existsSync(cls)) return `the Java peer is not built: ${INSTALL_HINT}`;
    return null;
  },
  command() {
    const target = path.join(repoRoot, 'test/compat/java/target');
    const deps = fs.readFileSync(path.join(target, 'classpath.txt'), 'utf8').trim();
    return ['java', '-Xmx256m', '-cp', `${path.join(target, 'classes')}${path.delimiter}${deps}`,
      'dev.brooklet.compat.CompatClient'];
  },
};

export const librdkafkaPeer: Peer = {
  name: 'librdkafka (confluent-kafka for Python)',
  missing() {
    if (!fs.existsSync(pythonPath())) return `the Python venv with confluent-kafka is missing: ${INSTALL_HINT}`;
    return null;
  },
  command() {
    return [pythonPath(), path.join(repoRoot, 'test/compat/python/compat_client.py')];
  },
};

function pythonPath(): string {
  return path.join(repoRoot, 'test/compat/python/.venv/bin/python');
}

export interface PeerRun {
  code: number | null;
  records: PeerRecord[];
  stderr: string;
}

/** Runs one peer command, parses its stdout as JSON lines, kills it after timeoutMs. */
export function runPeer(peer: Peer, args: string[], timeoutMs = 60_000): Promise<PeerRun> {
  const [program, ...leading] = peer.command();
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...leading, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => {
      stderr += `\n[killed by the test after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter((l) => l.trim() !== '');
      try {
        resolve({ code, records: lines.map((l) => JSON.parse(l) as PeerRecord), stderr });
      } catch (err) {
        reject(new Error(`${peer.name} printed a non-JSON line: ${(err as Error).message}\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** A peer left running (group-consume): its JSON lines as they arrive, stopped by closing stdin. */
export interface RunningPeer {
  /** Every JSON line printed so far, parsed, in arrival order. */
  readonly lines: Record<string, unknown>[];
  readonly stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Closes stdin (the peer's stop signal) and waits up to graceMs for it to exit, then kills it. */
  stop(graceMs?: number): Promise<number | null>;
  kill(): void;
}

export function startPeer(peer: Peer, args: string[], onLine?: (line: Record<string, unknown>) => void): RunningPeer {
  const [program, ...leading] = peer.command();
  const child = spawn(program, [...leading, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (text === '') continue;
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        onLine?.(line);
      } catch {
        stderr += `\n[non-JSON stdout line] ${text}`;
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  // A peer that already exited makes writes to its stdin fail with EPIPE: not an error here.
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => { stderr += `\n[spawn failed] ${err.message}`; resolve(null); });
    child.once('close', (code) => resolve(code));
  });
  return {
    lines,
    stderr: () => stderr,
    exited,
    kill: () => { child.kill('SIGKILL'); },
    async stop(graceMs = 20_000) {
      child.stdin.end();
      const timer = setTimeout(() => {
        stderr += `\n[killed after ${graceMs} ms without exiting]`;
        child.kill('SIGKILL');
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
