/** What the coordinator answers to JoinGroup and SyncGroup, before any version-specific encoding. */
export interface JoinOutcome {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  /** Every member with its metadata, for the leader only; empty for everyone else. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncOutcome {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

/** Kafka's JoinGroupResult(memberId, error): no generation, no leader, no members. */
export function joinError(memberId: string, errorCode: number): JoinOutcome {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncOutcome {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}
