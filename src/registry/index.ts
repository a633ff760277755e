/**
 * The Schema Registry inside the broker process: a Confluent-compatible REST API on its own HTTP
 * listener (127.0.0.1:8081 by default), storing its records in the `_schemas` topic of the
 * broker's own log. The service is the files beside this one; the schema types and their
 * compatibility rules are src/registry/schemas/.
 */
import type { Logger } from 'pino';
import type { LogManager } from '../../storage/log-manager.js';
import { startHttpListener, type RunningHttpListener } from '../http/server.js';
import { registryErrorBody } from './errors.js';
import { Registry } from './registry.js';
import { registryRoutes } from './routes.js';
import { SchemasLog } from './schemas-log.js';

export interface SchemaRegistryOptions {
  host: string;
  port: number;
  /** Request bodies past this are refused (413) before they are read whole. */
  maxBodyBytes: number;
  log: Logger;
}

export interface RunningSchemaRegistry {
  /** 'http://host:port' */
  readonly url: string;
  readonly registry: Registry;
  close(): Promise<void>;
}

export const SCHEMA_REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export async function startSchemaRegistry(logs: LogManager, options: SchemaRegistryOptions): Promise<RunningSchemaRegistry> {
  const registry = new Registry(new SchemasLog(logs), options.log);
  // Replay `_schemas` before the port opens (requests also catch up with later records themselves).
  const started = Date.now();
  registry.catchUp();
  options.log.debug({ subjects: registry.state.subjects.size, schemas: registry.state.schemas.size, ms: Date.now() - started }, 'schema registry: _schemas replayed');
  let ready = true;
  const listener: RunningHttpListener = await startHttpListener(registryRoutes(registry, () => ready), {
    host: options.host,
    port: options.port,
    name: 'schema registry',
    portFlag: '--schema-registry-port',
    maxBodyBytes: options.maxBodyBytes,
    errorBody: registryErrorBody,
    jsonContentType: SCHEMA_REGISTRY_CONTENT_TYPE,
    log: options.log,
  });
  return {
    url: listener.url,
    registry,
    close: () => {
      ready = false;
      return listener.close();
    },
  };
}
