/**
 * The consumer-group scenario of test/integration/groups-rebalance.test.ts, run with a client
 * peer's `group-consume` (subscribe) instead of kafkajs: three peer consumers share a
 * 6-partition topic while kafkajs produces into it; one leaves mid-stream (stdin closed: it
 * commits and sends LeaveGroup), another joins, and the broker restarts once (same data
 * directory, same port). Every record is processed at least once; a record is processed again
 * only at or above the partition's highest acknowledged commit when it was processed again
 * (peers stamp every line with the wall clock, so lines of several processes can be ordered);
 * and the group settles Stable with each partition owned by exactly one of the three remaining
 * members, as kafkajs's describeGroups sees it.
 *
 * Against real Kafka (BROOKLET_COMPAT_AGAINST_KAFKA=1) the restart step is left out: the Kafka
 * harness has no restart. A missing peer fails with CI=true and otherwise skips with one line.
 */
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startRealKafka } from '../harness/kafka.js';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { startPeer, type Peer, type RunningPeer } from './peers.js';
import { againstRealKafka, createTopic } from './target-broker.js';

const PARTITIONS = 6;
const CHUNKS = 40;
const PER_CHUNK = 250;
const TOTAL = CHUNKS * PER_CHUNK;
const LEAVE_AT = 10;
const JOIN_AT = 18;
const RESTART_AT = 28;

export interface GroupCase {
  name: string;
  /** Extra group-consume flags, e.g. the assignor. */
  args: string[];
}

interface Line {
  type: 'record' | 'commit' | 'assigned' | 'revoked';
  partition: number;
  offset: number;
  value: string;
  partitions: number[];
  ts: number;
}

export function defineGroupScenario(peer: Peer, cases: GroupCase[]): void {
  const missing = peer.missing();
  const mustRun = process.env.CI === 'true';
  if (missing && !mustRun) console.warn(`skipping ${peer.name} group tests: ${missing}`);
  const target = againstRealKafka ? 'real Apache Kafka' : 'Brooklet';

  describe.skipIf(missing !== null && !mustRun)(`${peer.name} consumer groups against ${target}`, () => {
    for (const c of cases) {
      const steps = againstRealKafka ? 'leave and join' : 'leave, join and a broker restart';
      it(`${c.name}: three consumers through ${steps} process every record `
        + 'and settle with each partition owned once', async () => {
        if (missing) throw new Error(`${peer.name} is required when CI=true: ${missing}`);
        await runScenario(peer, c);
      }, 150_000);
    }
  });
}

interface Target {
  bootstrap: string;
  /** null where the broker cannot be restarted (real Kafka through the harness). */
  restart: (() => Promise<void>) | null;
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  if (againstRealKafka) {
    const kafka = await startRealKafka();
    return { bootstrap: kafka.bootstrap, restart: null, close: () => kafka.close() };
  }
  const dataDir = tempDataDir('brooklet-compat-groups-');
  let broker = await startTestBroker({ dataDir });
  const port = broker.port;
  return {
    bootstrap: broker.bootstrap,
    restart: async () => {
      await broker.close();
      broker = await startTestBroker({ dataDir, port });
    },
    close: () => broker.close(),
  };
}

function kafkaFor(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, detail = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runScenario(peer: Peer, c: GroupCase): Promise<void> {
  const broker = await startTarget();
  onTestFinished(() => broker.close());
  const topic = `groups-${c.name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}`;
  const group = `${topic}-group`;
  await createTopic(broker.bootstrap, topic, PARTITIONS);

  const consumers = new Map<string, RunningPeer>();
  const owned = new Map<string, Set<number>>();
  onTestFinished(() => { for (const p of consumers.values()) p.kill(); });
  const start = (name: string) => {
    const mine = new Set<number>();
    owned.set(name, mine);
    consumers.set(name, startPeer(peer, ['group-consume', '--bootstrap', broker.bootstrap, '--topic', topic,
      '--group', group, '--client-id', name, ...c.args], (raw) => {
      const line = raw as unknown as Line;
      if (line.type === 'assigned') for (const p of line.partitions) mine.add(p);
      if (line.type === 'revoked') for (const p of line.partitions) mine.delete(p);
    }));
  };
  const diagnose = () => [...consumers].map(([n, p]) => `\n--- ${n} (${p.lines.length} lines) stderr:\n`
    + p.stderr().trim().split('\n').slice(-15).join('\n')).join('');
  const everyLine = (): (Line & { who: string })[] => [...consumers].flatMap(([who, p]) => p.lines.map((l) => ({ ...(l as unknown as Line), who })));
  const stopped: (Line & { who: string })[] = [];

  for (const name of ['c1', 'c2', 'c3']) start(name);
  const live = () => [...owned].filter(([n]) => consumers.has(n)).map(([, s]) => s);
  const balanced = () => {
    const sets = live();
    return sets.every((s) => s.size > 0) && sets.reduce((n, s) => n + s.size, 0) === PARTITIONS
      && new Set(sets.flatMap((s) => [...s])).size === PARTITIONS;
  };
  await waitFor('the three consumers to share the partitions', balanced, 60_000, diagnose);

  const producer = kafkaFor(broker.bootstrap, 'producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const messages = Array.from({ length: PER_CHUNK }, (_, i) => {
      const value = chunk * PER_CHUNK + i;
      return { partition: value % PARTITIONS, value: String(value) };
    });
    await producer.send({ topic, acks: -1, messages });
    if (chunk === LEAVE_AT) {
      const leaving = consumers.get('c2')!;
      expect(await leaving.stop(), `c2 exit${diagnose()}`).toBe(0);
      stopped.push(...leaving.lines.map((l) => ({ ...(l as unknown as Line), who: 'c2' })));
      consumers.delete('c2');
    }
    if (chunk === JOIN_AT) start('c4');
    if (chunk === RESTART_AT && broker.restart) await broker.restart();
    await new Promise((r) => setTimeout(r, 100));
  }
  await producer.disconnect();

  const records = () => [...stopped, ...everyLine()].filter((l) => l.type === 'record');
  const distinct = () => new Set(records().map((l) => l.value)).size;
  await waitFor('every record processed', () => distinct() === TOTAL, 90_000,
    () => ` (${distinct()} of ${TOTAL})${diagnose()}`);

  // Settled: Stable, the three live consumers, each partition assigned exactly once.
  const admin = kafkaFor(broker.bootstrap, 'observer').admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());
  let owners: number[] = [];
  let seen = '';
  await waitFor('the group to settle', async () => {
    const g = (await admin.describeGroups([group])).groups[0]!;
    owners = g.members.flatMap((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []);
    seen = `${g.state}, members ${g.members.map((m) => m.clientId).join(',')}, owners ${owners.join(',')}`;
    return g.state === 'Stable' && g.members.length === 3
      && [...new Set(g.members.map((m) => m.clientId))].sort().join() === 'c1,c3,c4'
      && owners.length === PARTITIONS && new Set(owners).size === PARTITIONS;
  }, 60_000, () => ` (last seen: ${seen})${diagnose()}`);
  expect(owners.sort()).toEqual([0, 1, 2, 3, 4, 5]);

  for (const [name, p] of consumers) expect(await p.stop(), `${name} exit${diagnose()}`).toBe(0);

  // At least once, and again only what had not been committed when it was processed again. A
  // record stamped in the same millisecond as a commit counts as processed before it.
  const ordered = [...stopped, ...everyLine()].filter((l) => l.type === 'record' || l.type === 'commit')
    .sort((a, b) => a.ts - b.ts || (a.type === 'record' ? -1 : 1) - (b.type === 'record' ? -1 : 1));
  const committed = new Map<number, number>();
  const seenValues = new Set<string>();
  const violations: string[] = [];
  let duplicates = 0;
  for (const l of ordered) {
    if (l.type === 'commit') {
      committed.set(l.partition, Math.max(committed.get(l.partition) ?? 0, l.offset));
      continue;
    }
    expect(Number(l.value) % PARTITIONS, `record ${l.value} on partition ${l.partition}`).toBe(l.partition);
    if (seenValues.has(l.value)) {
      duplicates++;
      const then = committed.get(l.partition) ?? 0;
      if (l.offset < then) violations.push(`${l.who} reprocessed ${l.partition}@${l.offset} below commit ${then}`);
    }
    seenValues.add(l.value);
  }
  console.log(`${peer.name} ${c.name}: ${TOTAL} records, ${duplicates} processed again (all above the commit then)`);
  expect(violations.slice(0, 10)).toEqual([]);
  expect(seenValues.size).toBe(TOTAL);
}
