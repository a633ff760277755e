/**
 * SyncGroup (key 14), versions 0-4 (v4 flexible). kafkajs sends 3, librdkafka 0-3, Java 4+.
 *
 * The leader sends the assignment of every member; each member receives its own. A follower's
 * SyncGroup that arrives before the leader's waits for it (a Promise: the connection holds the
 * requests behind it). REBALANCE_IN_PROGRESS when a new rebalance started meanwhile;
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID as for Heartbeat.
 * Left out: v5 (protocol type and name in request and answer).
 */
import type { SyncGroupRequest, SyncGroupResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const syncGroup = defineHandler<SyncGroupRequest, SyncGroupResponse>({
  apiKey: 14,
  name: 'SyncGroup',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    return new Promise<SyncGroupResponse>((resolve) => {
      ctx.broker.groups.membership.sync({
        groupId: request.groupId,
        generationId: request.generationId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        protocolType: request.protocolType,
        protocolName: request.protocolName,
        // Copies: the request frame is not kept alive for the group's lifetime.
        assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
      }, (o) => resolve({
        throttleTimeMs: 0, errorCode: o.errorCode, protocolType: o.protocolType, protocolName: o.protocolName, assignment: o.assignment,
      }));
    });
  },
  errorResponse: (_request, errorCode) => ({ errorCode, assignment: Buffer.alloc(0) }),
});
