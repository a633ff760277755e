/** The HTTP listener's flags and variables (--http-port, --http-host, --no-http, --log-format). */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli-args.js';
import { resolveConfig } from '../../src/config.js';

const config = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const cli = parseCli(argv, env);
  if (cli.help) throw new Error('help');
  return resolveConfig(cli.config);
};

describe('HTTP flags', () => {
  it('default to loopback port 9080, on', () => {
    const c = config([]);
    expect([c.http, c.httpHost, c.httpPort, c.logFormat]).toEqual([true, '127.0.0.1', 9080, 'auto']);
  });

  it('take flags over variables', () => {
    expect(config(['--http-port', '9180'], { BROOKLET_HTTP_PORT: '9280' }).httpPort).toBe(9180);
    expect(config([], { BROOKLET_HTTP_PORT: '9280', BROOKLET_HTTP_HOST: '0.0.0.0' })).toMatchObject({ httpPort: 9280, httpHost: '0.0.0.0' });
    expect(config(['--no-http']).http).toBe(false);
    expect(config([], { BROOKLET_HTTP: 'false' }).http).toBe(false);
    expect(config(['--log-format', 'json']).logFormat).toBe('json');
    expect(config([], { BROOKLET_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('use a free HTTP port when the Kafka port is 0 and none was given', () => {
    expect(config(['--port', '0']).httpPort).toBe(0);
    expect(config(['--port', '0', '--http-port', '9081']).httpPort).toBe(9081);
  });

  it('refuse bad values in one line', () => {
    expect(() => config(['--http-port', '70000'])).toThrow(/^--http-port must be an integer from 0 to 65535, got 70000$/);
    expect(() => config(['--http-port', 'x'])).toThrow(/--http-port must be an integer/);
    expect(() => config(['--log-format', 'xml'])).toThrow(/--log-format must be json or pretty, got xml/);
    expect(() => config([], { BROOKLET_HTTP: 'maybe' })).toThrow(/BROOKLET_HTTP must be true or false/);
  });
});

describe('HTTP listener on every interface', () => {
  it('listens on 0.0.0.0 with --http-host and gives a loopback URL to open', async () => {
    const { startBroker } = await import('../../src/index.js');
    const { tempDataDir } = await import('../helpers/broker.js');
    const broker = await startBroker({ port: 0, dataDir: tempDataDir(), httpHost: '0.0.0.0', logLevel: 'warn' });
    try {
      expect(broker.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${broker.httpUrl}/health`)).status).toBe(200);
    } finally {
      await broker.close();
    }
  });
});
