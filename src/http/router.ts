/**
 * Routes of one HTTP listener: METHOD + path template -> handler. Templates are literal segments
 * and `:name` parameters ('/subjects/:subject/versions/:version'). A parameter matches one path
 * segment and is percent-decoded after matching, so an encoded slash (%2F) stays inside its
 * segment and can never walk into another route. The Schema Registry, metrics, health and the
 * console each add their routes to a router of their own; src/http/server.ts serves one router
 * per port.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  readonly method: string;
  /** The raw (still percent-encoded) path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Decoded path parameters. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** The whole body, read under the listener's size limit (413 past it). */
  body(): Promise<Buffer>;
  /** The body parsed as JSON; a malformed body throws HttpError 400 (or the listener's mapping). */
  json(): Promise<unknown>;
}

export interface HttpResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else is sent as JSON. undefined sends no body. */
  body?: unknown;
}

export type RouteHandler = (req: HttpRequest) => HttpResponse | Promise<HttpResponse>;

/** An error a handler throws to answer with a status; `body` replaces the listener's default error body. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly body?: unknown) {
    super(message);
  }
}

interface Route {
  method: string;
  segments: readonly string[];
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; params: Record<string, string> }
  /** The path exists under other methods (405 with Allow). */
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(template), handler });
    return this;
  }

  get(template: string, handler: RouteHandler): this { return this.add('GET', template, handler); }
  post(template: string, handler: RouteHandler): this { return this.add('POST', template, handler); }
  put(template: string, handler: RouteHandler): this { return this.add('PUT', template, handler); }
  delete(template: string, handler: RouteHandler): this { return this.add('DELETE', template, handler); }

  /** Matches a raw path; throws HttpError 400 for a parameter that is not valid percent-encoding. */
  match(method: string, rawPath: string): RouteMatch {
    const segments = splitPath(rawPath);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { kind: 'found', handler: route.handler, params };
      }
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  }
}

function splitPath(path: string): string[] {
  // '/a/b/' and '/a/b' are the same route, as in the Confluent registry.
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t.startsWith(':')) {
      params[t.slice(1)] = decodeSegment(actual[i]!);
    } else if (t !== actual[i]) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in path segment '${segment.slice(0, 100)}'`);
  }
}
