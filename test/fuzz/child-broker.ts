/**
 * A Brooklet broker in a child process (the compiled CLI), for tests that must survive a crash
 * of the broker or read its memory from /proc/<pid>/status. Also a socket probe: does the broker
 * still answer ApiVersions on a fresh connection?
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { decodeResponseFrame } from '../../protocol/index.js';
import { RawClient } from '../helpers/raw-client.js';

export interface ChildBroker {
  child: ChildProcess;
  bootstrap: string;
  /** Log lines at level error or above (handler failures, unexpected exceptions). */
  errors: string[];
  exitCode: number | null | undefined;
  stop(): void;
}

/** dist/brooklet.cjs (the package's bin), found from the source tree or from dist/test/fuzz (bench builds). */
function cliPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'brooklet.cjs');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('dist/brooklet.cjs not found: run npm run build first');
}

export async function startChildBroker(extraArgs: string[] = []): Promise<ChildBroker> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-hostile-'));
  const child = spawn(process.execPath, [cliPath(), '--port', '0', '--data-dir', dataDir, '--log-level', 'info', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // info level for the ready line (it carries the bootstrap address); warnings and errors follow
  const broker: ChildBroker = {
    child, bootstrap: '', errors: [], exitCode: undefined,
    stop: () => {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  child.once('exit', (code) => { broker.exitCode = code; });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  broker.bootstrap = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const ready = /"bootstrap":"([^"]+)"/.exec(line);
      if (ready) resolve(ready[1]!);
      else if (/"level":(50|60)/.test(line) && broker.errors.length < 1000) broker.errors.push(line);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${stderr.join('')}`)));
    setTimeout(() => reject(new Error('broker printed no ready line within 30 s')), 30_000).unref();
  }).catch((err) => {
    broker.stop();
    throw err;
  });
  return broker;
}

/** Resident and peak resident memory of a process, in bytes (Linux). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** ApiVersions v3 on a fresh connection; returns the advertised ranges, throws if not answered in time. */
export async function probe(bootstrap: string, timeoutMs = 5_000): Promise<{ apiKey: number; minVersion: number; maxVersion: number }[]> {
  const client = await RawClient.connect(bootstrap);
  try {
    client.send(18, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
    const frame = await client.readFrame(timeoutMs);
    if (!frame) throw new Error('broker closed the probe connection');
    const { body } = decodeResponseFrame(18, 3, frame) as { body: { errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] } };
    if (body.errorCode !== 0) throw new Error(`ApiVersions error ${body.errorCode}`);
    return body.apiKeys;
  } finally {
    client.close();
  }
}
