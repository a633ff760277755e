/**
 * Transactions through a client peer (Java kafka-clients, librdkafka): the peer's own
 * transactional producer commits and aborts transactions over a 3-partition topic, then the
 * peer's own consumer reads every partition from offset 0:
 *  - read_committed sees exactly the committed records, in offset order, and nothing aborted
 *    (the last transaction commits, so any aborted record delivered would displace a committed
 *    one from the count the consumer waits for);
 *  - read_uncommitted sees every record sent, aborted ones included.
 * Offsets are those the producer was acknowledged; markers take offsets between transactions,
 * so each partition's offsets are increasing but not dense. Runs against Brooklet, or against
 * real Kafka with BROOKLET_COMPAT_AGAINST_KAFKA=1 (target-broker.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeer, type Peer } from './peers.js';
import type { PeerRecord } from './record-plan.js';
import { againstRealKafka, createTopic, startTargetBroker, type TargetBroker } from './target-broker.js';

export const PARTITIONS = 3;
/** Every third transaction aborted; the last one (the 13th) commits, after the last abort. */
const TRANSACTIONS = 13;
const PER_TRANSACTION = 6;
const ABORT_EVERY = 3;

type Sent = PeerRecord & { committed: boolean };

const view = (r: PeerRecord) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value });
const ordered = <T extends PeerRecord>(records: T[]) => [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);

/**
 * The peer's transactions on `topic` (PARTITIONS partitions, created by the caller), checked as
 * the top of this file says; answers what each isolation level read (the matrix compares it
 * between brokers).
 */
export async function transactionsRoundTrip(peer: Peer, bootstrap: string, topic: string) {
  const produced = await runPeer(peer, ['txn-produce', '--bootstrap', bootstrap, '--topic', topic, '--partitions', String(PARTITIONS),
    '--transactional-id', `${topic}-producer`, '--transactions', String(TRANSACTIONS), '--per-transaction', String(PER_TRANSACTION),
    '--abort-every', String(ABORT_EVERY)], 120_000);
  expect(produced.code, produced.stderr).toBe(0);
  const sent = produced.records as Sent[];
  expect(sent).toHaveLength(TRANSACTIONS * PER_TRANSACTION);
  const committed = ordered(sent.filter((r) => r.committed)).map(view);
  expect(committed).toHaveLength((TRANSACTIONS - Math.floor(TRANSACTIONS / ABORT_EVERY)) * PER_TRANSACTION);

  const consume = (isolation: string, count: number, timeoutMs: number) => runPeer(peer, ['consume', '--bootstrap', bootstrap, '--topic', topic,
    '--partitions', String(PARTITIONS), '--count', String(count), '--timeout-ms', String(timeoutMs), '--isolation-level', isolation], 90_000);
  // Every partition's last transaction commits after the last abort: an aborted record handed
  // out anywhere would take the place of a committed one in this count.
  const readCommitted = await consume('read_committed', committed.length, 60_000);
  expect(readCommitted.code, readCommitted.stderr).toBe(0);
  expect(ordered(readCommitted.records).map(view)).toEqual(committed);

  const readUncommitted = await consume('read_uncommitted', sent.length, 30_000);
  expect(readUncommitted.code, readUncommitted.stderr).toBe(0);
  const everything = ordered(sent).map(view);
  expect(ordered(readUncommitted.records).map(view)).toEqual(everything);
  return { readCommitted: committed, readUncommitted: everything };
}

export function defineTransactionsSuite(peer: Peer): void {
  const missing = peer.missing();
  const mustRun = process.env.CI === 'true';
  if (missing && !mustRun) console.warn(`skipping ${peer.name} transaction tests: ${missing}`);
  const target = againstRealKafka ? 'real Apache Kafka' : 'Brooklet';

  describe.skipIf(missing !== null && !mustRun)(`${peer.name} transactions against ${target}`, () => {
    let broker: TargetBroker | undefined;
    beforeAll(async () => {
      if (missing) throw new Error(`${peer.name} is required when CI=true: ${missing}`);
      broker = await startTargetBroker();
    }, 120_000);
    afterAll(async () => {
      await broker?.close();
    });

    it(`commits and aborts ${TRANSACTIONS} transactions; read_committed sees only the committed records`, async () => {
      const topic = `compat-txn-${Date.now()}`;
      await createTopic(broker!.bootstrap, topic, PARTITIONS);
      await transactionsRoundTrip(peer, broker!.bootstrap, topic);
    }, 240_000);
  });
}
