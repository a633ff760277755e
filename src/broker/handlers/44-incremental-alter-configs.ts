/**
 * IncrementalAlterConfigs (key 44), versions 0-1: what kafka-configs --alter, the Java admin's
 * incrementalAlterConfigs and @platformatic/kafka send. Each config carries an operation: SET (0),
 * DELETE (1; back to the default, a name never set is fine), APPEND (2) and SUBTRACT (3), the
 * last two for LIST configs only (cleanup.policy, the throttled-replica lists), starting from the
 * current value or the default. Topics and the broker's dynamic configs (per broker by node id,
 * cluster-wide with an empty name); validation, codes and messages are Kafka's
 * (configs/alter-configs.ts); validate_only checks without changing anything.
 */
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../../../protocol/index.js';
import { alterResources, failedResources } from '../configs/alter-configs.js';
import { defineHandler } from '../handler.js';

export const incrementalAlterConfigs = defineHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  versions: { min: 0, max: 1 },
  handle(request, ctx) {
    const resources = request.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      changes: r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
    }));
    return { throttleTimeMs: 0, responses: alterResources(ctx.broker, resources, request.validateOnly, false) };
  },
  errorResponse: (request, errorCode) => failedResources(request.resources, errorCode),
});
