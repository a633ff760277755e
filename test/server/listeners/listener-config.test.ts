/** Parsing and validation of named listeners: the flags, their variables, and the one-line errors. */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/cli-args.js';
import { ConfigError, resolveConfig } from '../../../src/config.js';
import {
  formatEndpoint, parseEndpoints, parseSecurityProtocolMap, planListeners, type ListenerSettings,
} from '../../../src/server/listeners/listener-config.js';

const settings = (s: Partial<ListenerSettings>): ListenerSettings => ({
  listeners: '', advertisedListeners: '', listenerSecurityProtocolMap: '',
  host: '127.0.0.1', port: 9092, advertisedHost: '127.0.0.1', ...s,
});

function cliConfig(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const cli = parseCli(argv, env);
  if (cli.help) throw new Error('unexpected help');
  return resolveConfig(cli.config);
}

describe('parseEndpoints', () => {
  it('reads Kafka\'s NAME://host:port list: names upper-cased, IPv6 in brackets, empty host, spaces', () => {
    expect(parseEndpoints('internal://0.0.0.0:9092, EXTERNAL://[::1]:19092,ALL://:0', '--listeners')).toEqual([
      { name: 'INTERNAL', host: '0.0.0.0', port: 9092 },
      { name: 'EXTERNAL', host: '::1', port: 19092 },
      { name: 'ALL', host: '', port: 0 },
    ]);
  });

  it.each([
    ['PLAINTEXT://localhost', /is not NAME:\/\/host:port/],
    ['localhost:9092', /is not NAME:\/\/host:port/],
    ['PLAIN-TEXT://h:1', /is not NAME:\/\/host:port/],
    ['A://h:-1', /is not NAME:\/\/host:port/],
    ['A://h:70000', /port of A must be from 0 to 65535, got 70000/],
    ['A://h:1,a://g:2', /listener name A appears twice/],
    [' , ', /names no listener/],
  ])('refuses %j with one line', (text, message) => {
    let error: Error | undefined;
    try {
      parseEndpoints(text, '--listeners');
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });

  it('formats an endpoint back, brackets around IPv6', () => {
    expect(formatEndpoint('A', '::1', 5)).toBe('A://[::1]:5');
    expect(formatEndpoint('A', 'h', 5)).toBe('A://h:5');
  });
});

describe('parseSecurityProtocolMap', () => {
  it('maps names to Kafka\'s protocol names, case-insensitively', () => {
    expect([...parseSecurityProtocolMap('internal:plaintext,EXTERNAL:SASL_SSL')])
      .toEqual([['INTERNAL', 'PLAINTEXT'], ['EXTERNAL', 'SASL_SSL']]);
    expect(() => parseSecurityProtocolMap('A:TLS')).toThrow(/TLS is not a security protocol/);
    expect(() => parseSecurityProtocolMap('A')).toThrow(/"A" is not NAME:PROTOCOL/);
    expect(() => parseSecurityProtocolMap('A:PLAINTEXT,a:SSL')).toThrow(/A appears twice/);
  });
});

describe('planListeners', () => {
  it('turns --host/--port/--advertised-host into the one listener PLAINTEXT (advertising its bound port)', () => {
    expect(planListeners(settings({ host: '0.0.0.0', port: 0, advertisedHost: 'broker.local' }))).toEqual([
      { name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '0.0.0.0', port: 0, advertisedHost: 'broker.local', advertisedPort: 0 },
    ]);
  });

  it('gives each named listener its own advertised address; one left out advertises its own', () => {
    const plans = planListeners(settings({
      listeners: 'INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:19092,LOCAL://127.0.0.2:29092',
      advertisedListeners: 'INTERNAL://brooklet:9092,EXTERNAL://localhost:19092',
      listenerSecurityProtocolMap: 'INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,LOCAL:PLAINTEXT',
    }));
    expect(plans.map((p) => [p.name, p.host, p.port, p.advertisedHost, p.advertisedPort])).toEqual([
      ['INTERNAL', '0.0.0.0', 9092, 'brooklet', 9092],
      ['EXTERNAL', '0.0.0.0', 19092, 'localhost', 19092],
      ['LOCAL', '127.0.0.2', 29092, '127.0.0.2', 0],
    ]);
  });

  it('needs no map entry for a listener named after its protocol, and advertises loopback for a wildcard', () => {
    expect(planListeners(settings({ listeners: 'PLAINTEXT://:9092' }))[0])
      .toMatchObject({ securityProtocol: 'PLAINTEXT', host: '', advertisedHost: '127.0.0.1' });
  });

  it.each([
    [{ listeners: 'A://h:1' }, /listener A has no security protocol: add A:PLAINTEXT to --listener-security-protocol-map/],
    [{ listeners: 'SSL://h:1' }, /security protocol SSL is not supported yet \(PLAINTEXT only\)/],
    [{ listeners: 'A://h:1', listenerSecurityProtocolMap: 'A:SASL_PLAINTEXT' }, /SASL_PLAINTEXT is not supported yet/],
    [{ listeners: 'PLAINTEXT://h:1', advertisedListeners: 'OTHER://x:1' }, /names OTHER, which is not in --listeners \(PLAINTEXT\)/],
    [{ listeners: 'PLAINTEXT://h:1', listenerSecurityProtocolMap: 'OTHER:PLAINTEXT' }, /names OTHER, which is not a listener/],
    [{ listeners: 'PLAINTEXT://h:1', advertisedListeners: 'PLAINTEXT://0.0.0.0:1' }, /must name a host clients can reach, not "0.0.0.0"/],
    [{ listeners: 'PLAINTEXT://h:1', advertisedListeners: 'PLAINTEXT://:1' }, /must name a host clients can reach, not ""/],
    [{ listeners: 'PLAINTEXT://a:9092,SSL://b:9092' }, /PLAINTEXT and SSL both use port 9092/],
  ])('refuses %j', (s, message) => {
    expect(() => planListeners(settings(s))).toThrow(message);
  });

  it('lets several listeners ask for port 0', () => {
    expect(planListeners(settings({ listeners: 'PLAINTEXT://h:0,B://h:0', listenerSecurityProtocolMap: 'B:PLAINTEXT' })))
      .toHaveLength(2);
  });
});

describe('listener flags and BROOKLET_* variables', () => {
  it('takes --listeners, --advertised-listeners and --listener-security-protocol-map', () => {
    const config = cliConfig(['--listeners', 'IN://0.0.0.0:9092,OUT://0.0.0.0:19092',
      '--advertised-listeners', 'IN://brooklet:9092,OUT://localhost:19092',
      '--listener-security-protocol-map', 'IN:PLAINTEXT,OUT:PLAINTEXT']);
    expect(config).toMatchObject({ listeners: 'IN://0.0.0.0:9092,OUT://0.0.0.0:19092',
      advertisedListeners: 'IN://brooklet:9092,OUT://localhost:19092', listenerSecurityProtocolMap: 'IN:PLAINTEXT,OUT:PLAINTEXT' });
  });

  it('takes the same from BROOKLET_LISTENERS and friends; the shorthand variables give way', () => {
    const config = cliConfig([], {
      BROOKLET_HOST: '0.0.0.0', BROOKLET_LISTENERS: 'PLAINTEXT://127.0.0.1:0',
      BROOKLET_ADVERTISED_LISTENERS: 'PLAINTEXT://localhost:0', BROOKLET_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT',
    });
    expect(planListeners(config)).toEqual([{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0,
      advertisedHost: 'localhost', advertisedPort: 0 }]);
  });

  it('refuses --port or --host next to --listeners, and a bad listener list, as a one-line ConfigError', () => {
    expect(() => parseCli(['--listeners', 'PLAINTEXT://:1', '--port', '2'], {})).toThrow(/--listeners replaces --port: give one or the other/);
    expect(() => cliConfig(['--listeners', 'A://:1,A://:2'])).toThrow(ConfigError);
    expect(() => cliConfig(['--listeners', 'A://:1,A://:2'])).toThrow(/listener name A appears twice/);
    expect(() => cliConfig([], { BROOKLET_ADVERTISED_LISTENERS: 'EXTERNAL://x:1' })).toThrow(/EXTERNAL, which is not in --listeners \(PLAINTEXT\)/);
  });
});
