/**
 * A broker whose stdout reader has gone (`brooklet | head -1`) keeps serving and still shuts down
 * cleanly on SIGTERM. It used to loop inside process exit, retrying its "shutting down" line
 * against the broken pipe every 100 ms, until kill -9 (src/logging/logger.ts says why).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/broker.js';
import { spawnCli, type CliBroker } from '../helpers/cli-process.js';

/** Resolves with the exit code, or 'still running' after `ms`. */
function exitWithin(exited: Promise<number | null>, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still running'>((resolve) => { timer = setTimeout(() => resolve('still running'), ms); });
  return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
}

async function stopsCleanly(cli: CliBroker, dataDir: string): Promise<void> {
  cli.child.kill('SIGTERM');
  // Generous: a clean stop takes well under a second, but the machine may be loaded.
  expect(await exitWithin(cli.exited, 30_000)).toBe(0);
  expect(fs.existsSync(path.join(dataDir, '.kafka_cleanshutdown'))).toBe(true);
}

async function withClosedStdout(args: string[], run: (cli: CliBroker, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = tempDataDir();
  const cli = await spawnCli(['--data-dir', dataDir, '--port', '0', '--http-port', '0', ...args]);
  try {
    // The reader closes after the first line, as `head -1` does: every later write is EPIPE.
    cli.child.stdout!.destroy();
    await run(cli, dataDir);
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  }
}

describe('a broker whose stdout is closed', () => {
  for (const args of [[], ['--no-http'], ['--log-format', 'pretty']]) {
    const named = args.join(' ') || 'defaults';
    // The "shutting down" line is the first write into the broken pipe, "stopped cleanly" the
    // last before exit: the case that hung.
    it(`exits cleanly on SIGTERM (${named})`, () => withClosedStdout(args, stopsCleanly), 60_000);

    it(`keeps serving, then exits cleanly on SIGTERM (${named})`, () => withClosedStdout(args, async (cli, dataDir) => {
      const kafka = new Kafka({ brokers: [cli.bootstrap], clientId: 'closed-stdout', logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'after-close', numPartitions: 1 }] });
      expect(await admin.listTopics()).toContain('after-close');
      await admin.disconnect();
      await stopsCleanly(cli, dataDir);
    }), 60_000);
  }
});
