/** Runs the built `brooklet` command (dist/brooklet.cjs, what the package's bin runs) as a child process (for kill -9 and signal tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const CLI = path.resolve(import.meta.dirname, '../../dist/brooklet.cjs');

export interface CliBroker {
  child: ChildProcess;
  bootstrap: string;
  /** Lines printed so far (JSON log lines). */
  lines: string[];
  exited: Promise<number | null>;
}

export async function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliBroker> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      lines.push(line);
      const match = /"bootstrap":"([^"]+)"/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`brooklet exited with ${code} before it was ready: ${stderr.join('')}`)));
  });
  return { child, bootstrap, lines, exited };
}
