/**
 * Kafka's own kafka-consumer-groups tool (ConsumerGroupCommand from the real-Kafka jars, Java
 * AdminClient at the newest versions Brooklet advertises) against Brooklet: --list, --describe,
 * --reset-offsets --execute, --delete-offsets and --delete on a group kafkajs consumed with.
 * Needs the jars (scripts/install-peers.sh): skips without them, fails without them when CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { requireKafkaTools, runKafkaTool } from '../helpers/kafka-tools.js';
import { createTopic, FAST_GROUP, kafkaFor, produceNumbered, waitFor } from './groups-helpers.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

const haveJars = requireKafkaTools();

/** Runs kafka-consumer-groups with `args`; resolves with its stdout (stderr on failure). */
const consumerGroups = (bootstrap: string, args: string[]) =>
  runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ['--bootstrap-server', bootstrap, ...args]);

/** The data rows of a table the tool printed: whitespace-separated columns, header dropped. */
function rows(output: string, firstColumn: string): string[][] {
  return output.split('\n').map((l) => l.trim().split(/\s+/)).filter((cols) => cols[0] === firstColumn);
}

describe.skipIf(!haveJars)('kafka-consumer-groups against Brooklet', () => {
  let broker: Broker;

  beforeAll(async () => {
    broker = await startTestBroker();
    const kafka = kafkaFor(broker.bootstrap, 'tools');
    await createTopic(kafka, 'tooled', 2);
    await produceNumbered(kafka, 'tooled', 0, 60, 2);
    let seen = 0;
    const consumer = kafka.consumer({ groupId: 'tool-group', ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: 'tooled', fromBeginning: true });
    await consumer.run({ eachMessage: async () => { seen++; } });
    await waitFor('every record', () => seen === 60);
    await consumer.disconnect();
  });
  afterAll(async () => broker?.close());

  it('lists, describes, resets offsets, deletes offsets and deletes the group', async () => {
    expect(await consumerGroups(broker.bootstrap, ['--list'])).toMatch(/^tool-group$/m);

    const described = await consumerGroups(broker.bootstrap, ['--describe', '--group', 'tool-group']);
    expect(rows(described, 'tool-group').map((c) => c.slice(1, 5)).sort()).toEqual([
      ['tooled', '0', '30', '30'], ['tooled', '1', '30', '30'],
    ]);

    const reset = await consumerGroups(broker.bootstrap, ['--reset-offsets', '--group', 'tool-group', '--topic', 'tooled', '--to-offset', '7', '--execute']);
    expect(rows(reset, 'tool-group').map((c) => c.slice(1)).sort()).toEqual([['tooled', '0', '7'], ['tooled', '1', '7']]);
    const after = await consumerGroups(broker.bootstrap, ['--describe', '--group', 'tool-group']);
    expect(rows(after, 'tool-group').map((c) => c[3])).toEqual(['7', '7']);

    const deletedOffsets = await consumerGroups(broker.bootstrap, ['--delete-offsets', '--group', 'tool-group', '--topic', 'tooled:0']);
    expect(deletedOffsets).toMatch(/tooled\s+0\s+Successful/);

    expect(await consumerGroups(broker.bootstrap, ['--delete', '--group', 'tool-group'])).toMatch(/successful/);
    expect(await consumerGroups(broker.bootstrap, ['--list'])).not.toMatch(/tool-group/);
  });
});
