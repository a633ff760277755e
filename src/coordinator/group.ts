/**
 * One consumer group of Kafka's classic group protocol: its state, generation, members, the
 * protocol chosen for the current generation, and its committed offsets. Pure bookkeeping: no
 * timers, no I/O; the state machine that drives it lives in rebalance.ts and membership.ts.
 *
 * States and their legal transitions (Kafka's GroupMetadata):
 *   Empty               -> PreparingRebalance, Dead
 *   PreparingRebalance  -> CompletingRebalance, Empty, Dead
 *   CompletingRebalance -> PreparingRebalance, Stable, Dead
 *   Stable              -> PreparingRebalance, Dead
 *   Dead                -> (terminal; the group is gone from the coordinator)
 */
import type { JoinOutcome, SyncOutcome } from './results.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only set by OffsetCommit v2-4 with an explicit retention time. */
  expireTimestamp: number | null;
}

export class Member {
  /** Set while a JoinGroup of this member waits for the rebalance to complete. */
  joinWaiter: ((outcome: JoinOutcome) => void) | null = null;
  /** Set while a SyncGroup of this member waits for the leader's assignment. */
  syncWaiter: ((outcome: SyncOutcome) => void) | null = null;
  assignment: Buffer = Buffer.alloc(0);
  /** A member that joined during the current rebalance and has not yet received a generation. */
  isNew = false;
  /** Absolute time (ms) after which the member is expired unless a rebalance covers it. */
  heartbeatDeadline = 0;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  metadataFor(protocolName: string): Buffer {
    const found = this.protocols.find((p) => p.name === protocolName);
    if (!found) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return found.metadata;
  }

  /** Same protocols with the same metadata, in the same order (Kafka's MemberMetadata.matches). */
  matches(protocols: readonly Protocol[]): boolean {
    return protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }
}

export class Group {
  state: GroupState;
  /** When the group last changed state; offsets of an Empty group expire from here. */
  stateTimestamp: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id -> the member id currently holding it. */
  readonly staticMembers = new Map<string, string>();
  /** Members told MEMBER_ID_REQUIRED that have not joined with their new id yet. */
  readonly pendingMembers = new Set<string>();
  /** Members of this generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  readonly offsets = new Map<string, CommittedOffset>();
  /** Topics the members subscribe to (consumer protocol); undefined when unknown. */
  subscribedTopics: Set<string> | undefined = undefined;
  /** A member joined during the initial rebalance delay (the delay is extended for it). */
  newMemberAdded = false;
  /** The first rebalance of an empty group waits group.initial.rebalance.delay.ms, even if all joined. */
  initialDelayActive = false;
  private readonly protocolVotes = new Map<string, number>();
  private awaitingJoin = 0;

  constructor(readonly groupId: string, now: number, state: GroupState = 'Empty') {
    this.state = state;
    this.stateTimestamp = now;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(next: GroupState, now: number): void {
    if (!VALID_PREVIOUS[next].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${next}`);
    }
    this.state = next;
    this.stateTimestamp = now;
  }

  /** Stable, CompletingRebalance and Empty groups can start a rebalance. */
  get canRebalance(): boolean {
    return this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty';
  }

  get numAwaitingJoin(): number {
    return this.awaitingJoin;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoin && this.pendingMembers.size === 0;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): Member {
    const member = this.members.get(memberId);
    if (!member) throw new Error(`group ${this.groupId} has no member ${memberId}`);
    return member;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  add(member: Member, joinWaiter: ((outcome: JoinOutcome) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.vote(member.protocols, +1);
    member.joinWaiter = joinWaiter;
    if (joinWaiter) this.awaitingJoin++;
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    this.vote(member.protocols, -1);
    if (member.joinWaiter) this.awaitingJoin--;
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    this.pendingSyncMembers.delete(memberId);
    if (this.leaderId === memberId) {
      const next = [...this.members.values()].find((m) => m.joinWaiter !== null) ?? this.members.values().next().value;
      this.leaderId = next?.memberId ?? null;
    }
  }

  /** A rejoining member's new protocols and timeouts, and its waiting JoinGroup if it has one. */
  update(member: Member, protocols: Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number,
    joinWaiter: ((outcome: JoinOutcome) => void) | null): void {
    this.vote(member.protocols, -1);
    this.vote(protocols, +1);
    member.protocols = protocols;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (!joinWaiter) return;
    if (!member.joinWaiter) this.awaitingJoin++;
    member.joinWaiter = joinWaiter;
  }

  /** Hands a waiting JoinGroup its answer; false when none was waiting. */
  completeJoin(member: Member, outcome: JoinOutcome): boolean {
    const waiter = member.joinWaiter;
    if (!waiter) return false;
    member.joinWaiter = null;
    this.awaitingJoin--;
    waiter(outcome);
    return true;
  }

  completeSync(member: Member, outcome: SyncOutcome): boolean {
    const waiter = member.syncWaiter;
    if (!waiter) return false;
    member.syncWaiter = null;
    waiter(outcome);
    return true;
  }

  /**
   * Replaces a static member's id (a restarted instance joined with an unknown member id): the
   * old id is fenced from now on. Returns the member under its new id.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): Member {
    const member = this.get(oldMemberId);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return member;
  }

  /**
   * Whether a joining member's protocols fit the group: any non-empty set for an empty group,
   * otherwise the same protocol type and at least one protocol every current member supports.
   */
  supportsProtocols(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    return this.protocolType === protocolType &&
      protocols.some((p) => (this.protocolVotes.get(p.name) ?? 0) === this.members.size);
  }

  /**
   * Kafka's vote: among the protocols every member supports, each member votes for the first
   * one in its own preference order; the most votes win (ties go to the earlier candidate).
   */
  selectProtocol(): string {
    const members = [...this.members.values()];
    const candidates = [...this.protocolVotes].filter(([, n]) => n === members.length).map(([name]) => name);
    if (candidates.length === 0) throw new Error(`group ${this.groupId}: no protocol common to all members`);
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const member of members) {
      const choice = member.protocols.find((p) => votes.has(p.name))!.name;
      votes.set(choice, votes.get(choice)! + 1);
    }
    let best = candidates[0]!;
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  }

  /** The join answer for the leader: every member with its metadata for the chosen protocol. */
  memberMetadata(): { memberId: string; groupInstanceId: string | null; metadata: Buffer }[] {
    const protocol = this.protocolName ?? '';
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol),
    }));
  }

  private vote(protocols: readonly Protocol[], delta: number): void {
    for (const p of protocols) {
      const n = (this.protocolVotes.get(p.name) ?? 0) + delta;
      if (n === 0) this.protocolVotes.delete(p.name);
      else this.protocolVotes.set(p.name, n);
    }
  }
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function parseOffsetKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
