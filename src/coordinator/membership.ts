/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup on the classic group state machine, with the
 * error codes where Kafka's GroupCoordinator returns them. Answers that must wait (a JoinGroup
 * until the rebalance completes, a follower's SyncGroup until the leader's assignment) are given
 * through the `respond` callbacks; everything else answers at once.
 *
 * Static membership (group.instance.id): a member joining with an unknown member id but a known
 * instance id takes over that instance's place under a new member id; in a Stable group whose
 * chosen protocol does not change this needs no rebalance. The previous member id is fenced:
 * its requests get FENCED_INSTANCE_ID.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/index.js';
import { NEW_MEMBER_JOIN_TIMEOUT_MS, type CoordinatorConfig } from './config.js';
import { Member, type Group, type Protocol } from './group.js';
import type { GroupStore } from './group-store.js';
import type { Rebalancer } from './rebalance.js';
import { joinError, syncError, type JoinOutcome, type SyncOutcome } from './results.js';

export interface JoinParams {
  groupId: string;
  /** '' for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and its id. */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  reason?: string | null;
}

export interface SyncParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface MemberRef {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: (MemberRef & { errorCode: number })[];
}

export class GroupMembership {
  /** Set at shutdown: JoinGroup and SyncGroup answer NOT_COORDINATOR instead of waiting. */
  stopping = false;

  constructor(
    private readonly store: GroupStore,
    private readonly rebalancer: Rebalancer,
    private readonly config: CoordinatorConfig,
  ) {}

  join(p: JoinParams, respond: (outcome: JoinOutcome) => void): void {
    if (this.stopping) return respond(joinError(p.memberId, ErrorCode.NOT_COORDINATOR));
    if (p.groupId === '') return respond(joinError(p.memberId, ErrorCode.INVALID_GROUP_ID));
    if (p.sessionTimeoutMs < this.config.minSessionTimeoutMs || p.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return respond(joinError(p.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isNew = p.memberId === '';
    if (!isNew && !this.store.get(p.groupId)) return respond(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    const group = this.store.getOrCreate(p.groupId);
    if (isNew) this.joinNewMember(group, p, respond);
    else this.joinCurrentMember(group, p, respond);
    // A group created by a join that failed holds nothing worth keeping.
    if (group.is('Empty') && group.generationId === 0 && group.members.size === 0 &&
      group.pendingMembers.size === 0 && group.offsets.size === 0) {
      this.store.groups.delete(group.groupId);
    }
  }

  private joinNewMember(group: Group, p: JoinParams, respond: (o: JoinOutcome) => void): void {
    if (group.is('Dead')) return respond(joinError(p.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return respond(joinError(p.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = `${p.groupInstanceId ?? p.clientId}-${randomUUID()}`;
    if (p.groupInstanceId !== null) return this.joinStaticMember(group, p, newMemberId, respond);
    if (p.requireKnownMemberId) {
      group.pendingMembers.add(newMemberId);
      this.rebalancer.schedulePendingMember(group, newMemberId, p.sessionTimeoutMs);
      return respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, p, newMemberId, respond);
  }

  private joinCurrentMember(group: Group, p: JoinParams, respond: (o: JoinOutcome) => void): void {
    if (group.is('Dead')) return respond(joinError(p.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return respond(joinError(p.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pendingMembers.has(p.memberId)) {
      this.rebalancer.forgetPendingMember(group, p.memberId);
      return this.addMemberAndRebalance(group, p, p.memberId, respond);
    }
    const error = validateMember(group, p.memberId, p.groupInstanceId);
    if (error !== ErrorCode.NONE) return respond(joinError(p.memberId, error));
    const member = group.get(p.memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, p, respond);
      case 'CompletingRebalance':
        // Same metadata: probably a retry after a lost JoinGroup answer; give this generation again.
        if (member.matches(p.protocols)) return respond(currentGeneration(group, member.memberId, group.isLeader(member.memberId)));
        return this.updateMemberAndRebalance(group, member, p, respond);
      case 'Stable':
        // The leader rejoining, or anyone with new metadata (a subscription change), rebalances.
        if (group.isLeader(member.memberId) || !member.matches(p.protocols)) {
          return this.updateMemberAndRebalance(group, member, p, respond);
        }
        return respond(currentGeneration(group, member.memberId, false));
      default:
        return respond(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private joinStaticMember(group: Group, p: JoinParams, newMemberId: string, respond: (o: JoinOutcome) => void): void {
    const instanceId = p.groupInstanceId!;
    const oldMemberId = group.staticMemberId(instanceId);
    if (oldMemberId === undefined) return this.addMemberAndRebalance(group, p, newMemberId, respond);
    const previousLeader = group.leaderId ?? '';
    const member = this.replaceStaticMember(group, instanceId, oldMemberId, newMemberId);
    if (group.is('Stable')) {
      const before = group.protocolName;
      group.update(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, null);
      if (group.selectProtocol() === before) {
        this.store.persistGroup(group);
        this.rebalancer.touch(group, member);
        // The previous leader id, so a restarted leader does not compute an assignment a Stable
        // group would never hand out.
        return respond({ ...currentGeneration(group, newMemberId, false), leaderId: previousLeader });
      }
    }
    if (group.is('Empty') || group.is('Dead')) return respond(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    this.updateMemberAndRebalance(group, member, p, respond);
  }

  private replaceStaticMember(group: Group, instanceId: string, oldMemberId: string, newMemberId: string): Member {
    const old = group.get(oldMemberId);
    group.completeJoin(old, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    group.completeSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
    this.rebalancer.stopSession(group, oldMemberId);
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.rebalancer.touch(group, member);
    return member;
  }

  private addMemberAndRebalance(group: Group, p: JoinParams, memberId: string, respond: (o: JoinOutcome) => void): void {
    const member = new Member(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs,
      p.sessionTimeoutMs, p.protocolType, p.protocols);
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, respond);
    // It cannot heartbeat before it has a generation; a client that went away is dropped later.
    this.rebalancer.touch(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.rebalancer.maybePrepareRebalance(group, `new member ${memberId} joined${p.reason ? `: ${p.reason}` : ''}`);
    this.rebalancer.tryCompleteJoin(group);
  }

  private updateMemberAndRebalance(group: Group, member: Member, p: JoinParams, respond: (o: JoinOutcome) => void): void {
    group.update(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, respond);
    this.rebalancer.maybePrepareRebalance(group, `member ${member.memberId} rejoined${p.reason ? `: ${p.reason}` : ''}`);
    this.rebalancer.tryCompleteJoin(group);
  }

  sync(p: SyncParams, respond: (outcome: SyncOutcome) => void): void {
    if (this.stopping) return respond(syncError(ErrorCode.NOT_COORDINATOR));
    if (p.groupId === '') return respond(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.store.get(p.groupId);
    if (!group) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const error = checkGenerationMember(group, p.memberId, p.groupInstanceId, p.generationId);
    if (error !== ErrorCode.NONE) return respond(syncError(error));
    if ((p.protocolType !== null && p.protocolType !== group.protocolType) ||
      (p.protocolName !== null && p.protocolName !== group.protocolName)) {
      return respond(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.get(p.memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        member.syncWaiter = respond;
        this.rebalancer.syncReceived(group, member.memberId);
        if (group.isLeader(member.memberId)) this.assignAndPropagate(group, p.assignments);
        return;
      }
      case 'Stable':
        this.rebalancer.syncReceived(group, member.memberId);
        this.rebalancer.touch(group, member);
        return respond(assigned(group, member.assignment));
      default:
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** The leader's assignment: stored with the group, then handed to every waiting member. */
  private assignAndPropagate(group: Group, assignments: SyncParams['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const member of group.members.values()) member.assignment = byMember.get(member.memberId) ?? Buffer.alloc(0);
    this.store.persistGroup(group);
    group.transitionTo('Stable', this.store.now());
    for (const member of group.members.values()) {
      if (group.completeSync(member, assigned(group, member.assignment))) this.rebalancer.touch(group, member);
    }
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.store.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    const error = checkGenerationMember(group, memberId, groupInstanceId, generationId);
    if (error !== ErrorCode.NONE) return error;
    if (group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.rebalancer.touch(group, group.get(memberId));
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(groupId: string, leaving: MemberRef[]): LeaveResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.store.get(groupId);
    if (!group) {
      return { errorCode: ErrorCode.NONE, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    }
    const members = leaving.map((m) => ({ ...m, errorCode: this.leaveOne(group, m) }));
    return { errorCode: ErrorCode.NONE, members };
  }

  private leaveOne(group: Group, m: MemberRef): number {
    if (m.memberId === '') {
      // Administrative removal of a static member by its instance id alone.
      const current = m.groupInstanceId === null ? undefined : group.staticMemberId(m.groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.rebalancer.removeMember(group, group.get(current), 'left the group (by instance id)');
      return ErrorCode.NONE;
    }
    if (group.pendingMembers.has(m.memberId)) {
      this.rebalancer.removePendingMember(group, m.memberId);
      return ErrorCode.NONE;
    }
    const error = validateMember(group, m.memberId, m.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    this.rebalancer.removeMember(group, group.get(m.memberId), 'left the group');
    return ErrorCode.NONE;
  }
}

/**
 * Kafka's validateCurrentMember: an instance id must be held by this member id (else
 * FENCED_INSTANCE_ID, or UNKNOWN_MEMBER_ID when nobody holds it), and the member must exist.
 */
export function validateMember(group: Group, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId !== null) {
    const current = group.staticMemberId(groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

/** Dead group, member identity, then generation: the checks SyncGroup and Heartbeat share. */
function checkGenerationMember(group: Group, memberId: string, groupInstanceId: string | null, generationId: number): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const error = validateMember(group, memberId, groupInstanceId);
  if (error !== ErrorCode.NONE) return error;
  return generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
}

function currentGeneration(group: Group, memberId: string, withMembers: boolean): JoinOutcome {
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: group.leaderId ?? '',
    memberId,
    members: withMembers ? group.memberMetadata() : [],
  };
}

function assigned(group: Group, assignment: Buffer): SyncOutcome {
  return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment };
}
