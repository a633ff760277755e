/**
 * Public API: start a Brooklet broker inside any Node process (a test suite, a dev script).
 *
 *   const broker = await startBroker({ port: 0, dataDir });
 *   // broker.bootstrap === '127.0.0.1:<port>'
 *   await broker.close();
 */
import fs from 'node:fs';
import pino, { type Logger } from 'pino';
import { Broker } from './broker/broker.js';
import { BrokerRequestProcessor } from './broker/request-processor.js';
import { resolveConfig, type BrokerConfig } from './config.js';
import { Listener } from './server/listener.js';

export type { BrokerConfig } from './config.js';

/** Connections get 5 s to drain at shutdown; past this the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 15_000;

export interface StartOptions extends Partial<BrokerConfig> {
  /** Shut down cleanly on SIGINT/SIGTERM and exit (the CLI sets this). */
  installSignalHandlers?: boolean;
  /** A pino logger to use instead of the default one on stdout. */
  logger?: Logger;
}

export interface RunningBroker {
  /** 'host:port' to give clients as their bootstrap address. */
  readonly bootstrap: string;
  readonly port: number;
  readonly config: BrokerConfig;
  /** Answers in-flight requests, flushes the logs, writes the clean-shutdown marker. Idempotent. */
  close(): Promise<void>;
}

export async function startBroker(options: StartOptions = {}): Promise<RunningBroker> {
  const { installSignalHandlers, logger, ...partial } = options;
  const config = resolveConfig(partial);
  const log = logger ?? pino({ name: 'brooklet', level: config.logLevel });
  fs.mkdirSync(config.dataDir, { recursive: true });

  const broker = new Broker(config, log);
  const listener = new Listener(
    new BrokerRequestProcessor(broker),
    {
      maxRequestBytes: config.maxRequestBytes,
      maxQueuedOutputBytes: config.maxQueuedOutputBytes,
      maxQueuedRequestBytes: config.maxRequestBytes,
      idleMs: config.connectionsMaxIdleMs,
    },
    log,
  );
  let port: number;
  try {
    port = await listener.listen(config.host, config.port);
  } catch (err) {
    broker.close();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  broker.advertisedPort = port;
  const bootstrap = `${config.advertisedHost}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      broker.beginShutdown();
      await listener.close();
      // A group-commit round may still be syncing on the thread pool: let it end before the
      // files close (broker.close() then finds the logs closed and closes the rest).
      await broker.logs.closeAsync();
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

  log.info({ bootstrap, dataDir: config.dataDir }, `brooklet ready on ${bootstrap}`);
  return { bootstrap, port, config, close };
}
