/**
 * Heartbeat (key 12), versions 0-4 (v4 flexible). kafkajs sends 3, librdkafka 0-3, Java 4.
 *
 * Restarts the member's session deadline. REBALANCE_IN_PROGRESS tells a member to rejoin;
 * ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and FENCED_INSTANCE_ID (v3+, static members) that it is
 * no longer part of the group's current generation (src/coordinator/membership.ts).
 */
import type { HeartbeatRequest, HeartbeatResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const heartbeat = defineHandler<HeartbeatRequest, HeartbeatResponse>({
  apiKey: 12,
  name: 'Heartbeat',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    const errorCode = ctx.broker.groups.membership.heartbeat(request.groupId, request.memberId, request.groupInstanceId, request.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
  errorResponse: (_request, errorCode) => ({ errorCode }),
});
