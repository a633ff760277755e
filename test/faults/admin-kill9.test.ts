/**
 * kill -9 while topic configs, dynamic broker configs and partition counts change: a client keeps
 * raising retention.ms on a topic and log.retention.ms on the broker (IncrementalAlterConfigs) and
 * growing the topic one partition at a time (CreatePartitions), a broker process (dist/src/cli.js)
 * is killed at a random moment, restarted on the same data directory, and then: it starts (no torn
 * topics.json or dynamic-broker-configs.json), every acknowledged change is there (each value is
 * at least the last one acknowledged, at most the one in flight), every partition named has its
 * directory and partition.metadata with the topic's id, and the id never changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { DURABILITY, recordFigure, writeFigures } from '../reliability/record.js';
import { spawnBroker } from './crash-harness.js';

const CYCLES = Number(process.env.ADMIN_KILL_CYCLES ?? 8);
const TOPIC = 'altered';

afterAll(() => writeFigures(import.meta.url));

async function state(bootstrap: string) {
  const client = await RawClient.connect(bootstrap);
  try {
    const meta = await client.request(3, 12, { topics: [{ name: TOPIC, topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const topic = await client.request(32, 4, { includeSynonyms: false, includeDocumentation: false, resources: [
      { resourceType: 2, resourceName: TOPIC, configurationKeys: ['retention.ms'] },
      { resourceType: 4, resourceName: '1', configurationKeys: ['log.retention.ms'] }] });
    return {
      partitions: meta.body.topics[0].partitions.length as number,
      topicId: Buffer.from(meta.body.topics[0].topicId).toString('base64url'),
      retention: Number(topic.body.results[0].configs[0].value),
      brokerRetention: Number(topic.body.results[1].configs[0].value ?? 0),
    };
  } finally {
    client.close();
  }
}

it(`keeps every acknowledged config and partition change through ${CYCLES} kill -9s`, async () => {
  const dataDir = tempDataDir('brooklet-admin-kill-');
  let acked = { retention: 0, brokerRetention: 0, partitions: 1 };
  let topicId: string | null = null;
  let changes = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const broker = await spawnBroker(dataDir, 'never', 1 << 20, undefined);
    const client = await RawClient.connect(broker.bootstrap);
    if (cycle === 0) {
      await client.request(19, 7, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [],
        configs: [{ name: 'retention.ms', value: '0' }] }], timeoutMs: 5000, validateOnly: false });
      await client.request(44, 1, { validateOnly: false, resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '0' }] }] });
    }
    const seen = await state(broker.bootstrap);
    expect(seen.retention).toBeGreaterThanOrEqual(acked.retention);
    expect(seen.retention).toBeLessThanOrEqual(acked.retention + 1);
    expect(seen.brokerRetention).toBeGreaterThanOrEqual(acked.brokerRetention);
    expect(seen.brokerRetention).toBeLessThanOrEqual(acked.brokerRetention + 1);
    expect(seen.partitions).toBeGreaterThanOrEqual(acked.partitions);
    expect(seen.partitions).toBeLessThanOrEqual(acked.partitions + 1);
    topicId ??= seen.topicId;
    expect(seen.topicId).toBe(topicId);
    for (let p = 0; p < seen.partitions; p++) {
      expect(fs.readFileSync(path.join(dataDir, `${TOPIC}-${p}`, 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${topicId}\n`);
    }
    acked = { retention: seen.retention, brokerRetention: seen.brokerRetention, partitions: seen.partitions };

    // Change things as fast as the broker answers; kill it at a random moment of that.
    let stop = false;
    const work = (async () => {
      while (!stop) {
        const next = acked.retention + 1;
        const r = await client.request(44, 1, { validateOnly: false, resources: [
          { resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: String(next) }] },
          { resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 0, value: String(acked.brokerRetention + 1) }] }] });
        if (r.body.responses.some((x: any) => x.errorCode !== 0)) throw new Error(JSON.stringify(r.body));
        acked = { ...acked, retention: next, brokerRetention: acked.brokerRetention + 1 };
        changes++;
        if (acked.partitions < 40 && next % 4 === 0) {
          const g = await client.request(37, 3, { topics: [{ name: TOPIC, count: acked.partitions + 1, assignments: null }], timeoutMs: 5000, validateOnly: false });
          if (g.body.results[0].errorCode !== 0) throw new Error(JSON.stringify(g.body));
          acked = { ...acked, partitions: acked.partitions + 1 };
        }
      }
    })().catch(() => { /* the connection dies with the broker */ });
    await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 800)));
    broker.child.kill('SIGKILL');
    stop = true;
    await broker.exited;
    await work;
    client.close();
  }
  const last = await spawnBroker(dataDir, 'never', 1 << 20, undefined);
  const final = await state(last.bootstrap);
  last.child.kill('SIGKILL');
  await last.exited;
  expect(final.retention).toBeGreaterThanOrEqual(acked.retention);
  expect(changes).toBeGreaterThan(CYCLES);
  recordFigure(DURABILITY, 'kill -9 while topic configs, dynamic broker configs and partition counts change', {
    figure: `${CYCLES} kills during ${changes} acknowledged IncrementalAlterConfigs rounds and ${final.partitions - 1} CreatePartitions: `
      + 'every acknowledged change kept, nothing torn, topic id and partition.metadata unchanged',
    command: 'npx vitest run test/faults/admin-kill9.test.ts', cycles: CYCLES, changes,
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 300_000);
