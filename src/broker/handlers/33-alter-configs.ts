/**
 * AlterConfigs (key 33), versions 0-2: the older, whole-set form (kafkajs admin.alterConfigs,
 * librdkafka's AlterConfigs). The configs given replace every config the resource set before:
 * a topic's own configs (a name left out falls back to its default) or the broker's dynamic
 * configs (per broker by node id, or cluster-wide with an empty name). Validation, codes and
 * messages are Kafka's (configs/alter-configs.ts); validate_only checks without changing.
 */
import type { AlterConfigsRequest, AlterConfigsResponse } from '../../../protocol/index.js';
import { alterResources, failedResources, OP } from '../configs/alter-configs.js';
import { defineHandler } from '../handler.js';

export const alterConfigs = defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
  apiKey: 33,
  name: 'AlterConfigs',
  versions: { min: 0, max: 2 },
  handle(request, ctx) {
    const resources = request.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      changes: r.configs.map((c) => ({ name: c.name, op: OP.SET, value: c.value })),
    }));
    return { throttleTimeMs: 0, responses: alterResources(ctx.broker, resources, request.validateOnly, true) };
  },
  errorResponse: (request, errorCode) => failedResources(request.resources, errorCode),
});
