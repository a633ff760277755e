/**
 * ListGroups (key 16), versions 0-5 (v3+ flexible). kafkajs sends 2, librdkafka 4/5, Java 5.
 *
 * Every group the coordinator knows (including Empty groups kept for their offsets), with its
 * protocol type; v4+ its state, filtered by states_filter (case-insensitive); v5+ its type,
 * always "classic", filtered by types_filter.
 */
import { ErrorCode, type ListGroupsRequest, type ListGroupsResponse } from '../../../protocol/index.js';
import { CLASSIC_GROUP_TYPE } from '../../coordinator/group-admin.js';
import { defineHandler } from '../handler.js';

export const listGroups = defineHandler<ListGroupsRequest, ListGroupsResponse>({
  apiKey: 16,
  name: 'ListGroups',
  versions: { min: 0, max: 5 },
  handle(request, ctx) {
    const states = ctx.apiVersion >= 4 ? request.statesFilter : [];
    const types = ctx.apiVersion >= 5 ? request.typesFilter : [];
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: ctx.broker.groups.admin.list(states, types).map((g) => ({
        groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: CLASSIC_GROUP_TYPE,
      })),
    };
  },
  errorResponse: (_request, errorCode) => ({ errorCode, groups: [] }),
});
