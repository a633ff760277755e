/**
 * Consumer groups for the console: state, members with their assignments, committed offsets and
 * lag, read from the group coordinator in this process (src/coordinator) and the logs' end offsets.
 *
 * ConsumerProtocolAssignment (what a "consumer" group's leader hands each member), every version:
 *   version int16, assigned_partitions [topic string, partitions [int32]], user_data bytes...
 * Only the first two fields are read; an assignment that does not parse is shown as unknown.
 */
import { Reader } from '../../protocol/index.js';
import type { Broker } from '../broker/broker.js';
import { groupLag, type PartitionLag } from '../metrics/lag.js';

export interface GroupSummary {
  groupId: string;
  state: string;
  protocolType: string;
  members: number;
  /** Sum of the lag of every committed partition. */
  lag: number;
}

export interface GroupDetail extends GroupSummary {
  protocol: string;
  memberList: { memberId: string; clientId: string; clientHost: string; assignment: { topic: string; partitions: number[] }[] | null }[];
  offsets: PartitionLag[];
}

export function listGroups(broker: Broker): GroupSummary[] {
  return broker.groups.admin.list()
    .sort((a, b) => a.groupId.localeCompare(b.groupId))
    .map((g) => ({
      groupId: g.groupId,
      state: g.state,
      protocolType: g.protocolType,
      members: broker.groups.store.get(g.groupId)?.members.size ?? 0,
      lag: groupLag(broker.groups, broker.logs, g.groupId).reduce((n, r) => n + r.lag, 0),
    }));
}

/** undefined when the coordinator has no such group. */
export function describeGroup(broker: Broker, groupId: string): GroupDetail | undefined {
  if (!broker.groups.store.get(groupId)) return undefined;
  const d = broker.groups.admin.describe(groupId);
  const offsets = groupLag(broker.groups, broker.logs, groupId);
  return {
    groupId,
    state: d.state,
    protocolType: d.protocolType,
    protocol: d.protocolName,
    members: d.members.length,
    lag: offsets.reduce((n, r) => n + r.lag, 0),
    memberList: d.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: d.protocolType === 'consumer' ? parseAssignment(m.assignment) : null,
    })),
    offsets,
  };
}

export function parseAssignment(bytes: Buffer): { topic: string; partitions: number[] }[] | null {
  if (bytes.length === 0) return [];
  try {
    const r = new Reader(bytes);
    r.int16();
    const topics = r.arrayLength() ?? 0;
    if (topics > bytes.length) return null;
    const out = [];
    for (let t = 0; t < topics; t++) {
      const topic = r.string();
      const count = r.arrayLength() ?? 0;
      if (count > bytes.length) return null;
      const partitions = [];
      for (let p = 0; p < count; p++) partitions.push(r.int32());
      out.push({ topic, partitions });
    }
    return out;
  } catch {
    return null;
  }
}
