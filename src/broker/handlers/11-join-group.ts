/**
 * JoinGroup (key 11), versions 0-6 (v6 flexible). kafkajs sends 5, librdkafka 0-5, Java 6+.
 *
 * Kafka's classic group protocol (src/coordinator/membership.ts): the answer waits until the
 * rebalance completes, so the handler returns a Promise and the connection holds the requests
 * behind it, as Kafka mutes the channel. v4+: a member without an id first gets
 * MEMBER_ID_REQUIRED with its id and joins again with it. v5+: group.instance.id (static
 * membership). v0 has no rebalance timeout: the session timeout serves as one.
 * Left out: v7+ (protocol type in the answer, KIP-814 skip assignment, join reason).
 */
import { type JoinGroupRequest, type JoinGroupResponse } from '../../../protocol/index.js';
import type { JoinOutcome } from '../../coordinator/results.js';
import { defineHandler } from '../handler.js';

export const joinGroup = defineHandler<JoinGroupRequest, JoinGroupResponse>({
  apiKey: 11,
  name: 'JoinGroup',
  versions: { min: 0, max: 6 },
  handle(request, ctx) {
    return new Promise<JoinGroupResponse>((resolve) => {
      ctx.broker.groups.membership.join({
        groupId: request.groupId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        requireKnownMemberId: ctx.apiVersion >= 4,
        clientId: ctx.header.clientId ?? '',
        clientHost: clientHost(ctx.conn.remote),
        rebalanceTimeoutMs: ctx.apiVersion === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
        sessionTimeoutMs: request.sessionTimeoutMs,
        protocolType: request.protocolType,
        protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
        reason: request.reason,
      }, (outcome) => resolve(toResponse(outcome)));
    });
  },
  errorResponse: (request, errorCode) => toResponse({
    errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId: request.memberId, members: [],
  }),
});

function toResponse(o: JoinOutcome): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: o.errorCode,
    generationId: o.generationId,
    protocolType: o.protocolType,
    // Nullable only from v7; earlier versions carry "" for "none".
    protocolName: o.protocolName ?? '',
    leader: o.leaderId,
    memberId: o.memberId,
    members: o.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
}

/** Kafka shows a member's host as Java's InetAddress.toString does: "/" then the address. */
function clientHost(remote: string): string {
  const at = remote.lastIndexOf(':');
  return `/${at > 0 ? remote.slice(0, at) : remote}`;
}
