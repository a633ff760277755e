/** The coordinator's settings from flags and environment, and their defaults. */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli-args.js';
import { ConfigError, resolveConfig } from '../../src/config.js';

function resolved(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const cli = parseCli(argv, env);
  if (cli.help) throw new Error('unexpected help');
  return resolveConfig(cli.config);
}

describe('group coordinator settings', () => {
  it('defaults: no initial rebalance delay, Kafka\'s session bounds and 7-day retention', () => {
    expect(resolved([])).toMatchObject({
      groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 6000, groupMaxSessionTimeoutMs: 1_800_000, offsetsRetentionMinutes: 10_080,
    });
  });

  it('takes flags over BROOKLET_* variables', () => {
    const env = { BROOKLET_GROUP_INITIAL_REBALANCE_DELAY_MS: '3000', BROOKLET_OFFSETS_RETENTION_MINUTES: '60', BROOKLET_GROUP_MIN_SESSION_TIMEOUT_MS: '1000' };
    expect(resolved([], env)).toMatchObject({ groupInitialRebalanceDelayMs: 3000, offsetsRetentionMinutes: 60, groupMinSessionTimeoutMs: 1000 });
    expect(resolved(['--group-initial-rebalance-delay-ms', '250'], env)).toMatchObject({ groupInitialRebalanceDelayMs: 250 });
  });

  it('refuses nonsense', () => {
    expect(() => resolved(['--group-initial-rebalance-delay-ms', '-1'])).toThrow(ConfigError);
    expect(() => resolved(['--offsets-retention-minutes', 'soon'])).toThrow(ConfigError);
    expect(() => resolved(['--group-min-session-timeout-ms', '2000000'])).toThrow(/group-max-session-timeout-ms/);
  });
});
