/**
 * Logs as a person and as a machine read them: JSON lines when stdout is not a terminal (the
 * default under any supervisor), one readable line per event with --log-format pretty (what a
 * terminal gets), and a ready line naming every listener and URL, through the bundled CLI.
 */
import { describe, expect, it } from 'vitest';
import { usePrettyLogs } from '../../src/logging/logger.js';
import { readyLine } from '../../src/logging/ready-line.js';
import { tempDataDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli-process.js';

async function firstLines(args: string[], count: number): Promise<string[]> {
  // spawnCli waits for a "bootstrap" field: the pretty line carries the key fields too.
  const cli = await spawnCli(['--data-dir', tempDataDir(), '--port', '0', '--http-port', '0', ...args]);
  cli.child.kill('SIGTERM');
  await cli.exited;
  return cli.lines.slice(0, count);
}

describe('logs', () => {
  it('are pretty on a terminal or when forced, JSON otherwise', () => {
    expect(usePrettyLogs('auto', true)).toBe(true);
    expect(usePrettyLogs('auto', false)).toBe(false);
    expect(usePrettyLogs('json', true)).toBe(false);
    expect(usePrettyLogs('pretty', false)).toBe(true);
  });

  it('ready line lists Kafka and every URL that is on, on one line', () => {
    expect(readyLine('127.0.0.1:9092', [['console', 'http://127.0.0.1:9080/'], ['metrics', 'http://127.0.0.1:9080/metrics'], ['schema registry', null]]))
      .toBe('brooklet ready on 127.0.0.1:9092 · console http://127.0.0.1:9080/ · metrics http://127.0.0.1:9080/metrics');
  });

  it('the CLI writes JSON lines to a pipe, with the console and metrics URLs in the ready line', async () => {
    const [ready] = await firstLines([], 1);
    const event = JSON.parse(ready!) as Record<string, unknown>;
    expect(event.msg).toMatch(/^brooklet ready on 127\.0\.0\.1:\d+ · console http:\/\/127\.0\.0\.1:\d+\/ · metrics http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(event.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('--log-format pretty writes one readable line per event: time, level, message, key fields', async () => {
    const lines = await firstLines(['--log-format', 'pretty'], 3);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: brooklet ready on 127\.0\.0\.1:\d+ · console http:\/\/\S+ · metrics \S+.* \{"bootstrap":"127\.0\.0\.1:\d+"/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(lines.some((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: shutting down \{"signal":"SIGTERM"\}$/.test(l))).toBe(true);
    // No colour codes into a pipe, even when forced pretty.
    expect(lines.join('\n')).not.toMatch(/\x1b\[/);
  });

  it('--no-http leaves the console and metrics out of the ready line', async () => {
    const [ready] = await firstLines(['--no-http'], 1);
    expect(JSON.parse(ready!).msg).not.toMatch(/console|metrics/);
  });
});
