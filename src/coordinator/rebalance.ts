/**
 * The rebalance half of the classic group state machine (Kafka's GroupCoordinator): preparing a
 * rebalance, completing the join phase into a new generation, session expiry of members, the
 * pending-sync deadline, and removing members. membership.ts turns requests into these steps.
 *
 * - A rebalance waits until every known member has rejoined (and no member told
 *   MEMBER_ID_REQUIRED is still pending), or until the largest rebalance timeout of the members.
 *   Dynamic members that did not rejoin are then removed; static ones keep their place.
 * - The first rebalance of an Empty group waits group.initial.rebalance.delay.ms instead, and
 *   waits again (up to the rebalance timeout) while new members keep arriving.
 * - A member expires when its session deadline passes without a heartbeat, unless a rebalance
 *   covers it (a JoinGroup or SyncGroup of it is waiting); new members get 5 minutes.
 * - After the join phase every member must send SyncGroup within the rebalance timeout, or it is
 *   removed and the group rebalances again.
 */
import type { Logger } from 'pino';
import { ErrorCode } from '../../protocol/index.js';
import type { CoordinatorConfig } from './config.js';
import { CONSUMER_PROTOCOL_TYPE, parseConsumerSubscriptionTopics } from './consumer-protocol.js';
import type { Group, Member } from './group.js';
import { timerPrefix, type GroupStore } from './group-store.js';
import { joinError, syncError } from './results.js';

export class Rebalancer {
  constructor(
    private readonly store: GroupStore,
    private readonly config: CoordinatorConfig,
    private readonly logger: Logger,
  ) {}

  maybePrepareRebalance(group: Group, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  prepareRebalance(group: Group, reason: string): void {
    const { timers } = this.store;
    if (group.is('CompletingRebalance')) {
      // Members waiting for an assignment of a generation that will never be Stable.
      for (const member of group.members.values()) {
        member.assignment = Buffer.alloc(0);
        // Its session clock starts again: it was not expected to heartbeat while it waited.
        if (group.completeSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS))) this.touch(group, member);
      }
    }
    timers.clear(syncKey(group));
    group.pendingSyncMembers.clear();
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.store.now());
    this.logger.info({ group: group.groupId, generation: group.generationId, reason }, 'preparing to rebalance group');
    const rebalanceTimeout = maxRebalanceTimeout(group);
    if (wasEmpty) {
      group.newMemberAdded = false;
      group.initialDelayActive = true;
      const delay = this.config.initialRebalanceDelayMs;
      this.scheduleInitialDelay(group, delay, Math.max(rebalanceTimeout - delay, 0));
    } else {
      timers.set(joinKey(group), this.store.now() + rebalanceTimeout, () => this.completeJoinPhase(group));
    }
    this.tryCompleteJoin(group);
  }

  /** Completes the join phase now if every member has rejoined (outside the initial delay). */
  tryCompleteJoin(group: Group): void {
    if (group.is('PreparingRebalance') && !group.initialDelayActive && group.hasAllMembersJoined()) {
      this.completeJoinPhase(group);
    }
  }

  /** Kafka's InitialDelayedJoin: extends the wait while new members keep arriving. */
  private scheduleInitialDelay(group: Group, delay: number, remaining: number): void {
    this.store.timers.set(joinKey(group), this.store.now() + delay, () => {
      if (!this.isCurrent(group) || !group.is('PreparingRebalance')) return;
      if (group.newMemberAdded && remaining > 0) {
        group.newMemberAdded = false;
        const initial = this.config.initialRebalanceDelayMs;
        this.scheduleInitialDelay(group, Math.min(initial, remaining), Math.max(remaining - initial, 0));
        return;
      }
      this.completeJoinPhase(group);
    });
  }

  /** Kafka's onCompleteJoin: the join phase ends and the next generation starts. */
  completeJoinPhase(group: Group): void {
    if (!this.isCurrent(group) || !group.is('PreparingRebalance')) return;
    const { timers } = this.store;
    timers.clear(joinKey(group));
    group.initialDelayActive = false;
    for (const member of [...group.members.values()]) {
      if (member.joinWaiter === null && !member.isStatic) {
        this.logger.info({ group: group.groupId, member: member.memberId }, 'member did not rejoin in time; removed');
        timers.clear(heartbeatKey(group, member.memberId));
        group.remove(member.memberId);
      }
    }
    if (!electJoinedLeader(group) && group.members.size > 0) {
      // Only static members that have not rejoined are left: give them another rebalance timeout.
      timers.set(joinKey(group), this.store.now() + maxRebalanceTimeout(group), () => this.completeJoinPhase(group));
      return;
    }
    const now = this.store.now();
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.subscribedTopics = undefined;
      group.transitionTo('Empty', now);
      this.logger.info({ group: group.groupId, generation: group.generationId }, 'group is empty');
      this.store.persistGroup(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.subscribedTopics = group.protocolType === CONSUMER_PROTOCOL_TYPE ? parseConsumerSubscriptionTopics(group) : undefined;
    group.transitionTo('CompletingRebalance', now);
    this.logger.info({ group: group.groupId, generation: group.generationId, members: group.members.size },
      'group generation started');
    const leaderMembers = group.memberMetadata();
    for (const member of group.members.values()) {
      group.completeJoin(member, {
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leaderId: group.leaderId ?? '',
        memberId: member.memberId,
        members: group.isLeader(member.memberId) ? leaderMembers : [],
      });
      this.touch(group, member);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    const generation = group.generationId;
    timers.set(syncKey(group), now + maxRebalanceTimeout(group), () => this.expirePendingSync(group, generation));
  }

  /** Members that got a generation but never sent SyncGroup are removed (Kafka's DelayedSync). */
  private expirePendingSync(group: Group, generation: number): void {
    if (!this.isCurrent(group) || group.generationId !== generation) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    const missing = [...group.pendingSyncMembers];
    if (missing.length === 0) return;
    for (const memberId of missing) {
      this.store.timers.clear(heartbeatKey(group, memberId));
      group.remove(memberId);
    }
    this.prepareRebalance(group, `members ${missing.join(', ')} sent no SyncGroup in time`);
  }

  syncReceived(group: Group, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.store.timers.clear(syncKey(group));
  }

  /** A heartbeat (or anything that proves the member alive): its session deadline starts again. */
  touch(group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
    member.heartbeatDeadline = this.store.now() + timeoutMs;
    const key = heartbeatKey(group, member.memberId);
    const due = this.store.timers.dueAt(key);
    if (due === undefined || due > member.heartbeatDeadline) {
      this.store.timers.set(key, member.heartbeatDeadline, () => this.checkSession(group, member));
    }
  }

  stopSession(group: Group, memberId: string): void {
    this.store.timers.clear(heartbeatKey(group, memberId));
  }

  private checkSession(group: Group, member: Member): void {
    if (!this.isCurrent(group) || group.members.get(member.memberId) !== member) return;
    const now = this.store.now();
    if (now < member.heartbeatDeadline) {
      this.store.timers.set(heartbeatKey(group, member.memberId), member.heartbeatDeadline, () => this.checkSession(group, member));
      return;
    }
    // A rebalance in progress covers members waiting in it; its completion restarts their clock.
    if (!member.isNew && (member.joinWaiter !== null || member.syncWaiter !== null)) return;
    this.logger.info({ group: group.groupId, member: member.memberId }, 'member session expired');
    this.removeMember(group, member, 'session timeout');
  }

  /** Removes a member (leave, expiry) and moves the group on (Kafka's removeMemberAndUpdateGroup). */
  removeMember(group: Group, member: Member, reason: string): void {
    // Whatever this member still waits for is answered, so its client retries or gives up.
    group.completeJoin(member, joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    group.completeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    this.stopSession(group, member.memberId);
    group.remove(member.memberId);
    if (group.is('Stable') || group.is('CompletingRebalance')) {
      this.maybePrepareRebalance(group, `member ${member.memberId} left (${reason})`);
    } else if (group.is('PreparingRebalance')) {
      this.tryCompleteJoin(group);
    }
  }

  /** A member told MEMBER_ID_REQUIRED must rejoin within its session timeout. */
  schedulePendingMember(group: Group, memberId: string, sessionTimeoutMs: number): void {
    this.store.timers.set(pendingKey(group, memberId), this.store.now() + sessionTimeoutMs, () => {
      if (!this.isCurrent(group)) return;
      this.removePendingMember(group, memberId);
    });
  }

  /** The pending member joined with its id: it is a member now, no longer pending. */
  forgetPendingMember(group: Group, memberId: string): void {
    this.store.timers.clear(pendingKey(group, memberId));
    group.pendingMembers.delete(memberId);
  }

  removePendingMember(group: Group, memberId: string): void {
    this.store.timers.clear(pendingKey(group, memberId));
    if (!group.pendingMembers.delete(memberId)) return;
    this.tryCompleteJoin(group);
  }

  /** At shutdown: everyone still waiting is told NOT_COORDINATOR, as when Kafka unloads a group. */
  abandonWaiters(group: Group): void {
    for (const member of group.members.values()) {
      group.completeJoin(member, joinError(member.memberId, ErrorCode.NOT_COORDINATOR));
      group.completeSync(member, syncError(ErrorCode.NOT_COORDINATOR));
    }
  }

  private isCurrent(group: Group): boolean {
    return !group.is('Dead') && this.store.get(group.groupId) === group;
  }
}

function maxRebalanceTimeout(group: Group): number {
  let max = 0;
  for (const m of group.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
  return max;
}

/** Kafka's maybeElectNewJoinedLeader: the leader must be a member that rejoined. */
function electJoinedLeader(group: Group): boolean {
  if (group.leaderId === null) return false;
  if (group.members.get(group.leaderId)?.joinWaiter) return true;
  const joined = [...group.members.values()].find((m) => m.joinWaiter !== null);
  if (!joined) return false;
  group.leaderId = joined.memberId;
  return true;
}

export function joinKey(group: Group): string {
  return `${timerPrefix(group.groupId)}join`;
}

function syncKey(group: Group): string {
  return `${timerPrefix(group.groupId)}sync`;
}

function pendingKey(group: Group, memberId: string): string {
  return `${timerPrefix(group.groupId)}pending\u0000${memberId}`;
}

function heartbeatKey(group: Group, memberId: string): string {
  return `${timerPrefix(group.groupId)}member\u0000${memberId}`;
}
