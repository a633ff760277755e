/**
 * Kafka's own kafka-delete-records tool (DeleteRecordsCommand from the real-Kafka jars, the Java
 * AdminClient) against Brooklet: low watermarks moved per partition, printed as Kafka prints
 * them, and an offset past the high watermark reported as the error Kafka gives.
 * Needs the jars (scripts/install-peers.sh): skips without them, fails without them when CI=true.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { requireKafkaTools, runKafkaTool } from '../helpers/kafka-tools.js';
import { createTopic, kafkaFor, produceNumbered } from './groups-helpers.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
const haveJars = requireKafkaTools();

function offsetFile(partitions: Array<{ topic: string; partition: number; offset: number }>): string {
  const file = path.join(tempDataDir('brooklet-delete-records-'), 'offsets.json');
  fs.writeFileSync(file, JSON.stringify({ partitions, version: 1 }));
  return file;
}

const deleteRecords = (bootstrap: string, file: string) =>
  runKafkaTool('org.apache.kafka.tools.DeleteRecordsCommand', ['--bootstrap-server', bootstrap, '--offset-json-file', file]);

describe.skipIf(!haveJars)('kafka-delete-records against Brooklet', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startTestBroker();
    const kafka = kafkaFor(broker.bootstrap, 'delete-records-tool');
    await createTopic(kafka, 'purged', 2);
    await produceNumbered(kafka, 'purged', 0, 40, 2);
  });
  afterAll(async () => broker?.close());

  it('moves the low watermark of each partition and prints it', async () => {
    const out = await deleteRecords(broker.bootstrap, offsetFile([{ topic: 'purged', partition: 0, offset: 12 }, { topic: 'purged', partition: 1, offset: -1 }]));
    expect(out).toMatch(/partition: purged-0\s+low_watermark: 12/);
    expect(out).toMatch(/partition: purged-1\s+low_watermark: 20/);
    const admin = kafkaFor(broker.bootstrap, 'delete-records-tool').admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('purged');
    await admin.disconnect();
    expect(offsets.map((o) => [o.partition, o.low, o.high]).sort()).toEqual([[0, '12', '20'], [1, '20', '20']]);
  });

  it('reports an offset past the high watermark as Kafka does', async () => {
    const out = await deleteRecords(broker.bootstrap, offsetFile([{ topic: 'purged', partition: 0, offset: 999 }])).catch((err: Error) => err.message);
    expect(out).toMatch(/purged-0\s+error: org\.apache\.kafka\.common\.errors\.OffsetOutOfRangeException/);
  });
});
