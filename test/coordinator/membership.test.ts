/**
 * The classic group state machine through the coordinator's own API (no sockets), on fake
 * timers: joins, protocol choice, rebalances that wait for known members, sync, heartbeats,
 * session and sync expiry, leaving, and the error codes where Kafka returns them.
 */
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { Harness, REBALANCE_MS, SESSION_MS, withHarnessPerTest } from './harness.js';

const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

describe('group membership', () => {
  let h: Harness;
  withHarnessPerTest((next) => (h = next));

  it('v4 join: MEMBER_ID_REQUIRED with an id, then a generation with this member as leader', async () => {
    const first = h.join({ requireKnownMemberId: true, clientId: 'app' });
    expect(first.result).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1 });
    const memberId = first.result!.memberId;
    expect(memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(h.state()).toBe('Empty');

    const second = h.join({ requireKnownMemberId: true, memberId });
    await tick();
    expect(second.result).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leaderId: memberId, memberId });
    expect(second.result!.members).toEqual([{ memberId, groupInstanceId: null, metadata: Buffer.from('m') }]);
    expect(h.state()).toBe('CompletingRebalance');
  });

  it('a rejoin with an id the group does not know is UNKNOWN_MEMBER_ID; an empty group id INVALID_GROUP_ID', () => {
    expect(h.join({ memberId: 'ghost' }).result!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.join({ groupId: '' }).result!.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(h.join({ sessionTimeoutMs: 10 }).result!.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(h.coordinator.admin.list()).toEqual([]);
  });

  it('chooses the protocol every member supports by vote, and refuses a member with none in common', async () => {
    const p = (name: string) => ({ name, metadata: Buffer.from(name) });
    const a = await h.joinAndSync('g', { protocols: [p('range'), p('roundrobin'), p('sticky')] });
    const b = h.join({ protocols: [p('roundrobin'), p('range')] });
    const c = h.join({ protocols: [p('roundrobin'), p('sticky'), p('range')] });
    const again = h.join({ memberId: a.memberId, protocols: [p('range'), p('roundrobin'), p('sticky')] });
    await tick();
    // Candidates: range and roundrobin (sticky is not common); votes: range 1, roundrobin 2.
    expect(again.result).toMatchObject({ errorCode: 0, generationId: 2, protocolName: 'roundrobin' });
    expect(b.result!.protocolName).toBe('roundrobin');
    expect(c.result!.members).toEqual([]); // only the leader gets the members

    expect(h.join({ protocols: [p('sticky')] }).result!.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.join({ protocolType: 'connect', protocols: [p('range')] }).result!.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('a rebalance waits for every known member, then drops the ones that missed the rebalance timeout', async () => {
    const a = await h.joinAndSync();
    const b = h.join({});
    await tick();
    expect(b.result).toBeUndefined(); // waits for a, which must rejoin
    expect(h.state()).toBe('PreparingRebalance');
    expect(h.heartbeat(a.memberId, a.generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    // a keeps heartbeating (so its session does not end it) but never rejoins.
    for (let t = 0; t < REBALANCE_MS - 1000; t += 1000) {
      await tick(1000);
      expect(h.heartbeat(a.memberId, a.generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await tick(999);
    expect(b.result).toBeUndefined();
    await tick(1);
    expect(b.result).toMatchObject({ errorCode: 0, generationId: 2 });
    expect(b.result!.leaderId).toBe(b.result!.memberId); // the leader that did not rejoin is gone
    expect(h.coordinator.admin.describe('g').members.map((m) => m.memberId)).toEqual([b.result!.memberId]);
    expect(h.heartbeat(a.memberId, a.generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('completes as soon as every member rejoined; followers wait in SyncGroup for the leader', async () => {
    const a = await h.joinAndSync();
    const b = h.join({});
    const aAgain = h.join({ memberId: a.memberId });
    expect(aAgain.result).toMatchObject({ errorCode: 0, generationId: 2, leaderId: a.memberId });
    const bId = b.result!.memberId;
    expect(aAgain.result!.members.map((m) => m.memberId).sort()).toEqual([a.memberId, bId].sort());

    const bSync = h.sync({ memberId: bId, generationId: 2 });
    expect(bSync.result).toBeUndefined();
    expect(h.sync({ memberId: bId, generationId: 1 }).result!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(h.sync({ memberId: 'nobody', generationId: 2 }).result!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const aSync = h.sync({ memberId: a.memberId, generationId: 2, assignments: [
      { memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: bId, assignment: Buffer.from('B') },
    ] });
    expect(aSync.result).toMatchObject({ errorCode: 0, assignment: Buffer.from('A') });
    expect(bSync.result).toMatchObject({ errorCode: 0, assignment: Buffer.from('B') });
    expect(h.state()).toBe('Stable');
    expect(h.heartbeat(bId, 2)).toBe(ErrorCode.NONE);
    expect(h.heartbeat(bId, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    const described = h.coordinator.admin.describe('g');
    expect(described).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocolName: 'range' });
    expect(described.members.find((m) => m.memberId === bId)!.assignment).toEqual(Buffer.from('B'));
  });

  it('a follower waiting in SyncGroup gets REBALANCE_IN_PROGRESS when a new rebalance starts', async () => {
    const a = await h.joinAndSync();
    const b = h.join({});
    h.join({ memberId: a.memberId });
    const bSync = h.sync({ memberId: b.result!.memberId, generationId: 2 });
    h.join({}); // a third member arrives before the leader synced
    expect(bSync.result!.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(h.state()).toBe('PreparingRebalance');
  });

  it('heartbeats keep a member alive for any length of time; silence expires it after the session timeout', async () => {
    const a = await h.joinAndSync();
    const b = h.join({});
    h.join({ memberId: a.memberId });
    const bId = b.result!.memberId;
    h.sync({ memberId: a.memberId, generationId: 2 });
    h.sync({ memberId: bId, generationId: 2 });
    for (let t = 0; t < 60_000; t += SESSION_MS - 1000) {
      await tick(SESSION_MS - 1000);
      expect(h.heartbeat(a.memberId, 2)).toBe(ErrorCode.NONE);
      expect(h.heartbeat(bId, 2)).toBe(ErrorCode.NONE);
    }
    expect(h.state()).toBe('Stable');
    // Now b falls silent: its session ends SESSION_MS after its last heartbeat, not later.
    await tick(SESSION_MS - 1000);
    expect(h.heartbeat(a.memberId, 2)).toBe(ErrorCode.NONE);
    await tick(999);
    expect(h.state()).toBe('Stable');
    await tick(1);
    expect(h.state()).toBe('PreparingRebalance');
    expect(h.heartbeat(a.memberId, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const aAgain = h.join({ memberId: a.memberId });
    expect(aAgain.result).toMatchObject({ errorCode: 0, generationId: 3 });
    expect(aAgain.result!.members.map((m) => m.memberId)).toEqual([a.memberId]);
  });

  it('a member that never sends SyncGroup is removed after the rebalance timeout', async () => {
    const a = await h.joinAndSync();
    const b = h.join({});
    h.join({ memberId: a.memberId });
    h.sync({ memberId: a.memberId, generationId: 2 });
    expect(h.state()).toBe('Stable');
    for (let t = 0; t < REBALANCE_MS - 1000; t += 1000) { // both alive; b just never syncs
      await tick(1000);
      expect(h.heartbeat(a.memberId, 2)).toBe(ErrorCode.NONE);
      expect(h.heartbeat(b.result!.memberId, 2)).toBe(ErrorCode.NONE);
    }
    await tick(1000);
    expect(h.state()).toBe('PreparingRebalance');
    expect(h.heartbeat(b.result!.memberId, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('LeaveGroup removes members (a batch, by member id or instance id) and rebalances the rest', async () => {
    const a = await h.joinAndSync();
    const left = h.coordinator.membership.leave('g', [{ memberId: a.memberId, groupInstanceId: null }, { memberId: 'x', groupInstanceId: null }]);
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(h.state()).toBe('Empty');
    expect(h.coordinator.membership.leave('nope', [{ memberId: 'a', groupInstanceId: null }]))
      .toEqual({ errorCode: 0, members: [{ memberId: 'a', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }] });

    const s = await h.joinAndSync('g', { groupInstanceId: 'instance-1' });
    expect(h.coordinator.membership.leave('g', [{ memberId: 'wrong', groupInstanceId: 'instance-1' }]).members[0]!.errorCode)
      .toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.coordinator.membership.leave('g', [{ memberId: '', groupInstanceId: 'instance-1' }]).members[0]!.errorCode).toBe(0);
    expect(h.heartbeat(s.memberId, s.generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('the initial rebalance delay gathers members that arrive within it', async () => {
    h.close();
    h = new Harness(undefined, { initialRebalanceDelayMs: 3000 });
    const a = h.join({});
    await tick(2000);
    const b = h.join({});
    await tick(3999); // b arrived during the delay: at its end (3 s) the wait starts again
    expect(a.result).toBeUndefined();
    await tick(1);
    expect(a.result).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(b.result).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(a.result!.members).toHaveLength(2);
  });

  it('a pending member that never rejoins stops blocking the rebalance after its session timeout', async () => {
    const a = await h.joinAndSync();
    h.join({ requireKnownMemberId: true }); // MEMBER_ID_REQUIRED, never comes back
    const aAgain = h.join({ memberId: a.memberId });
    expect(aAgain.result).toBeUndefined();
    await tick(SESSION_MS);
    expect(aAgain.result).toMatchObject({ errorCode: 0, generationId: 2 });
  });

  it('close answers waiting JoinGroups with NOT_COORDINATOR and leaves no timer behind', async () => {
    await h.joinAndSync();
    const b = h.join({}); // waits for the first member to rejoin
    const other = h.join({ groupId: 'other' }); // waits for the initial delay timer
    expect(b.result).toBeUndefined();
    expect(other.result).toBeUndefined();
    expect(h.coordinator.store.timers.size).toBeGreaterThan(0);
    h.close();
    expect(b.result!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(other.result!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.coordinator.store.timers.size).toBe(0);
    h = new Harness();
  });
});
