/**
 * Where a config's value comes from, as DescribeConfigs reports it: Kafka's sources and the
 * synonym chain, most specific first (the topic's own value, the broker's dynamic value, the
 * cluster-wide dynamic value, Brooklet's static flag, Kafka's default). The first entry of the
 * chain is the value in force. Observed on Kafka 4.1: a topic config whose broker synonym is
 * log.retention.ms or log.roll.ms ends its chain with the hours config's default, and only when a
 * dynamic value is set; a dynamic broker config Kafka does not know is listed with a null value,
 * read-only, sensitive, of type UNKNOWN (0).
 */
import type { DescribeConfigsResponse } from '../../../protocol/index.js';
import type { DynamicBrokerConfigs } from './broker-configs.js';
import { BROKER_TO_TOPIC, brokerOnlyConfig, TOPIC_TO_BROKER } from './broker-configs.js';
import { TOPIC_CONFIGS, type TopicConfigSpec } from './topic-configs.js';

export type Entry = DescribeConfigsResponse.DescribeConfigsResourceResult;
export type Synonym = { name: string; value: string | null; source: number };

export const SOURCE = { TOPIC: 1, DYNAMIC_BROKER: 2, DYNAMIC_DEFAULT_BROKER: 3, STATIC_BROKER: 4, DEFAULT: 5 } as const;
const UNKNOWN_TYPE = 0;

/** The default that closes a chain whose broker synonym has no default of its own. */
const HOURS_TAIL: Record<string, Synonym> = {
  'log.retention.ms': { name: 'log.retention.hours', value: '168', source: SOURCE.DEFAULT },
  'log.roll.ms': { name: 'log.roll.hours', value: '168', source: SOURCE.DEFAULT },
};

function dynamicChain(brokerName: string, dyn: DynamicBrokerConfigs): Synonym[] {
  const out: Synonym[] = [];
  const b = dyn.get('broker')[brokerName];
  // Kafka 4 in KRaft writes min.insync.replicas as a cluster-wide dynamic default at format time.
  const c = dyn.get('cluster')[brokerName] ?? (brokerName === 'min.insync.replicas' ? '1' : undefined);
  if (b !== undefined) out.push({ name: brokerName, value: b, source: SOURCE.DYNAMIC_BROKER });
  if (c !== undefined) out.push({ name: brokerName, value: c, source: SOURCE.DYNAMIC_DEFAULT_BROKER });
  return out;
}

/**
 * A topic config's chain. `own` is the topic's value; `staticValue` Brooklet's flag where it
 * differs from Kafka's default. Never empty.
 */
export function topicConfigChain(name: string, spec: TopicConfigSpec, own: string | undefined,
  dyn: DynamicBrokerConfigs, staticValue: string | undefined): Synonym[] {
  const chain: Synonym[] = [];
  if (own !== undefined) chain.push({ name, value: own, source: SOURCE.TOPIC });
  const brokerName = TOPIC_TO_BROKER[name];
  const dynamic = brokerName ? dynamicChain(brokerName, dyn) : [];
  chain.push(...dynamic);
  if (staticValue !== undefined && brokerName) chain.push({ name: brokerName, value: staticValue, source: SOURCE.STATIC_BROKER });
  if (spec.synonym !== null) {
    chain.push({ name: spec.synonym, value: spec.value, source: SOURCE.DEFAULT });
  } else if ((dynamic.length > 0 || staticValue !== undefined) && HOURS_TAIL[brokerName!]) {
    chain.push(HOURS_TAIL[brokerName!]!);
  }
  return chain;
}

/** One of the broker's own rows with any dynamic value laid over it. */
export function brokerRow(name: string, value: string | null, readOnly: boolean, source: number, type: number,
  dyn: DynamicBrokerConfigs, includeSynonyms: boolean): Entry {
  const dynamic = dynamicChain(name, dyn);
  if (dynamic.length === 0) {
    const own = value === null ? [] : [{ name, value, source }];
    const tail = source === SOURCE.STATIC_BROKER && HOURS_TAIL[name] ? [HOURS_TAIL[name]!] : [];
    return entry(name, value, readOnly, source, type, includeSynonyms ? [...own, ...tail] : []);
  }
  const tail = value === null ? HOURS_TAIL[name] : { name, value, source };
  const chain = tail ? [...dynamic, tail] : dynamic;
  return entry(name, chain[0]!.value, readOnly, chain[0]!.source, type, includeSynonyms ? chain : []);
}

/** Dynamic broker configs set on `scope` that are not among `listed` (rows the broker reports anyway). */
export function extraDynamicEntries(dyn: DynamicBrokerConfigs, scope: 'broker' | 'cluster', listed: ReadonlySet<string>,
  includeSynonyms: boolean): Entry[] {
  const names = new Set([...Object.keys(dyn.get(scope)), ...Object.keys(dyn.get('cluster'))]);
  return [...names].filter((name) => !listed.has(name)).map((name) => {
    const topic = BROKER_TO_TOPIC[name];
    const spec = topic === undefined ? undefined : TOPIC_CONFIGS[topic];
    const chain = scope === 'broker' ? dynamicChain(name, dyn) : dynamicChain(name, dyn).filter((s) => s.source === SOURCE.DYNAMIC_DEFAULT_BROKER);
    const known = spec ?? brokerOnlyConfig(name);
    if (!known) {
      const hidden = { name, value: null, source: chain[0]!.source };
      return { ...entry(name, null, true, chain[0]!.source, UNKNOWN_TYPE, includeSynonyms ? [hidden] : []), isSensitive: true };
    }
    const defaultValue = spec ? (spec.synonym === name ? spec.value : undefined) : known.value;
    if (scope === 'broker' && defaultValue !== undefined) chain.push({ name, value: defaultValue, source: SOURCE.DEFAULT });
    return entry(name, chain[0]!.value, false, chain[0]!.source, known.type, includeSynonyms ? chain : []);
  });
}

export function entry(name: string, value: string | null, readOnly: boolean, source: number, configType: number,
  synonyms: Synonym[]): Entry {
  return { name, value, readOnly, configSource: source, isSensitive: false, synonyms, configType, documentation: null };
}
