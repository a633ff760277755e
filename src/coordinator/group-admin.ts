/**
 * DescribeGroups, ListGroups and DeleteGroups over the coordinator's groups (Kafka's semantics):
 * an unknown group is described as Dead with no members (not an error); member metadata and
 * assignments are shown only while the group is Stable; only an Empty group can be deleted
 * (NON_EMPTY_GROUP otherwise, GROUP_ID_NOT_FOUND when there is none), and deleting it removes
 * its committed offsets too.
 */
import type { Logger } from 'pino';
import { ErrorCode } from '../../protocol/index.js';
import type { GroupState } from './group.js';
import type { GroupStore } from './group-store.js';

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocolType: string;
  /** The chosen protocol while Stable, else ''. */
  protocolName: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

/** Only the classic protocol exists here; KIP-848 "consumer" groups are never listed. */
export const CLASSIC_GROUP_TYPE = 'classic';

export class GroupAdmin {
  constructor(private readonly store: GroupStore, private readonly logger: Logger) {}

  describe(groupId: string): GroupDescription {
    const group = this.store.get(groupId);
    if (!group) return { groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] };
    const stable = group.is('Stable') && group.protocolName !== null;
    const empty = Buffer.alloc(0);
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? group.protocolName! : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(group.protocolName!) : empty,
        assignment: stable ? m.assignment : empty,
      })),
    };
  }

  /** States and types compare case-insensitively; an empty filter matches everything. */
  list(statesFilter: string[] = [], typesFilter: string[] = []): ListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((t) => t.toLowerCase()));
    if (types.size > 0 && !types.has(CLASSIC_GROUP_TYPE)) return [];
    return [...this.store.groups.values()]
      .filter((g) => !g.is('Dead') && (states.size === 0 || states.has(g.state.toLowerCase())))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  deleteGroup(groupId: string): number {
    const group = this.store.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    try {
      this.store.remove(group);
    } catch (err) {
      this.logger.error({ err, group: groupId }, 'could not delete group');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    this.logger.info({ group: groupId }, 'group deleted');
    return ErrorCode.NONE;
  }
}
