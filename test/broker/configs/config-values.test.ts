/**
 * Config value validation with Kafka's messages (the differential suite compares them with
 * Kafka's own answers; these cover the parsing edges one by one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerConfigProblem, DynamicBrokerConfigs, DYNAMIC_BROKER_FILE } from '../../../src/broker/configs/broker-configs.js';
import { validateValue } from '../../../src/broker/configs/config-values.js';
import { topicConfigProblem, validateTopicConfigs } from '../../../src/broker/configs/topic-configs.js';
import { tempDataDir } from '../../helpers/broker.js';

describe('validateValue', () => {
  it.each([
    ['int', ' 42 ', null],
    ['int', '+7', null],
    ['int', '2147483648', 'Invalid value 2147483648 for configuration x: Not a number of type INT'],
    ['int', '1.5', 'Invalid value 1.5 for configuration x: Not a number of type INT'],
    ['long', '9223372036854775807', null],
    ['long', '9223372036854775808', 'Invalid value 9223372036854775808 for configuration x: Not a number of type LONG'],
    ['long', '', 'Invalid value  for configuration x: Not a number of type LONG'],
  ] as const)('%s %j', (kind, value, expected) => {
    expect(validateValue('x', value, { kind })).toBe(expected);
  });

  it('checks ranges with the parsed value, and prints doubles as Java does', () => {
    expect(validateValue('x', '-5', { kind: 'long', min: -1 })).toBe('Invalid value -5 for configuration x: Value must be at least -1');
    expect(validateValue('x', '18', { kind: 'int', min: 1, max: 17 })).toBe('Invalid value 18 for configuration x: Value must be no more than 17');
    expect(validateValue('r', '2', { kind: 'double', min: 0, max: 1 })).toBe('Invalid value 2.0 for configuration r: Value must be no more than 1');
    expect(validateValue('r', '0.25', { kind: 'double', min: 0, max: 1 })).toBeNull();
    expect(validateValue('r', 'abc', { kind: 'double' })).toBe('Invalid value abc for configuration r: Not a number of type DOUBLE');
  });

  it('checks each item of a list, booleans in any case, and strings against their choices', () => {
    const list = { kind: 'list', oneOf: ['compact', 'delete'] } as const;
    expect(validateValue('c', 'compact, delete', list)).toBeNull();
    expect(validateValue('c', '', list)).toBeNull();
    expect(validateValue('c', 'compact,foo', list)).toBe('Invalid value foo for configuration c: String must be one of: compact, delete');
    expect(validateValue('b', 'TRUE', { kind: 'boolean' })).toBeNull();
    expect(validateValue('b', 'yes', { kind: 'boolean' })).toBe('Invalid value yes for configuration b: Expected value to be either true or false');
    expect(validateValue('s', 'Foo', { kind: 'string', oneOf: ['A', 'B'] })).toBe('Invalid value Foo for configuration s: String must be one of: A, B');
  });
});

describe('topic configs', () => {
  it('knows Kafka 4.1 names only, with their validators', () => {
    expect(topicConfigProblem('message.downconversion.enable', 'true')).toBe('Unknown topic config name: message.downconversion.enable');
    expect(topicConfigProblem('compression.gzip.level', '0')).toBe('Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1');
    expect(topicConfigProblem('remote.storage.enable', 'true')).toMatch(/^Tiered Storage functionality is disabled/);
    expect(topicConfigProblem('leader.replication.throttled.replicas', '0:1,1:1')).toBeNull();
    expect(validateTopicConfigs({ 'retention.ms': '1', 'cleanup.policy': null })).toBe('Null value not supported for topic configs: cleanup.policy');
  });
});

describe('dynamic broker configs', () => {
  it('refuses static configs, validates known ones, keeps unknown ones', () => {
    expect(brokerConfigProblem('num.partitions', '3')).toBe('Cannot update these configs dynamically: Set(num.partitions)');
    expect(brokerConfigProblem('log.cleanup.policy', 'foo')).toBe('Invalid value foo for configuration log.cleanup.policy: String must be one of: compact, delete');
    expect(brokerConfigProblem('log.retention.ms', '-5')).toBeNull();
    expect(brokerConfigProblem('custom.thing', 'x')).toBeNull();
  });

  it('persists each scope and maps broker names to topic defaults, the broker over the cluster', () => {
    const dir = tempDataDir();
    const configs = DynamicBrokerConfigs.load(dir);
    configs.set('cluster', { 'log.retention.ms': '200', 'log.cleanup.policy': 'compact', 'custom.thing': 'x' });
    configs.set('broker', { 'log.retention.ms': '-7', 'message.max.bytes': '5' });
    const again = DynamicBrokerConfigs.load(dir);
    expect(again.get('cluster')).toEqual({ 'log.retention.ms': '200', 'log.cleanup.policy': 'compact', 'custom.thing': 'x' });
    expect(again.topicOverrides()).toEqual({ 'retention.ms': '-1', 'cleanup.policy': 'compact', 'max.message.bytes': '5' });
    expect(fs.readdirSync(dir)).toEqual([DYNAMIC_BROKER_FILE]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, DYNAMIC_BROKER_FILE), 'utf8')).version).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
