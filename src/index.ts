/**
 * Public API: start a Brooklet broker inside any Node process (a test suite, a dev script).
 *
 *   const broker = await startBroker({ port: 0, dataDir });
 *   // broker.bootstrap === '127.0.0.1:<port>'
 *   await broker.close();
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import { Broker } from './broker/broker.js';
import { BrokerRequestProcessor } from './broker/request-processor.js';
import { resolveConfig, type BrokerConfig } from './config.js';
import { registrySchemaLookup } from './console/registry-lookup.js';
import type { BrokerHttp } from './http/broker-http.js';
import { createLogger } from './logging/logger.js';
import type { RunningSchemaRegistry } from './registry/index.js';
import { readyLine } from './logging/ready-line.js';
import { Listener } from './server/listener.js';
import { formatEndpoint, planListeners, type BoundListener } from './server/listeners/listener-config.js';

export type { BrokerConfig } from './config.js';
export type { BoundListener } from './server/listeners/listener-config.js';

/** Connections get 5 s to drain at shutdown; past this the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 15_000;

export interface StartOptions extends Partial<BrokerConfig> {
  /** Shut down cleanly on SIGINT/SIGTERM and exit (the CLI sets this). */
  installSignalHandlers?: boolean;
  /** A pino logger to use instead of the default one on stdout. */
  logger?: Logger;
}

export interface RunningBroker {
  /** 'host:port' to give clients as their bootstrap address (the first listener's advertised one). */
  readonly bootstrap: string;
  /** The first listener's bound port. */
  readonly port: number;
  /** Every listener, bound, in the order configured (--listeners, or the one PLAINTEXT listener). */
  readonly listeners: readonly BoundListener[];
  readonly config: BrokerConfig;
  /** The HTTP listener's 'http://host:port' (console at /, /metrics, /health, /ready); null with --no-http. */
  readonly httpUrl: string | null;
  /** The Schema Registry's 'http://host:port' (Confluent REST API); null with --no-schema-registry. */
  readonly schemaRegistryUrl: string | null;
  /** Answers in-flight requests, flushes the logs, writes the clean-shutdown marker. Idempotent. */
  close(): Promise<void>;
}

export async function startBroker(options: StartOptions = {}): Promise<RunningBroker> {
  const { installSignalHandlers, logger, ...partial } = options;
  const config = resolveConfig(partial);
  const log = logger ?? await createLogger(config.logLevel, config.logFormat);
  fs.mkdirSync(config.dataDir, { recursive: true });

  const broker = new Broker(config, log);
  // Up before the Kafka listeners: /ready answers 503 "starting" until they are bound.
  let http: BrokerHttp | null = null;
  if (config.http) {
    try {
      // Imported here, not at the top: with --no-http the broker never loads prom-client or the console.
      const { startBrokerHttp } = await import('./http/broker-http.js');
      http = await startBrokerHttp({ config, broker, log, connections: () => listeners.reduce((n, l) => n + l.connectionCount, 0) });
    } catch (err) {
      broker.close();
      throw err;
    }
  }
  let registry: RunningSchemaRegistry | null = null;
  if (config.schemaRegistry) {
    try {
      const { startSchemaRegistry } = await import('./registry/index.js');
      registry = await startSchemaRegistry(broker.logs, {
        host: config.httpHost, port: config.schemaRegistryPort, maxBodyBytes: config.schemaRegistryMaxBodyBytes, log,
      });
    } catch (err) {
      await http?.close();
      broker.close();
      throw err;
    }
  }
  const limits = {
    maxRequestBytes: config.maxRequestBytes,
    maxQueuedOutputBytes: config.maxQueuedOutputBytes,
    maxQueuedRequestBytes: config.maxRequestBytes,
    idleMs: config.connectionsMaxIdleMs,
  };
  const processor = new BrokerRequestProcessor(broker);
  const listeners: Listener[] = [];
  const bound: BoundListener[] = [];
  for (const plan of planListeners(config)) {
    const identity = { name: plan.name, securityProtocol: plan.securityProtocol,
      advertisedHost: plan.advertisedHost, advertisedPort: plan.advertisedPort };
    const listener = new Listener(processor, limits, log, identity);
    let port: number;
    try {
      port = await listener.listen(plan.host, plan.port);
    } catch (err) {
      await Promise.all(listeners.map((l) => l.close()));
      await registry?.close();
      await http?.close();
      broker.close();
      const where = config.listeners ? formatEndpoint(plan.name, plan.host, plan.port) : `${config.host}:${config.port}`;
      throw new Error(`cannot listen on ${where}: ${(err as Error).message}`);
    }
    listeners.push(listener);
    bound.push({ ...identity, securityProtocol: plan.securityProtocol, host: plan.host, port,
      bootstrap: hostPort(identity.advertisedHost, identity.advertisedPort) });
  }
  const first = bound[0]!;
  const port = first.port;
  broker.advertisedPort = first.advertisedPort;
  broker.listeners = bound;
  const bootstrap = first.bootstrap;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (http) http.readiness.state = 'stopping';
      broker.beginShutdown();
      await Promise.all(listeners.map((l) => l.close()));
      // Registry answers wait on the log's syncs: stop taking requests before the log closes.
      await registry?.close();
      // A group-commit round may still be syncing on the thread pool: let it end before the
      // files close (broker.close() then finds the logs closed and closes the rest).
      await broker.logs.closeAsync();
      await http?.close();
      broker.close();
      log.info('brooklet stopped cleanly');
    })();
    return closing;
  };

  if (installSignalHandlers) {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal means "now": the operator gave up waiting for the clean shutdown.
      if (signalled) process.exit(130);
      signalled = true;
      log.info({ signal }, 'shutting down');
      // A clean shutdown takes well under a second; never let a stuck peer keep the process alive.
      setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
      close().then(() => process.exit(0), (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  const named = bound.length > 1 || config.listeners
    ? ` (${bound.map((l) => `${l.name} ${l.bootstrap}`).join(', ')})` : '';
  if (http) {
    http.console.bootstrap = bound.map((l) => l.bootstrap).join(',');
    if (registry) http.console.schemaLookup = registrySchemaLookup(registry.registry);
    http.readiness.state = 'ready';
  }
  const httpUrl = http?.url ?? null;
  const schemaRegistryUrl = registry?.url ?? null;
  const urls = { console: httpUrl ? `${httpUrl}/` : null, metrics: httpUrl ? `${httpUrl}/metrics` : null, schemaRegistry: schemaRegistryUrl };
  log.info({ bootstrap, listeners: bound.map((l) => l.name), ...urls, dataDir: config.dataDir },
    readyLine(`${bootstrap}${named}`, [['console', urls.console], ['metrics', urls.metrics], ['schema registry', schemaRegistryUrl]]));
  return { bootstrap, port, listeners: bound, config, httpUrl, schemaRegistryUrl, close };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
