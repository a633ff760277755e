/**
 * The docker CLI for the container tests, and the rule for when they run: where a Docker engine
 * answers (test/harness/docker-engine.ts). With CI=true an engine that does not answer is a
 * failure (scripts/docker/engine.sh starts one in CI); elsewhere the suites skip and say why.
 *
 * The Brooklet image under test is built from the repository (docker build --network host: the
 * engine may have no bridge network) once per tag; BROOKLET_TEST_IMAGE names an image already
 * built instead (a developer's loop), and the tests print which they use.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { dockerEngineReachable } from '../harness/docker-engine.js';
import { repoRoot } from '../harness/repo-paths.js';

const run = promisify(execFile);

export const engine = await dockerEngineReachable();
const inCi = process.env.CI === 'true';

/** Describes why the container suites skip here ('' when they run); throws under CI=true. */
export function skipReason(): string {
  if (engine.reachable) return '';
  const reason = `no Docker engine answers at ${engine.endpoint} (${engine.reason}); scripts/docker/engine.sh starts one`;
  if (inCi) throw new Error(`CI=true and ${reason}`);
  console.warn(`container tests skipped: ${reason}`);
  return reason;
}

/** Runs docker with args; resolves stdout (trimmed); rejects with stderr's last lines. */
export async function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, cwd: repoRoot });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const tail = (e.stderr ?? '').trim().split('\n').slice(-8).join('\n');
    throw new Error(`docker ${args.slice(0, 3).join(' ')} failed: ${tail || e.message}`);
  }
}

/** A name no other run uses, for containers, volumes and compose projects. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

let built: Promise<string> | undefined;

/** The Brooklet runtime image: BROOKLET_TEST_IMAGE, or built from the repository now (once per process). */
export function brookletImage(): Promise<string> {
  built ??= (async () => {
    const given = process.env.BROOKLET_TEST_IMAGE;
    if (given) {
      console.info(`container tests use BROOKLET_TEST_IMAGE=${given}`);
      await docker(['image', 'inspect', given]);
      return given;
    }
    const tag = 'brooklet:test';
    await docker(['build', '--network', 'host', '-t', tag, '.'], 20 * 60_000);
    return tag;
  })();
  return built;
}

/** Waits until the container's HEALTHCHECK says healthy; throws with its last log lines if it stops or never does. */
export async function waitHealthy(container: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  while (Date.now() < deadline) {
    state = await docker(['inspect', '-f', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', container]);
    if (state === 'running healthy') return;
    if (!state.startsWith('running') && !state.startsWith('created')) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const logs = await containerLogs(container, 30);
  throw new Error(`container ${container} is "${state}", not healthy; last log lines:\n${logs}`);
}

/** The container's output, stdout and stderr together (Brooklet logs JSON lines to stdout). */
export async function containerLogs(container: string, tail?: number): Promise<string> {
  try {
    const { stdout, stderr } = await run('docker', ['logs', ...(tail ? ['--tail', String(tail)] : []), container],
      { maxBuffer: 64 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (err) {
    return `(no logs: ${(err as Error).message})`;
  }
}
