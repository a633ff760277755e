/**
 * Kafka's own kafka-transactions tool (TransactionsCommand from the real-Kafka jars, Java
 * AdminClient) against Brooklet: list, describe, describe-producers and find-hanging on a
 * transaction kafkajs holds open, then list again once it committed.
 * Needs the jars (scripts/install-peers.sh): skips without them, fails without them when CI=true.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { requireKafkaTools, runKafkaTool } from '../../helpers/kafka-tools.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

const haveJars = requireKafkaTools();
const transactionsTool = (bootstrap: string, args: string[]) =>
  runKafkaTool('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', bootstrap, ...args]);

/** The rows of the table the tool printed, as column arrays, header dropped. */
function rows(output: string): string[][] {
  return output.trim().split('\n').slice(1).map((l) => l.trim().split(/\s{2,}|\t/));
}

describe.skipIf(!haveJars)('kafka-transactions against Brooklet', () => {
  let broker: Broker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'tool', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'tooled-txn', numPartitions: 2 }] });
    await admin.disconnect();
  });
  afterAll(async () => broker?.close());

  it('lists, describes and finds the producers of an open transaction; lists it complete after the commit', async () => {
    const producer = kafka.producer({ transactionalId: 'tool-txn', maxInFlightRequests: 1, idempotent: true, transactionTimeout: 30_000 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: 'tooled-txn', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }] });

    const listed = rows(await transactionsTool(broker.bootstrap, ['list']));
    const mine = listed.find((r) => r[0] === 'tool-txn');
    expect(mine).toBeDefined();
    expect(mine!.slice(-1)).toEqual(['Ongoing']);
    const producerId = mine![2];

    const described = await transactionsTool(broker.bootstrap, ['describe', '--transactional-id', 'tool-txn']);
    expect(described).toMatch(/Ongoing/);
    expect(described).toMatch(/30000/);
    expect(described).toMatch(/tooled-txn-0/);
    expect(described).toMatch(/tooled-txn-1/);

    const producers = rows(await transactionsTool(broker.bootstrap, ['describe-producers', '--topic', 'tooled-txn', '--partition', '1']));
    const row = producers.find((r) => r[0] === producerId);
    expect(row).toBeDefined();
    expect(row).toContain('0'); // the open transaction's start offset (and its last sequence)

    const hanging = await transactionsTool(broker.bootstrap, ['find-hanging', '--broker-id', String(broker.nodeId ?? 1)]);
    expect(hanging).not.toMatch(/tool-txn/); // open, but within its timeout and known to the coordinator

    await txn.commit();
    await producer.disconnect();
    const after = rows(await transactionsTool(broker.bootstrap, ['list'])).find((r) => r[0] === 'tool-txn');
    expect(after!.slice(-1)).toEqual(['CompleteCommit']);
  });
});
