/**
 * What AlterConfigs (33) and IncrementalAlterConfigs (44) share: checking the resources of one
 * request as Kafka's controller does, applying the operations to a topic's or the broker's
 * configs, validating the result with Kafka's codes and messages, and (unless validate_only)
 * making it durable and effective at once.
 *
 * Resource checks, in Kafka's order: a resource listed twice fails every copy ("Each resource
 * must appear at most once."); an unknown resource type, the default topic (''), another broker's
 * id are INVALID_REQUEST; an unknown topic is UNKNOWN_TOPIC_OR_PARTITION. Topic values that
 * fail are INVALID_CONFIG; broker values that fail are INVALID_REQUEST (as Kafka answers them);
 * a null value to SET is INVALID_REQUEST. An operation code outside 0-3 is UNKNOWN_SERVER_ERROR
 * with no message, which is what Kafka 4.1 answers.
 */
import { ErrorCode } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { brokerConfigProblem, type BrokerScope } from './broker-configs.js';
import { splitList } from './config-values.js';
import { CONFIG_TYPE, TOPIC_CONFIGS, topicConfigProblem, unknownTopicConfig } from './topic-configs.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
export const OP = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

export interface ConfigChange {
  name: string;
  op: number;
  value: string | null;
}

export interface AlterResource {
  resourceType: number;
  resourceName: string;
  changes: ConfigChange[];
}

export interface AlterResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

class Refused extends Error {
  constructor(readonly code: number, message: string | null) {
    super(message ?? '');
  }
}

/** The answer to a request whose handling failed: `errorCode` on every resource. */
export function failedResources(resources: { resourceType: number; resourceName: string }[], errorCode: number) {
  return { throttleTimeMs: 0, responses: resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })) };
}

/** Alters every resource of one request; `replace` is AlterConfigs' whole-set semantics. */
export function alterResources(broker: Broker, resources: AlterResource[], validateOnly: boolean, replace: boolean): AlterResult[] {
  const seen = new Map<string, number>();
  for (const r of resources) seen.set(`${r.resourceType}:${r.resourceName}`, (seen.get(`${r.resourceType}:${r.resourceName}`) ?? 0) + 1);
  return resources.map((r) => {
    const result = { resourceType: r.resourceType, resourceName: r.resourceName };
    try {
      if (seen.get(`${r.resourceType}:${r.resourceName}`)! > 1) throw new Refused(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
      alterOne(broker, r, validateOnly, replace);
      return { ...result, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      return { ...result, errorCode: err.code, errorMessage: err.code === ErrorCode.UNKNOWN_SERVER_ERROR ? null : err.message };
    }
  });
}

function alterOne(broker: Broker, r: AlterResource, validateOnly: boolean, replace: boolean): void {
  if (r.resourceType === RESOURCE_TOPIC) return alterTopic(broker, r, validateOnly, replace);
  if (r.resourceType === RESOURCE_BROKER) return alterBroker(broker, r, validateOnly, replace);
  throw new Refused(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
}

function alterTopic(broker: Broker, r: AlterResource, validateOnly: boolean, replace: boolean): void {
  if (r.resourceName === '') throw new Refused(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
  const topic = broker.logs.getTopic(r.resourceName);
  if (!topic) throw new Refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${r.resourceName}' does not exist.`);
  const next = applyChanges(replace ? {} : topic.configs, r.changes, ErrorCode.INVALID_CONFIG, (name) => {
    const spec = TOPIC_CONFIGS[name];
    if (!spec) throw new Refused(ErrorCode.INVALID_CONFIG, unknownTopicConfig(name));
    return spec;
  });
  for (const [name, value] of Object.entries(next)) {
    if (!TOPIC_CONFIGS[name]) throw new Refused(ErrorCode.INVALID_CONFIG, unknownTopicConfig(name));
    const problem = topicConfigProblem(name, value);
    if (problem) throw new Refused(ErrorCode.INVALID_CONFIG, problem);
  }
  if (validateOnly) return;
  try {
    broker.logs.alterTopicConfigs(r.resourceName, next);
  } catch (err) {
    throw new Refused(ErrorCode.INVALID_CONFIG, (err as Error).message);
  }
  broker.log.info({ topic: r.resourceName, configs: next }, 'topic configs altered');
}

function alterBroker(broker: Broker, r: AlterResource, validateOnly: boolean, replace: boolean): void {
  let scope: BrokerScope;
  if (r.resourceName === '') scope = 'cluster';
  else if (r.resourceName === String(broker.nodeId)) scope = 'broker';
  else throw new Refused(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${broker.nodeId}, but received ${r.resourceName}`);
  const dynamic = broker.dynamicConfigs;
  const next = applyChanges(replace ? {} : dynamic.get(scope), r.changes, ErrorCode.INVALID_REQUEST, () => null);
  for (const [name, value] of Object.entries(next)) {
    const problem = brokerConfigProblem(name, value);
    if (problem) throw new Refused(ErrorCode.INVALID_REQUEST, problem);
  }
  const removesMinIsr = replace ? !('min.insync.replicas' in next)
    : r.changes.some((c) => c.name === 'min.insync.replicas' && c.op === OP.DELETE);
  if (scope === 'cluster' && removesMinIsr) {
    // Kafka 4 keeps a cluster-wide min.insync.replicas while ELR is on (the default) and refuses
    // to drop it, which is what a whole-set AlterConfigs without it does.
    throw new Refused(ErrorCode.INVALID_CONFIG, 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.');
  }
  const overrides = dynamic.topicOverrides({ broker: dynamic.get('broker'), cluster: dynamic.get('cluster'), [scope]: next });
  if (validateOnly) return;
  const before = dynamic.topicOverrides();
  try {
    broker.logs.setBrokerOverrides(overrides);
  } catch (err) {
    throw new Refused(ErrorCode.INVALID_REQUEST, (err as Error).message);
  }
  try {
    dynamic.set(scope, next);
  } catch (err) {
    broker.logs.setBrokerOverrides(before);
    throw err;
  }
  broker.log.info({ scope, configs: next }, 'dynamic broker configs altered');
}

/**
 * The configs after `changes`. `specOf` says whether a name is a LIST (APPEND/SUBTRACT need one)
 * and what its default is; null for names without a known spec (treated as plain strings).
 */
function applyChanges(current: Readonly<Record<string, string>>, changes: ConfigChange[], badValueCode: number,
  specOf: (name: string) => { type: number; value: string } | null): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const c of changes) {
    if (c.op < OP.SET || c.op > OP.SUBTRACT) throw new Refused(ErrorCode.UNKNOWN_SERVER_ERROR, null);
    if (c.op === OP.DELETE) {
      delete next[c.name];
      continue;
    }
    if (c.value === null) throw new Refused(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
    if (c.op === OP.SET) {
      next[c.name] = c.value;
      continue;
    }
    const spec = specOf(c.name);
    if (!spec || spec.type !== CONFIG_TYPE.LIST) {
      throw new Refused(badValueCode, `Can't ${OP_NAMES[c.op]} to key ${c.name} because its type is not LIST.`);
    }
    const items = splitList(next[c.name] ?? spec.value);
    const given = splitList(c.value);
    const result = c.op === OP.APPEND
      ? [...items, ...given.filter((g) => !items.includes(g))]
      : items.filter((i) => !given.includes(i));
    next[c.name] = result.join(',');
  }
  return next;
}
