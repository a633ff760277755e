/**
 * One compat suite, run once per client peer: for each codec, a fresh broker and a fresh
 * 3-partition topic; the peer produces COUNT records (idempotent, acks=all), then consumes
 * them from offset 0; every acknowledged record must come back identical (key, value,
 * headers, timestamp), offsets dense from 0 in every partition, payloads as record-plan.ts says.
 * One more case resumes from an offset inside compressed batches and fetches in pieces smaller
 * than a batch: the broker must still return whole batches (at least one per partition, even
 * when larger than max.partition.fetch.bytes) and the client skips the records before its offset.
 *
 * A peer that is not installed fails the suite when CI=true, and otherwise skips it with one
 * line saying what is missing and how to install it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeer, type Peer, type PeerRun } from './peers.js';
import { byPartitionAndOffset, planIndex, plannedRecord, type PeerRecord } from './record-plan.js';
import { againstRealKafka, createTopic, startTargetBroker, type TargetBroker } from './target-broker.js';

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const PARTITIONS = 3;
const COUNT = 120;
/** The resume case: more records, a start offset inside a batch, a fetch limit under a batch. */
const RESUME = { codec: 'zstd', count: 600, startOffset: 7, maxPartitionFetchBytes: 512 };

export function defineCompatSuite(peer: Peer): void {
  const missing = peer.missing();
  const mustRun = process.env.CI === 'true';
  if (missing && !mustRun) console.warn(`skipping ${peer.name} compat tests: ${missing}`);
  const target = againstRealKafka ? 'real Apache Kafka' : 'Brooklet';

  describe.skipIf(missing !== null && !mustRun)(`${peer.name} against ${target}`, () => {
    // Real Kafka takes seconds to start, so one serves the whole file; Brooklet starts per codec.
    let shared: TargetBroker | undefined;
    beforeAll(async () => {
      if (missing) throw new Error(`${peer.name} is required when CI=true: ${missing}`);
      if (againstRealKafka) shared = await startTargetBroker();
    }, 120_000);
    afterAll(async () => {
      await shared?.close();
    });

    const withBroker = async (body: (bootstrap: string) => Promise<void>) => {
      const broker = shared ?? (await startTargetBroker());
      try {
        await body(broker.bootstrap);
      } finally {
        if (!shared) await broker.close();
      }
    };

    for (const codec of CODECS) {
      it(`round-trips ${COUNT} records compressed with ${codec}`, () => withBroker(async (bootstrap) => {
        const topic = await freshTopic(bootstrap, codec);
        const acked = await produceAndCheck(peer, bootstrap, topic, codec, COUNT);
        const consumed = await consume(peer, bootstrap, topic, COUNT, []);
        expect(consumed).toEqual(acked);
      }), 90_000);
    }

    it(`resumes at offset ${RESUME.startOffset} inside ${RESUME.codec} batches, fetching `
      + `${RESUME.maxPartitionFetchBytes}-byte pieces`, () => withBroker(async (bootstrap) => {
      const topic = await freshTopic(bootstrap, `${RESUME.codec}-resume`);
      const acked = await produceAndCheck(peer, bootstrap, topic, RESUME.codec, RESUME.count);
      const expected = acked.filter((r) => r.offset >= RESUME.startOffset);
      const consumed = await consume(peer, bootstrap, topic, expected.length, [
        '--start-offset', String(RESUME.startOffset),
        '--max-partition-fetch-bytes', String(RESUME.maxPartitionFetchBytes),
      ]);
      expect(consumed).toEqual(expected);
    }), 90_000);
  });
}

async function freshTopic(bootstrap: string, label: string): Promise<string> {
  const topic = `compat-${label}-${Date.now()}`;
  await createTopic(bootstrap, topic, PARTITIONS);
  return topic;
}

/** Runs the peer's produce; returns the acknowledged records sorted, checked against the plan. */
export async function produceAndCheck(peer: Peer, bootstrap: string, topic: string, codec: string,
  count: number): Promise<PeerRecord[]> {
  const produced = await runPeer(peer, ['produce', '--bootstrap', bootstrap, '--topic', topic,
    '--partitions', String(PARTITIONS), '--count', String(count), '--codec', codec]);
  expect(produced.code, explain('produce', produced)).toBe(0);
  const acked = byPartitionAndOffset(produced.records);
  expect(acked.length, explain('produce', produced)).toBe(count);
  checkAgainstPlan(acked, codec);
  return acked;
}

/** Runs the peer's consume for exactly count records; returns them sorted. */
export async function consume(peer: Peer, bootstrap: string, topic: string, count: number,
  extra: string[]): Promise<PeerRecord[]> {
  const consumed = await runPeer(peer, ['consume', '--bootstrap', bootstrap, '--topic', topic,
    '--partitions', String(PARTITIONS), '--count', String(count), '--timeout-ms', '30000', ...extra]);
  expect(consumed.code, explain('consume', consumed)).toBe(0);
  return byPartitionAndOffset(consumed.records);
}

/** Offsets dense from 0 per partition, payloads as planned, one producer-chosen timestamp base. */
function checkAgainstPlan(acked: PeerRecord[], codec: string): void {
  const nextOffset = new Array<number>(PARTITIONS).fill(0);
  const bases = new Set<number>();
  for (const record of acked) {
    expect(record.offset, `partition ${record.partition} offsets`).toBe(nextOffset[record.partition]);
    nextOffset[record.partition]++;
    const i = planIndex(record.partition, record.offset, PARTITIONS);
    expect({ key: record.key, value: record.value, headers: record.headers }, `record ${i}`)
      .toEqual(plannedRecord(i, codec));
    bases.add(record.timestamp - 3 * i);
  }
  expect([...bases], 'every timestamp is base + 3 * i for one base').toHaveLength(1);
}

function explain(step: string, run: PeerRun): string {
  const stderr = run.stderr.trim().split('\n').slice(-40).join('\n');
  return `${step} exited ${run.code} after ${run.records.length} records; stderr:\n${stderr}`;
}
