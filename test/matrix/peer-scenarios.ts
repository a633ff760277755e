/**
 * The Java (kafka-clients) and librdkafka (confluent-kafka for Python) peers of test/compat as
 * differential scenarios: the peer produces the record plan with a codec, then consumes it; the
 * records it saw (offsets, keys, values, headers, timestamps relative to the producer's start)
 * are compared between the brokers; and the peer's transactions: what read_committed and
 * read_uncommitted consumers saw, offsets included (markers take offsets between transactions).
 */
import { expect } from 'vitest';
import { consume, produceAndCheck } from '../compat/compat-suite.js';
import type { Peer } from '../compat/peers.js';
import { PARTITIONS as TXN_PARTITIONS, transactionsRoundTrip } from '../compat/transactions-suite.js';
import { createTopic } from '../compat/target-broker.js';
import type { PeerRecord } from '../compat/record-plan.js';
import type { Side } from '../differential/brokers.js';

const COUNT = 60;

export function peerRoundTrip(peer: Peer, label: string, codec: string) {
  return async (side: Side) => {
    const topic = `matrix-${label}-${codec}`;
    await createTopic(side.bootstrap, topic, 3);
    const acked = await produceAndCheck(peer, side.bootstrap, topic, codec, COUNT);
    const consumed = await consume(peer, side.bootstrap, topic, COUNT, []);
    expect(consumed).toEqual(acked);
    return relative(consumed);
  };
}

/** The peer's transactional producer and its consumers in both isolation levels (compat/transactions-suite.ts). */
export function peerTransactions(peer: Peer, label: string) {
  return async (side: Side) => {
    const topic = `matrix-${label}-transactions`;
    await createTopic(side.bootstrap, topic, TXN_PARTITIONS);
    return transactionsRoundTrip(peer, side.bootstrap, topic);
  };
}

/** Timestamps are base + 3i with base the producer's start: keep only the 3i. */
function relative(records: PeerRecord[]): PeerRecord[] {
  const base = Math.min(...records.map((r) => r.timestamp));
  return records.map((r) => ({ ...r, timestamp: r.timestamp - base }));
}
