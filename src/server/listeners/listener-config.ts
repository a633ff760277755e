/**
 * Named listeners, as Kafka configures them (listeners, advertised.listeners and
 * listener.security.protocol.map), turned into one plan per listener.
 *
 *   --listeners                      NAME://host:port[,NAME://host:port...]
 *   --advertised-listeners           NAME://host:port[,...]   what Metadata and FindCoordinator
 *                                                             tell a client that came in on NAME
 *   --listener-security-protocol-map NAME:PROTOCOL[,...]
 *
 * Grammar, Kafka's: a name is letters, digits and '_', case-insensitive (kept upper case, as
 * Kafka's ListenerName normalises it); a host is empty (every interface), a name, an IPv4
 * address, or an IPv6 address in brackets; a port is 0-65535 (0: any free port).
 * Security protocols are Kafka's four names. A listener named after a protocol needs no map
 * entry (Kafka's default map); any other name must be mapped. Brooklet serves PLAINTEXT only
 * today; SSL and SASL will hang off these same listeners, and naming them now is refused with
 * a one-line error instead of a listener that silently speaks plaintext.
 *
 * Rules, as Kafka's: names are unique; a non-zero port belongs to one listener; every
 * advertised name is a listener; an advertised host is one a client can reach (not empty,
 * 0.0.0.0 or ::).
 * Where Brooklet goes further (README, differences): a listener left out of
 * --advertised-listeners advertises its own address (127.0.0.1 for a wildcard host) instead of
 * being unreachable, and an advertised port 0 means the port that listener bound, so tests and
 * containers can ask for port 0 and still advertise a name.
 *
 * Without --listeners, --host/--port/--advertised-host describe the one listener PLAINTEXT.
 */

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
const SERVED: readonly SecurityProtocol[] = ['PLAINTEXT'];

/** One listener to bind and what it advertises. advertisedPort 0 = the port it binds. */
export interface ListenerPlan {
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  /** '' binds every interface. */
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string;
  readonly advertisedPort: number;
}

/** A listener once bound: what startBroker reports and DescribeConfigs lists. */
export interface BoundListener {
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string;
  readonly advertisedPort: number;
  /** advertisedHost:advertisedPort, what a client of this listener bootstraps from. */
  readonly bootstrap: string;
}

export interface ListenerSettings {
  /** Kafka's listeners text; '' = the one-listener shorthand below. */
  listeners: string;
  advertisedListeners: string;
  listenerSecurityProtocolMap: string;
  /** The shorthand: --host, --port, --advertised-host (already defaulted). */
  host: string;
  port: number;
  advertisedHost: string;
}

export class ListenerConfigError extends Error {}

export interface Endpoint {
  name: string;
  host: string;
  port: number;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);
const ENDPOINT = /^([A-Za-z0-9_]+):\/\/(\[[0-9A-Fa-f:.%a-z]*\]|[^:[\]/]*):([0-9]+)$/;

/** Parses Kafka's `NAME://host:port,...`; `flag` names the option in errors. */
export function parseEndpoints(text: string, flag: string): Endpoint[] {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw new ListenerConfigError(`${flag} names no listener`);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const m = ENDPOINT.exec(entry);
    if (!m) throw new ListenerConfigError(`${flag}: "${entry}" is not NAME://host:port`);
    const name = m[1]!.toUpperCase();
    const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
    const port = Number(m[3]);
    if (port > 65535) throw new ListenerConfigError(`${flag}: port of ${name} must be from 0 to 65535, got ${m[3]}`);
    if (seen.has(name)) throw new ListenerConfigError(`${flag}: listener name ${name} appears twice`);
    seen.add(name);
    return { name, host, port };
  });
}

/** Parses `NAME:PROTOCOL,...` into upper-case names. */
export function parseSecurityProtocolMap(text: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const m = /^([A-Za-z0-9_]+):([A-Za-z_]+)$/.exec(entry);
    if (!m) throw new ListenerConfigError(`--listener-security-protocol-map: "${entry}" is not NAME:PROTOCOL`);
    const name = m[1]!.toUpperCase();
    const protocol = m[2]!.toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new ListenerConfigError(`--listener-security-protocol-map: ${protocol} is not a security protocol `
        + `(${SECURITY_PROTOCOLS.join(', ')})`);
    }
    if (map.has(name)) throw new ListenerConfigError(`--listener-security-protocol-map: ${name} appears twice`);
    map.set(name, protocol as SecurityProtocol);
  }
  return map;
}

/** Every listener to bind, in the order given; throws ListenerConfigError with a one-line message. */
export function planListeners(s: ListenerSettings): ListenerPlan[] {
  const bound: Endpoint[] = s.listeners.trim()
    ? parseEndpoints(s.listeners, '--listeners')
    : [{ name: 'PLAINTEXT', host: s.host, port: s.port }];
  const protocols = parseSecurityProtocolMap(s.listenerSecurityProtocolMap);
  const advertised = new Map<string, Endpoint>();
  if (s.advertisedListeners.trim()) {
    for (const e of parseEndpoints(s.advertisedListeners, '--advertised-listeners')) advertised.set(e.name, e);
  }

  const names = new Set(bound.map((l) => l.name));
  for (const name of advertised.keys()) {
    if (!names.has(name)) {
      throw new ListenerConfigError(`--advertised-listeners names ${name}, which is not in --listeners `
        + `(${[...names].join(', ')})`);
    }
  }
  for (const name of protocols.keys()) {
    if (!names.has(name)) throw new ListenerConfigError(`--listener-security-protocol-map names ${name}, which is not a listener`);
  }
  const ports = new Map<number, string>();
  for (const l of bound) {
    const other = ports.get(l.port);
    if (other) throw new ListenerConfigError(`--listeners: ${other} and ${l.name} both use port ${l.port}`);
    if (l.port !== 0) ports.set(l.port, l.name);
  }

  return bound.map((l) => {
    const securityProtocol = protocols.get(l.name) ?? defaultProtocol(l.name);
    if (!SERVED.includes(securityProtocol)) {
      throw new ListenerConfigError(`listener ${l.name}: security protocol ${securityProtocol} is not supported yet `
        + `(${SERVED.join(', ')} only)`);
    }
    const ad = advertised.get(l.name);
    if (ad && WILDCARDS.has(ad.host)) {
      throw new ListenerConfigError(`--advertised-listeners: ${l.name} must name a host clients can reach, `
        + `not "${ad.host}"`);
    }
    const fallbackHost = s.listeners.trim() ? ownAddress(l.host) : s.advertisedHost;
    return {
      name: l.name,
      securityProtocol,
      host: l.host,
      port: l.port,
      advertisedHost: ad?.host ?? fallbackHost,
      advertisedPort: ad ? ad.port : 0,
    };
  });
}

function defaultProtocol(name: string): SecurityProtocol {
  if ((SECURITY_PROTOCOLS as readonly string[]).includes(name)) return name as SecurityProtocol;
  throw new ListenerConfigError(`listener ${name} has no security protocol: add ${name}:PLAINTEXT `
    + 'to --listener-security-protocol-map');
}

/** What a listener advertises when not told: its own address, loopback for a wildcard. */
function ownAddress(host: string): string {
  return WILDCARDS.has(host) ? '127.0.0.1' : host;
}

/** `NAME://host:port`, brackets around an IPv6 host. */
export function formatEndpoint(name: string, host: string, port: number): string {
  return `${name}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
