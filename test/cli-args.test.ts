import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-args.js';
import { ConfigError, resolveConfig } from '../src/config.js';

describe('command line and environment', () => {
  it('defaults to 127.0.0.1:9092 and ./data', () => {
    const cli = parseCli([], {});
    expect(cli.help).toBe(false);
    const config = resolveConfig(cli.help ? {} : cli.config);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 9092, dataDir: './data', advertisedHost: '127.0.0.1', autoCreateTopics: true, numPartitions: 1 });
  });

  it('takes BROOKLET_* variables, and flags over them', () => {
    const env = { BROOKLET_HOST: '0.0.0.0', BROOKLET_PORT: '19092', BROOKLET_DATA_DIR: '/d', BROOKLET_AUTO_CREATE_TOPICS: 'false' };
    const fromEnv = parseCli([], env);
    if (fromEnv.help) throw new Error('unexpected help');
    expect(resolveConfig(fromEnv.config)).toMatchObject({ host: '0.0.0.0', port: 19092, dataDir: '/d', advertisedHost: '127.0.0.1', autoCreateTopics: false });
    const flags = parseCli(['--port', '1234', '--advertised-host', 'kafka.local', '--auto-create-topics'], env);
    if (flags.help) throw new Error('unexpected help');
    expect(resolveConfig(flags.config)).toMatchObject({ port: 1234, advertisedHost: 'kafka.local', autoCreateTopics: true });
  });

  it('turns bad input into a one-line ConfigError', () => {
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => parseCli(['--bogus'], {})).toThrow(ConfigError);
    expect(() => resolveConfig({ port: 70000 })).toThrow(/port/);
    expect(parseCli(['--help'], {}).help).toBe(true);
  });
});

describe('durability flags', () => {
  it('takes --flush-policy and --flush-interval-ms, or their BROOKLET_* variables', () => {
    const flags = parseCli(['--flush-policy', 'always', '--flush-interval-ms', '250'], {});
    if (flags.help) throw new Error('unexpected help');
    expect(resolveConfig(flags.config)).toMatchObject({ flushPolicy: 'always', flushIntervalMs: 250 });
    const env = parseCli([], { BROOKLET_FLUSH_POLICY: 'interval', BROOKLET_FLUSH_INTERVAL_MS: '500' });
    if (env.help) throw new Error('unexpected help');
    expect(resolveConfig(env.config)).toMatchObject({ flushPolicy: 'interval', flushIntervalMs: 500 });
    expect(resolveConfig({}).flushPolicy).toBe('never');
  });

  it('refuses an unknown policy with a one-line ConfigError', () => {
    const cli = parseCli(['--flush-policy', 'sometimes'], {});
    if (cli.help) throw new Error('unexpected help');
    expect(() => resolveConfig(cli.config)).toThrow(ConfigError);
  });
});
