/**
 * Static membership (group.instance.id, KIP-345): a restarted instance takes its place back
 * without a rebalance, and the member id it had before (or a duplicate's) is fenced.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { Harness, withHarnessPerTest } from './harness.js';

describe('static membership', () => {
  let h: Harness;
  withHarnessPerTest((next) => (h = next));

  /** Two static members, i1 (leader) and i2, Stable at generation 2. */
  async function stableTwo() {
    const a = await h.joinAndSync('g', { groupInstanceId: 'i1' });
    const b = h.join({ groupInstanceId: 'i2' });
    const aAgain = h.join({ memberId: a.memberId, groupInstanceId: 'i1' });
    const gen = aAgain.result!.generationId;
    h.sync({ memberId: a.memberId, groupInstanceId: 'i1', generationId: gen, assignments: [
      { memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: b.result!.memberId, assignment: Buffer.from('B') },
    ] });
    expect(h.state()).toBe('Stable');
    return { a: a.memberId, b: b.result!.memberId, gen };
  }

  it('a restarted instance rejoins the Stable group at once, same generation, and keeps its assignment', async () => {
    const { a, b, gen } = await stableTwo();
    const rejoin = h.join({ groupInstanceId: 'i2', requireKnownMemberId: true });
    expect(rejoin.result).toMatchObject({ errorCode: 0, generationId: gen, leaderId: a, members: [] });
    const newB = rejoin.result!.memberId;
    expect(newB).not.toBe(b);
    expect(newB.startsWith('i2-')).toBe(true);
    expect(h.state()).toBe('Stable');
    const synced = h.sync({ memberId: newB, groupInstanceId: 'i2', generationId: gen });
    expect(synced.result).toMatchObject({ errorCode: 0, assignment: Buffer.from('B') });
    expect(h.heartbeat(newB, gen, 'i2')).toBe(ErrorCode.NONE);
    expect(h.heartbeat(a, gen, 'i1')).toBe(ErrorCode.NONE);
  });

  it('the replaced member id is fenced everywhere', async () => {
    const { b, gen } = await stableTwo();
    h.join({ groupInstanceId: 'i2' });
    expect(h.heartbeat(b, gen, 'i2')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.sync({ memberId: b, groupInstanceId: 'i2', generationId: gen }).result!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.join({ memberId: b, groupInstanceId: 'i2' }).result!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.coordinator.offsets.commit({ groupId: 'g', generationId: gen, memberId: b, groupInstanceId: 'i2', retentionTimeMs: -1,
      entries: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] })).toEqual([ErrorCode.FENCED_INSTANCE_ID]);
    expect(h.heartbeat(b, gen, 'unknown-instance')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a restarted leader is not told it leads (no assignment a Stable group would never hand out)', async () => {
    const { a, gen } = await stableTwo();
    const rejoin = h.join({ groupInstanceId: 'i1' });
    expect(rejoin.result).toMatchObject({ errorCode: 0, generationId: gen, leaderId: a });
    expect(rejoin.result!.memberId).not.toBe(a);
  });

  it('a static rejoin with protocols the group cannot use is refused; new metadata for the same protocol needs no rebalance', async () => {
    await stableTwo();
    const rejoin = h.join({ groupInstanceId: 'i2', protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] });
    expect(rejoin.result?.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL); // no protocol in common with i1
    const both = h.join({ groupInstanceId: 'i2', protocols: [
      { name: 'roundrobin', metadata: Buffer.alloc(0) }, { name: 'range', metadata: Buffer.from('changed') },
    ] });
    expect(both.result).toMatchObject({ errorCode: 0 }); // range still chosen: no rebalance
    expect(h.state()).toBe('Stable');
  });

  it('a static rejoin that changes the chosen protocol rebalances', async () => {
    const p = (name: string) => ({ name, metadata: Buffer.from(name) });
    const a = await h.joinAndSync('g', { groupInstanceId: 'i1', protocols: [p('range'), p('roundrobin')] });
    const b = h.join({ groupInstanceId: 'i2', protocols: [p('roundrobin'), p('range')] });
    const aAgain = h.join({ memberId: a.memberId, groupInstanceId: 'i1', protocols: [p('range'), p('roundrobin')] });
    expect(aAgain.result!.protocolName).toBe('range'); // one vote each: the first candidate wins
    h.sync({ memberId: a.memberId, groupInstanceId: 'i1', generationId: aAgain.result!.generationId });
    h.sync({ memberId: b.result!.memberId, groupInstanceId: 'i2', generationId: aAgain.result!.generationId });
    const rejoin = h.join({ groupInstanceId: 'i2', protocols: [p('roundrobin')] });
    expect(rejoin.result).toBeUndefined(); // roundrobin is now the only common protocol: a rebalance
    expect(h.state()).toBe('PreparingRebalance');
    const aThird = h.join({ memberId: a.memberId, groupInstanceId: 'i1', protocols: [p('range'), p('roundrobin')] });
    expect(aThird.result).toMatchObject({ errorCode: 0, protocolName: 'roundrobin' });
    expect(rejoin.result).toMatchObject({ errorCode: 0, protocolName: 'roundrobin' });
  });

  it('an instance replaced while its JoinGroup waits gets FENCED_INSTANCE_ID for it', async () => {
    const { a, b } = await stableTwo();
    const waiting = h.join({ memberId: b, groupInstanceId: 'i2', protocols: [{ name: 'range', metadata: Buffer.from('new') }] });
    expect(h.state()).toBe('PreparingRebalance');
    expect(waiting.result).toBeUndefined();
    const duplicate = h.join({ groupInstanceId: 'i2' });
    expect(waiting.result!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(duplicate.result).toBeUndefined(); // waits for i1 in the rebalance
    const aAgain = h.join({ memberId: a, groupInstanceId: 'i1' });
    expect(aAgain.result!.errorCode).toBe(0);
    expect(duplicate.result).toMatchObject({ errorCode: 0, generationId: aAgain.result!.generationId });
  });
});
