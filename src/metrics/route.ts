/** GET /metrics: the Prometheus text exposition of the broker's registry (prom-client renders it). */
import type { Router } from '../http/router.js';
import type { BrokerMetrics } from './broker-metrics.js';

export function addMetricsRoute(router: Router, metrics: BrokerMetrics): void {
  router.get('/metrics', async () => ({
    headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' },
    body: await metrics.registry.metrics(),
  }));
}
