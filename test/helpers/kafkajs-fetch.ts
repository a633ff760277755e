/**
 * Reads a partition by offset through kafkajs's own Fetch request and record decoder, without a
 * consumer group (groups are a separate capability). Uses kafkajs's Cluster and Broker classes,
 * unchanged, as kafkajs's consumer does internally.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Cluster = require('kafkajs/src/cluster');
const { createLogger, LEVELS } = require('kafkajs/src/loggers');
const LoggerConsole = require('kafkajs/src/loggers/console');
const defaultSocketFactory = require('kafkajs/src/network/socketFactory');

export interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}

export interface PartitionFetch {
  errorCode: number;
  highWatermark: string;
  messages: FetchedMessage[];
}

export class KafkajsFetcher {
  private readonly cluster: any;

  constructor(bootstrap: string) {
    this.cluster = new Cluster({
      brokers: [bootstrap],
      clientId: 'brooklet-test-fetcher',
      logger: createLogger({ level: LEVELS.NOTHING, logCreator: LoggerConsole }),
      retry: { retries: 2 },
      connectionTimeout: 10_000,
      offsets: new Map(),
      socketFactory: defaultSocketFactory(),
    });
  }

  async connect(topic: string): Promise<void> {
    await this.cluster.connect();
    await this.cluster.addTargetTopic(topic);
  }

  async fetch(topic: string, partition: number, offset: number, opts: { maxWaitTime?: number; minBytes?: number; maxBytes?: number } = {}): Promise<PartitionFetch> {
    const broker = await this.cluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(broker)[0];
    const leader = await this.cluster.findBroker({ nodeId });
    const response = await leader.fetch({
      replicaId: -1,
      isolationLevel: 1,
      maxWaitTime: opts.maxWaitTime ?? 0,
      minBytes: opts.minBytes ?? 1,
      maxBytes: opts.maxBytes ?? 10 * 1024 * 1024,
      topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: opts.maxBytes ?? 1024 * 1024 }] }],
    });
    const p = response.responses[0].partitions[0];
    return { errorCode: p.errorCode, highWatermark: p.highWatermark, messages: p.messages };
  }

  /** Every message from `from` up to the high watermark, in offset order. */
  async readAll(topic: string, partition: number, from = 0): Promise<FetchedMessage[]> {
    const out: FetchedMessage[] = [];
    let offset = from;
    for (;;) {
      const page = await this.fetch(topic, partition, offset);
      if (page.errorCode !== 0) throw new Error(`fetch error ${page.errorCode} at ${topic}/${partition}@${offset}`);
      // a batch may start before `offset` (fetch returns whole batches): skip what we already have
      const fresh = page.messages.filter((m) => Number(m.offset) >= offset);
      out.push(...fresh);
      if (fresh.length > 0) offset = Number(fresh[fresh.length - 1]!.offset) + 1;
      if (offset >= Number(page.highWatermark)) return out;
      if (fresh.length === 0) throw new Error(`no progress at ${topic}/${partition}@${offset} (hw ${page.highWatermark})`);
    }
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }
}
