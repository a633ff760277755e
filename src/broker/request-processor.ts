/**
 * From a request frame to a response frame: header, route, version check, body decode, handler,
 * encode. Failures follow the three tiers of the design:
 *  1. a malformed frame, an unknown API key, or an unsupported version of any API but ApiVersions
 *     closes the connection (CloseConnection, one log line);
 *  2. an unsupported ApiVersions version gets error 35 in the v0 body with the supported list
 *     (KIP-511), so clients can step down;
 *  3. an unexpected exception in a handler becomes UNKNOWN_SERVER_ERROR for that request (through
 *     the handler's errorResponse; a handler without one closes the connection instead), logged
 *     with its stack; it never reaches the event loop.
 *
 * The decoder already rejects a declared length larger than the bytes left. That still lets a
 * 100 MB Metadata request declare 50 million empty topic names, each becoming an object: about
 * 3.5 GB of heap and 25 s of blocked event loop for one request. So a request may declare at most
 * max.request.elements array elements in all, counted before each array is allocated.
 */
import {
  ErrorCode,
  MESSAGE_SPECS,
  ProtocolDecodeError,
  Reader,
  decodeRequestHeader,
  decodeStruct,
  isFlexible,
  encodeResponseFrame,
  type RequestHeader,
} from '../../protocol/index.js';
import { CloseConnection, type ConnectionInfo, type ProcessResult, type RequestProcessor } from '../server/connection.js';
import type { Broker } from './broker.js';
import { ROUTES, supportedApiVersions } from './dispatch.js';
import { NO_RESPONSE, type ApiHandler, type RequestContext } from './handler.js';

const API_VERSIONS_KEY = 18;

export class BrokerRequestProcessor implements RequestProcessor {
  constructor(private readonly broker: Broker) {}

  process(frame: Buffer, conn: ConnectionInfo): ProcessResult | Promise<ProcessResult> {
    let header: RequestHeader;
    let bodyOffset: number;
    try {
      ({ header, bodyOffset } = decodeRequestHeader(frame));
    } catch (err) {
      throw new CloseConnection(`malformed request header: ${(err as Error).message}`);
    }
    const handler = ROUTES.get(header.apiKey);
    if (!handler) throw new CloseConnection(`unknown API key ${header.apiKey} (client ${header.clientId})`);
    const version = header.apiVersion;
    if (version < handler.versions.min || version > handler.versions.max) {
      if (header.apiKey === API_VERSIONS_KEY) return this.unsupportedApiVersions(header);
      throw new CloseConnection(
        `unsupported version ${version} of ${handler.name} (supported ${handler.versions.min}-${handler.versions.max}, client ${header.clientId})`,
      );
    }
    let request: unknown;
    try {
      const spec = MESSAGE_SPECS.get(header.apiKey)!.request;
      const reader = new BoundedReader(frame, bodyOffset, this.broker.config.maxRequestElements);
      request = decodeStruct(spec.fields, version, isFlexible(header.apiKey, version), reader);
    } catch (err) {
      if (err instanceof ProtocolDecodeError) {
        throw new CloseConnection(`malformed ${handler.name} v${version} request: ${err.message}`);
      }
      throw err;
    }
    const ctx: RequestContext = { broker: this.broker, header, apiVersion: version, conn };
    // Metrics (src/metrics) are null with --no-http: then not even the clock is read.
    const started = this.broker.metrics === null ? 0 : performance.now();
    let result;
    try {
      result = handler.handle(request, ctx);
    } catch (err) {
      return this.failed(handler, request, ctx, err, started);
    }
    if (result === NO_RESPONSE) {
      this.broker.metrics?.requestAnswered(handler.apiKey, handler.name, version, started, request, null);
      return null;
    }
    if (result instanceof Promise) {
      return result.then(
        (response) => this.encode(handler, ctx, response, request, started),
        (err) => this.failed(handler, request, ctx, err, started),
      );
    }
    return this.encode(handler, ctx, result, request, started);
  }

  private encode(handler: ApiHandler, ctx: RequestContext, response: unknown, request: unknown, started: number): Buffer[] {
    this.broker.metrics?.requestAnswered(handler.apiKey, handler.name, ctx.apiVersion, started, request, response);
    try {
      return encodeResponseFrame(handler.apiKey, ctx.apiVersion, ctx.header.correlationId, response as object);
    } catch (err) {
      this.broker.log.error({ err, api: handler.name, version: ctx.apiVersion }, 'could not encode response');
      throw new CloseConnection(`could not encode ${handler.name} response`);
    }
  }

  private failed(handler: ApiHandler, request: unknown, ctx: RequestContext, err: unknown, started: number): Buffer[] {
    this.broker.log.error({ err, api: handler.name, version: ctx.apiVersion, client: ctx.header.clientId },
      'handler failed; answering UNKNOWN_SERVER_ERROR');
    if (!handler.errorResponse) throw new CloseConnection(`${handler.name} failed: ${(err as Error)?.message}`);
    return this.encode(handler, ctx, handler.errorResponse(request, ErrorCode.UNKNOWN_SERVER_ERROR, ctx), request, started);
  }

  /** KIP-511: an ApiVersions version we do not know is answered in the v0 body, never dropped. */
  private unsupportedApiVersions(header: RequestHeader): Buffer[] {
    return encodeResponseFrame(API_VERSIONS_KEY, 0, header.correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: supportedApiVersions(),
    });
  }
}

/** A Reader that charges every declared array length against one budget for the whole request. */
class BoundedReader extends Reader {
  constructor(buf: Buffer, offset: number, private elementsLeft: number) {
    super(buf, offset);
  }

  override arrayLength(): number | null {
    return this.charge(super.arrayLength());
  }

  override compactArrayLength(): number | null {
    return this.charge(super.compactArrayLength());
  }

  private charge(n: number | null): number | null {
    if (n !== null && (this.elementsLeft -= n) < 0) {
      throw new ProtocolDecodeError(`request declares more than max.request.elements array elements`);
    }
    return n;
  }
}
