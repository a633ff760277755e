/**
 * The broker's dynamic configs (Kafka's `kafka-configs --entity-type brokers --alter`): set per
 * broker (resource name = node id; reported as DYNAMIC_BROKER_CONFIG) or cluster-wide (resource
 * name ''; DYNAMIC_DEFAULT_BROKER_CONFIG), kept across restarts in the data directory, and
 * applied at once: a broker config that stands for a topic config (log.retention.ms for
 * retention.ms, log.cleanup.policy for cleanup.policy, ...) becomes the default of every topic
 * that does not set its own (LogManager.setBrokerOverrides); a per-broker value wins over the
 * cluster-wide one.
 *
 * `<dataDir>/dynamic-broker-configs.json`, replaced atomically (temp file, fsync, rename):
 *   { "version": 1, "broker": { "<name>": "<value>" }, "cluster": { "<name>": "<value>" } }
 *
 * As Kafka: a config that cannot change at run time (node.id, log.dirs, listeners, num.partitions,
 * ...) is INVALID_REQUEST "Cannot update these configs dynamically: Set(<name>)"; a bad value for
 * a known config is INVALID_REQUEST with ConfigDef's message; a name Kafka does not know is stored
 * as given (Kafka keeps custom broker configs too).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../storage/atomic-file.js';
import { validateValue, type Validator } from './config-values.js';
import { CONFIG_TYPE, TOPIC_CONFIGS } from './topic-configs.js';

export type BrokerScope = 'broker' | 'cluster';
export const DYNAMIC_BROKER_FILE = 'dynamic-broker-configs.json';

/** Broker configs Kafka refuses to change at run time (the ones Brooklet reports). */
const STATIC_ONLY = new Set([
  'node.id', 'broker.id', 'process.roles', 'advertised.listeners', 'log.dirs', 'log.dir', 'num.partitions',
  'auto.create.topics.enable', 'default.replication.factor', 'delete.topic.enable', 'socket.request.max.bytes',
  'connections.max.idle.ms', 'log.roll.hours', 'log.retention.hours', 'log.retention.minutes', 'offsets.topic.replication.factor',
  'offsets.topic.num.partitions', 'group.initial.rebalance.delay.ms', 'group.min.session.timeout.ms',
  'group.max.session.timeout.ms', 'controller.quorum.voters', 'controller.listener.names', 'listeners',
]);

/** Broker configs that stand for a topic config whose Kafka synonym has another name or none. */
const EXTRA_SYNONYMS: Record<string, string> = {
  'log.retention.ms': 'retention.ms',
  'log.roll.ms': 'segment.ms',
  'log.roll.jitter.ms': 'segment.jitter.ms',
  'log.flush.interval.ms': 'flush.ms',
};

/** Broker config name -> the topic config it is the default of. */
export const BROKER_TO_TOPIC: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(TOPIC_CONFIGS).filter(([, s]) => s.synonym !== null).map(([t, s]) => [s.synonym!, t])),
  ...EXTRA_SYNONYMS,
};

/** Topic config name -> the broker config that sets its default dynamically. */
export const TOPIC_TO_BROKER: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(BROKER_TO_TOPIC).map(([b, t]) => [t, b]));

/** Broker-only dynamic configs Brooklet validates (the cleaner's settings), with Kafka's type and default. */
const BROKER_ONLY: Record<string, { check: Validator; type: number; value: string }> = {
  'log.cleaner.threads': { check: { kind: 'int', min: 0 }, type: CONFIG_TYPE.INT, value: '1' },
  'log.cleaner.io.max.bytes.per.second': { check: { kind: 'double' }, type: CONFIG_TYPE.DOUBLE, value: '1.7976931348623157E308' },
  'log.cleaner.dedupe.buffer.size': { check: { kind: 'long' }, type: CONFIG_TYPE.LONG, value: '134217728' },
  'log.cleaner.io.buffer.size': { check: { kind: 'int', min: 0 }, type: CONFIG_TYPE.INT, value: '524288' },
  'log.cleaner.io.buffer.load.factor': { check: { kind: 'double' }, type: CONFIG_TYPE.DOUBLE, value: '0.9' },
  'log.cleaner.backoff.ms': { check: { kind: 'long', min: 0 }, type: CONFIG_TYPE.LONG, value: '15000' },
};

/** A broker-only config Brooklet knows (type and default), or undefined. */
export function brokerOnlyConfig(name: string): { type: number; value: string } | undefined {
  return BROKER_ONLY[name];
}

/** Kafka's message for a bad broker config value, or null when it may be set. */
export function brokerConfigProblem(name: string, value: string): string | null {
  if (STATIC_ONLY.has(name)) return `Cannot update these configs dynamically: Set(${name})`;
  // Kafka's broker log.retention.ms takes any long (a negative one means "forever", as -1 does).
  if (name === 'log.retention.ms') return validateValue(name, value, { kind: 'long' });
  const topic = BROKER_TO_TOPIC[name];
  if (topic !== undefined) return validateValue(name, value, TOPIC_CONFIGS[topic]!.check);
  const check = BROKER_ONLY[name];
  return check ? validateValue(name, value, check.check) : null;
}

interface Stored {
  version: 1;
  broker: Record<string, string>;
  cluster: Record<string, string>;
}

export class DynamicBrokerConfigs {
  private state: Stored;

  private constructor(private readonly file: string, state: Stored) {
    this.state = state;
  }

  static load(dataDir: string): DynamicBrokerConfigs {
    const file = path.join(dataDir, DYNAMIC_BROKER_FILE);
    if (!fs.existsSync(file)) return new DynamicBrokerConfigs(file, { version: 1, broker: {}, cluster: {} });
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Stored;
    if (stored.version !== 1) throw new Error(`${file}: unsupported version ${String(stored.version)}`);
    return new DynamicBrokerConfigs(file, { version: 1, broker: { ...stored.broker }, cluster: { ...stored.cluster } });
  }

  get(scope: BrokerScope): Readonly<Record<string, string>> {
    return this.state[scope];
  }

  /** Replaces one scope's configs durably. */
  set(scope: BrokerScope, configs: Record<string, string>): void {
    const next: Stored = { ...this.state, [scope]: { ...configs } };
    writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n');
    this.state = next;
  }

  /** The topic defaults these set (per-broker values over cluster-wide ones), by topic config name. */
  topicOverrides(scopes: Partial<Record<BrokerScope, Record<string, string>>> = {}): Record<string, string> {
    const out: Record<string, string> = {};
    for (const scope of ['cluster', 'broker'] as const) {
      for (const [name, value] of Object.entries(scopes[scope] ?? this.state[scope])) {
        const topic = BROKER_TO_TOPIC[name];
        if (topic === 'retention.ms' && Number(value) < -1) out[topic] = '-1';
        else if (topic !== undefined) out[topic] = value;
      }
    }
    return out;
  }
}
