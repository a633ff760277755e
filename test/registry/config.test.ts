/**
 * The registry's flags and environment variables, its port rules (8081 by default, a free port
 * when the broker's port is 0, one line naming the flag when the port is taken), and its URL in
 * the ready line and from startBroker().
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli-args.js';
import { DEFAULTS, resolveConfig } from '../../src/config.js';
import { startTestBroker } from '../helpers/broker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('registry configuration', () => {
  it('reads the flags and the environment (flags win)', () => {
    const flags = parseCli(['--schema-registry-port', '18081', '--schema-registry-max-body-bytes', '4096'], { BROOKLET_SCHEMA_REGISTRY_PORT: '1' });
    expect(flags).toMatchObject({ help: false, config: { schemaRegistryPort: 18081, schemaRegistryMaxBodyBytes: 4096 } });
    expect(parseCli([], { BROOKLET_SCHEMA_REGISTRY_PORT: '28081' })).toMatchObject({ config: { schemaRegistryPort: 28081 } });
    expect(parseCli(['--no-schema-registry'], {})).toMatchObject({ config: { schemaRegistry: false } });
    expect(parseCli([], { BROOKLET_SCHEMA_REGISTRY: 'false' })).toMatchObject({ config: { schemaRegistry: false } });
    expect(() => parseCli([], { BROOKLET_SCHEMA_REGISTRY: 'maybe' })).toThrow(/BROOKLET_SCHEMA_REGISTRY must be true or false/);
    expect(() => parseCli(['--schema-registry-port', 'x'], {})).toThrow(/--schema-registry-port must be an integer/);
  });

  it('defaults to 8081, and to a free port when the broker port is 0', () => {
    expect(DEFAULTS.schemaRegistry).toBe(true);
    expect(resolveConfig({}).schemaRegistryPort).toBe(8081);
    expect(resolveConfig({ port: 0 }).schemaRegistryPort).toBe(0);
    expect(resolveConfig({ port: 0, schemaRegistryPort: 9999 }).schemaRegistryPort).toBe(9999);
    expect(() => resolveConfig({ schemaRegistryPort: 70000 })).toThrow(/--schema-registry-port must be an integer from 0 to 65535/);
    expect(() => resolveConfig({ schemaRegistryMaxBodyBytes: 10 })).toThrow(/--schema-registry-max-body-bytes/);
  });

  it('prints its URL in the ready line and exposes it from startBroker(); off with schemaRegistry: false', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const broker = await startTestBroker({ logger: pino({ level: 'info' }, sink) });
    cleanups.push(() => broker.close());
    const ready = lines.find((l) => l.includes('brooklet ready on'))!;
    expect(ready).toContain(`schema registry ${broker.schemaRegistryUrl}`);
    expect(JSON.parse(ready).schemaRegistry).toBe(broker.schemaRegistryUrl);
    expect((await fetch(`${broker.schemaRegistryUrl}/status/ready`)).status).toBe(200);

    const off = await startTestBroker({ schemaRegistry: false });
    cleanups.push(() => off.close());
    expect(off.schemaRegistryUrl).toBeNull();
  });

  it('a port in use is one line naming the flag, and the broker does not start', async () => {
    const first = await startTestBroker();
    cleanups.push(() => first.close());
    const port = Number(new URL(first.schemaRegistryUrl!).port);
    await expect(startTestBroker({ schemaRegistryPort: port })).rejects.toThrow(
      new RegExp(`^schema registry: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use \\(change it with --schema-registry-port\\)$`));
  });
});
