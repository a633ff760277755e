/**
 * LeaveGroup (key 13), versions 0-4 (v4 flexible). kafkajs sends 3, librdkafka 0-1, Java 4+.
 *
 * v0-2 remove one member by id; v3+ a batch of members, each by member id or (administrative
 * removal of a static member) by group.instance.id alone, each with its own error. An unknown
 * group answers UNKNOWN_MEMBER_ID per member. In v0-2 the single member's error is the
 * top-level error. A member leaving a Stable group starts a rebalance.
 * Left out: v5 (leave reason).
 */
import { ErrorCode, type LeaveGroupRequest, type LeaveGroupResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const leaveGroup = defineHandler<LeaveGroupRequest, LeaveGroupResponse>({
  apiKey: 13,
  name: 'LeaveGroup',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    const batched = ctx.apiVersion >= 3;
    const leaving = batched
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = ctx.broker.groups.membership.leave(request.groupId, leaving);
    if (!batched) {
      const memberError = result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
      return { throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError };
    }
    return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
  },
  errorResponse: (_request, errorCode) => ({ errorCode, members: [] }),
});
