/**
 * `docker compose run bench` for real, with CI's compose file (compose.ci.yaml: host network,
 * 127.0.0.1 only, the apache/kafka image built here): compose builds Brooklet and the bench
 * stage from the Dockerfile, starts both brokers, waits for their healthchecks, and the
 * side-by-side benchmark (quick mode, the kafkajs workload) runs against both through their
 * INTERNAL listeners and writes its results. Ports are free ones, passed as the override's
 * variables; the results go to a temp dir.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/net.js';
import { repoRoot } from '../harness/repo-paths.js';
import { skipReason, uniqueName } from './docker-cli.js';

const run = promisify(execFile);
const skip = skipReason();

/** `docker compose` (the v2 plugin) where it answers, else Debian's docker-compose. */
async function composeCommand(): Promise<string[]> {
  try {
    await run('docker', ['compose', 'version']);
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
}

describe.skipIf(skip !== '')('docker compose run bench with compose.ci.yaml', () => {
  const project = uniqueName('brooklet-bench');
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-bench-'));
  let compose: (args: string[], timeoutMs: number) => Promise<{ stdout: string; stderr: string }>;

  afterAll(async () => {
    await compose?.(['down', '-v', '--remove-orphans'], 120_000).catch(() => {});
    fs.rmSync(results, { recursive: true, force: true });
  });

  it('builds, waits for both brokers to be healthy, and completes the quick kafkajs workload against both', async () => {
    const [cmd, ...base] = await composeCommand();
    const ports = new Set<number>();
    while (ports.size < 7) ports.add(await freePort());
    const [bInternal, bExternal, bHttp, bRegistry, kInternal, kExternal, kController] = [...ports];
    const env = {
      ...process.env,
      BROOKLET_INTERNAL_PORT: String(bInternal), BROOKLET_EXTERNAL_PORT: String(bExternal), BROOKLET_HTTP_PORT: String(bHttp), BROOKLET_REGISTRY_PORT: String(bRegistry),
      KAFKA_INTERNAL_PORT: String(kInternal), KAFKA_EXTERNAL_PORT: String(kExternal), KAFKA_CONTROLLER_PORT: String(kController),
      BENCH_RESULTS_DIR: results,
    };
    compose = (args, timeoutMs) => run(cmd!, [...base, '-f', 'compose.ci.yaml', '-p', project, ...args],
      { cwd: repoRoot, env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });

    await compose(['build', 'brooklet', 'bench'], 25 * 60_000).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`compose build failed: ${err.message.split('\n')[0]}\n${(err.stdout ?? '').slice(-4000)}\n${(err.stderr ?? '').slice(-2000)}`);
    });
    const bench = await compose(['run', '--rm', 'bench', '--only', 'kafkajs'], 15 * 60_000)
      .catch((err: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`compose run bench failed: ${err.message}\n${(err.stdout ?? '').slice(-3000)}\n${(err.stderr ?? '').slice(-3000)}`);
      });
    const file = fs.readdirSync(results).find((f) => f.startsWith('side-by-side-quick-only-kafkajs'));
    expect(file, `results in ${results}; bench said:\n${bench.stdout.slice(-2000)}`).toBeDefined();
    const out = JSON.parse(fs.readFileSync(path.join(results, file!), 'utf8')) as {
      results: { workload: string; brooklet: { median: number }; kafka: { median: number } }[];
      skipped: { workload: string; reason: string }[];
    };
    expect(out.skipped.filter((s) => s.workload === 'kafkajs')).toEqual([]);
    const kafkajs = out.results.filter((r) => r.workload === 'kafkajs');
    expect(kafkajs.length).toBeGreaterThan(0);
    for (const r of kafkajs) {
      expect(r.brooklet.median).toBeGreaterThan(0);
      expect(r.kafka.median).toBeGreaterThan(0);
    }
  }, 45 * 60_000);
});
