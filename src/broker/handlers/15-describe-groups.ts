/**
 * DescribeGroups (key 15), versions 0-5 (v5 flexible). kafkajs sends 2, librdkafka 4/5, Java 5+.
 *
 * State, protocol type, the chosen protocol and the members of each group; member metadata and
 * assignments only while the group is Stable (as Kafka). An unknown group is described as "Dead"
 * with no members and no error. v3+: authorized operations when asked; without ACLs every group
 * operation (READ, DELETE, DESCRIBE) is allowed.
 * Left out: v6 (KIP-848 error messages).
 */
import { ErrorCode, type DescribeGroupsRequest, type DescribeGroupsResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

/** Bits of Kafka's AclOperation codes READ (3), DELETE (6), DESCRIBE (8). */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
const NOT_REQUESTED = -2147483648;

export const describeGroups = defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>({
  apiKey: 15,
  name: 'DescribeGroups',
  versions: { min: 0, max: 5 },
  handle(request, ctx) {
    const operations = request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const d = ctx.broker.groups.admin.describe(groupId);
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: d.state,
          protocolType: d.protocolType,
          protocolData: d.protocolName,
          members: d.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: operations,
        };
      }),
    };
  },
  errorResponse: (request, errorCode) => ({
    groups: request.groups.map((groupId) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })),
  }),
});
