/**
 * DNS rebinding: a page on another site can make its own host name resolve to 127.0.0.1, and the
 * browser then treats this console as that site's origin (its Origin and Host agree, so the
 * same-origin check on writes passes). What such a request cannot fake is a loopback Host header.
 * So while the console listens on a loopback address (the default), it answers only requests whose
 * Host names loopback: localhost (or a name under .localhost), 127.0.0.0/8 or [::1]. An operator
 * who binds another address (--http-host) chose to serve other names, and no check applies.
 */
import { HttpError, type RouteHandler, type Router } from '../http/router.js';

export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The host part of a Host header (port removed; brackets kept off an IPv6 literal). */
function hostName(header: string): string {
  const bracketed = /^\[([^\]]*)\](:\d+)?$/.exec(header);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

export function checkLoopbackHost(header: string | undefined): void {
  const name = hostName(header ?? '');
  if (isLoopbackAddress(name) || name.endsWith('.localhost')) return;
  throw new HttpError(403, `Host '${header ?? ''}' is not a loopback name; the console listens on loopback (--http-host serves other names)`);
}

/** A router whose every route first checks the Host header (when `loopbackOnly`). */
export function hostGuarded(router: Router, loopbackOnly: boolean): Pick<Router, 'get' | 'post' | 'delete'> {
  if (!loopbackOnly) return router;
  const guard = (handler: RouteHandler): RouteHandler => (req) => {
    checkLoopbackHost(req.headers.host);
    return handler(req);
  };
  return {
    get(template, handler) { return router.get(template, guard(handler)); },
    post(template, handler) { return router.post(template, guard(handler)); },
    delete(template, handler) { return router.delete(template, guard(handler)); },
  };
}
