/**
 * /health and /ready, for Docker healthchecks and orchestrators.
 * - /health: the process is alive and its event loop answers (200 always, while it listens).
 * - /ready: the broker accepts Kafka connections and its storage is recovered, i.e. startBroker
 *   got past opening the logs (recovery runs there) and binding every Kafka listener, and
 *   shutdown has not begun. 503 before and after, with the reason, so a healthcheck that probes
 *   during a restart sees "starting" or "stopping" rather than a hang.
 */
import type { Router } from './router.js';

export type Readiness = 'starting' | 'ready' | 'stopping';

export class ReadinessState {
  state: Readiness = 'starting';
}

export function addHealthRoutes(router: Router, readiness: ReadinessState): void {
  const noStore = { 'Cache-Control': 'no-store' };
  router.get('/health', () => ({ headers: noStore, body: { status: 'ok' } }));
  router.get('/ready', () => ({
    status: readiness.state === 'ready' ? 200 : 503,
    headers: noStore,
    body: { status: readiness.state },
  }));
}
