/**
 * Every group the coordinator knows, their timers, and their durable form: group metadata and
 * committed offsets written to __consumer_offsets and rebuilt from it at startup.
 *
 * As in Kafka, a group's metadata (generation, protocol, leader, members with their assignment)
 * is written when a rebalance completes (the leader's SyncGroup), when the group becomes Empty,
 * and when a static member is replaced; a tombstone when the group is removed. A group loaded
 * with members comes back Stable with fresh session deadlines, so consumers that keep
 * heartbeating after a broker restart continue without a rebalance; one without members comes
 * back Empty (kept for its offsets).
 */
import type { Logger } from 'pino';
import { parseConsumerSubscriptionTopics } from './consumer-protocol.js';
import { Group, Member, offsetKey, parseOffsetKey, type CommittedOffset } from './group.js';
import {
  decodeGroupValue, decodeOffsetValue, encodeGroupKey, encodeGroupValue, encodeOffsetValue, offsetKeyEncoder,
  type StoredGroup,
} from './offset-records.js';
import { OFFSETS_TOPIC, type OffsetsLog, type OffsetsRecord } from './offsets-log.js';
import { DeadlineTimers } from './timers.js';

export class GroupStore {
  readonly groups = new Map<string, Group>();
  readonly timers = new DeadlineTimers();

  constructor(private readonly log: OffsetsLog, private readonly logger: Logger) {}

  now(): number {
    return Date.now();
  }

  get(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  getOrCreate(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new Group(groupId, this.now())));
    return group;
  }

  /** The group is gone: Dead, its timers cleared, a tombstone written for it and its offsets. */
  remove(group: Group): void {
    const keyOf = offsetKeyEncoder(group.groupId);
    const records: OffsetsRecord[] = [...group.offsets.keys()].map(parseOffsetKey).map(({ topic, partition }) => ({
      key: keyOf(topic, partition), value: null,
    }));
    records.push({ key: encodeGroupKey(group.groupId), value: null });
    this.write(group.groupId, records);
    group.offsets.clear();
    group.transitionTo('Dead', this.now());
    this.timers.clearPrefix(timerPrefix(group.groupId));
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }

  /** Writes the group's current metadata (Kafka's storeGroup). Failures are logged, not thrown. */
  persistGroup(group: Group): void {
    const stored: StoredGroup = {
      protocolType: group.protocolType ?? '',
      generationId: group.generationId,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      stateTimestamp: group.stateTimestamp,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs, sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: group.protocolName ? m.metadataFor(group.protocolName) : Buffer.alloc(0),
        assignment: m.assignment,
      })),
    };
    try {
      this.write(group.groupId, [{ key: encodeGroupKey(group.groupId), value: encodeGroupValue(stored) }]);
    } catch (err) {
      this.logger.error({ err, group: group.groupId }, 'could not write group metadata');
    }
  }

  /**
   * Writes offsets (null: delete them); throws when the log refuses, so commits can fail.
   * With `waitForSync`, returns the wait for the sync under the `always` flush policy (see
   * OffsetsLog.append); the caller must then handle its rejection.
   */
  writeOffsets(groupId: string, entries: { topic: string; partition: number; offset: CommittedOffset | null }[], waitForSync = false): Promise<void> | null {
    const keyOf = offsetKeyEncoder(groupId);
    return this.write(groupId, entries.map((e) => ({
      key: keyOf(e.topic, e.partition),
      value: e.offset === null ? null : encodeOffsetValue(e.offset),
    })), waitForSync);
  }

  private write(groupId: string, records: OffsetsRecord[], waitForSync = false): Promise<void> | null {
    return this.log.append(groupId, records, this.now(), waitForSync);
  }

  /** Rebuilds groups and offsets from the log; returns the groups that came back with members. */
  load(): Group[] {
    const stored = new Map<string, StoredGroup | null>();
    const offsets = new Map<string, Map<string, CommittedOffset>>();
    const count = this.log.replay((key, value) => {
      if (key.kind === 'group') {
        stored.set(key.group, value === null ? null : decodeGroupValue(value));
        if (value === null) offsets.delete(key.group);
        return;
      }
      let table = offsets.get(key.group);
      if (!table) offsets.set(key.group, (table = new Map()));
      if (value === null) table.delete(offsetKey(key.topic, key.partition));
      else table.set(offsetKey(key.topic, key.partition), decodeOffsetValue(value));
    }, (where, err) => this.logger.warn({ err, where }, `unreadable ${OFFSETS_TOPIC} record skipped`));
    const now = this.now();
    const withMembers: Group[] = [];
    for (const [groupId, meta] of stored) {
      if (meta === null) continue;
      const group = restoreGroup(groupId, meta, now);
      this.groups.set(groupId, group);
      if (group.members.size > 0) withMembers.push(group);
    }
    for (const [groupId, table] of offsets) {
      if (table.size === 0) continue;
      const group = this.getOrCreate(groupId);
      for (const [k, v] of table) group.offsets.set(k, v);
    }
    if (count > 0) this.logger.info({ records: count, groups: this.groups.size }, 'consumer groups loaded');
    return withMembers;
  }

  close(): void {
    this.timers.clearAll();
  }
}

export function timerPrefix(groupId: string): string {
  return `${groupId}\u0000`;
}

function restoreGroup(groupId: string, meta: StoredGroup, now: number): Group {
  const stateTimestamp = meta.stateTimestamp >= 0 ? meta.stateTimestamp : now;
  const group = new Group(groupId, stateTimestamp, meta.members.length > 0 ? 'Stable' : 'Empty');
  group.generationId = meta.generationId;
  group.protocolType = meta.protocolType === '' ? null : meta.protocolType;
  group.protocolName = meta.protocolName;
  for (const m of meta.members) {
    const member = new Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
      m.sessionTimeoutMs, meta.protocolType, [{ name: meta.protocolName ?? '', metadata: m.subscription }]);
    member.assignment = m.assignment;
    group.add(member, null);
  }
  group.leaderId = meta.leaderId;
  if (group.protocolType === 'consumer' && group.members.size > 0) {
    group.subscribedTopics = parseConsumerSubscriptionTopics(group);
  }
  return group;
}
