/**
 * What a handler is: one Kafka API, its supported version range, and a function from a typed
 * request to a typed response. Handlers never touch sockets; they call the broker's narrow
 * services (logs, topics, producer ids, fetch waiters).
 */
import type { RequestHeader } from '../../protocol/index.js';
import type { ConnectionInfo } from '../server/connection.js';
import type { Broker } from './broker.js';

export interface RequestContext {
  readonly broker: Broker;
  readonly header: RequestHeader;
  readonly apiVersion: number;
  readonly conn: ConnectionInfo;
}

/** Returned by a handler whose request gets no answer at all (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no response');

export type HandlerResult<Res> = Res | typeof NO_RESPONSE | Promise<Res>;

export interface ApiHandler<Req = any, Res = any> {
  readonly apiKey: number;
  readonly name: string;
  /** The versions this handler decodes and answers; ApiVersions advertises exactly these. */
  readonly versions: { readonly min: number; readonly max: number };
  handle(request: Req, ctx: RequestContext): HandlerResult<Res>;
  /**
   * The answer to a request whose handling threw unexpectedly, carrying `errorCode` wherever the
   * response has an error field. Without it, the connection is closed.
   */
  errorResponse?(request: Req, errorCode: number, ctx: RequestContext): Res;
}

export function defineHandler<Req, Res>(handler: ApiHandler<Req, Res>): ApiHandler<Req, Res> {
  return handler;
}
