/**
 * The broker's own HTTP listener (default 127.0.0.1:9080): /health, /ready, /metrics and the web
 * console with its JSON API. Loopback unless --http-host says otherwise: the console can create
 * and delete topics, and has no login. The Schema Registry has its own listener (src/registry/).
 *
 * It shares the event loop with the Kafka listeners, so every handler here is short: a scrape
 * reads in-memory levels, a console browse is capped in messages and bytes (src/console/api.ts),
 * and the listener's own limits (body size, timeouts, connection count) come from server.ts.
 */
import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';
import type { BrokerConfig } from '../config.js';
import type { SchemaLookup } from '../console/fields.js';
import { isLoopbackAddress } from '../console/host-check.js';
import { addConsoleRoutes } from '../console/routes.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { addMetricsRoute } from '../metrics/route.js';
import { registerScrapeGauges } from '../metrics/scrape-gauges.js';
import { addHealthRoutes, ReadinessState } from './health.js';
import { Router } from './router.js';
import { startHttpListener } from './server.js';

/** Console API bodies are small (a topic, a test message): 1 MiB is plenty and bounds a request. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Few people look at one dev broker; this bounds sockets a misbehaving script can hold. */
const MAX_CONNECTIONS = 256;

export interface BrokerHttp {
  /** 'http://host:port' */
  readonly url: string;
  readonly readiness: ReadinessState;
  /** What the console shows that is known only later in startBroker: set when known. */
  readonly console: { bootstrap: string; schemaLookup: SchemaLookup | null };
  close(): Promise<void>;
}

export interface BrokerHttpOptions {
  config: BrokerConfig;
  broker: Broker;
  log: Logger;
  /** Open Kafka connections over every listener (for brooklet_connections). */
  connections: () => number;
}

export async function startBrokerHttp({ config, broker, log, connections }: BrokerHttpOptions): Promise<BrokerHttp> {
  const metrics = new BrokerMetrics();
  const stopGauges = registerScrapeGauges(metrics.registry, { logs: broker.logs, groups: broker.groups, connections });
  const readiness = new ReadinessState();
  const router = new Router();
  addHealthRoutes(router, readiness);
  addMetricsRoute(router, metrics);
  const consoleState: BrokerHttp['console'] = { bootstrap: '', schemaLookup: null };
  addConsoleRoutes(router, broker, {
    bootstrap: () => consoleState.bootstrap,
    schemaLookup: () => consoleState.schemaLookup,
    loopbackOnly: isLoopbackAddress(config.httpHost),
  });
  let listener;
  try {
    listener = await startHttpListener(router, {
      host: config.httpHost,
      port: config.httpPort,
      name: 'http (console, metrics, health)',
      portFlag: '--http-port or --no-http',
      maxBodyBytes: MAX_BODY_BYTES,
      maxConnections: MAX_CONNECTIONS,
      errorBody: (status, message) => ({ error: message, status }),
      log,
    });
  } catch (err) {
    stopGauges();
    throw err;
  }
  broker.metrics = metrics;
  return {
    // Listening on every interface: the URL to open is still loopback's (a browser cannot open 0.0.0.0).
    url: config.httpHost === '0.0.0.0' || config.httpHost === '::' || config.httpHost === ''
      ? `http://127.0.0.1:${listener.port}` : listener.url,
    readiness,
    console: consoleState,
    close: async () => {
      readiness.state = 'stopping';
      broker.metrics = null;
      stopGauges();
      await listener.close();
    },
  };
}
