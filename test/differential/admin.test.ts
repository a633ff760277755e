/**
 * The differential suite for Kafka's admin surface (issue 15): config validation, alteration and
 * description, CreatePartitions, DescribeCluster, DescribeLogDirs, ElectLeaders,
 * DescribeTopicPartitions and topic ids through Metadata and Fetch, each scenario run against
 * real Apache Kafka and against Brooklet and compared field by field (admin-scenarios.ts). One
 * pair of brokers serves the file. Results go to the compatibility matrix.
 * Without Java or the Kafka jars the file skips with one line; with CI=true it fails instead.
 */
import { Recorder } from '../matrix/results.js';
import * as s from './admin-scenarios.js';
import { differentialSuite, type Scenario } from './suite.js';

const CLIENT = 'kafkajs';

const SCENARIOS: Scenario[] = [
  ['alter configs: bad values and resources', s.alterConfigErrors],
  ['alter and describe topic configs', s.alterTopicConfigs],
  ['dynamic broker configs and their sources', s.dynamicBrokerConfigs],
  ['create partitions', s.createPartitions],
  ['describe cluster', s.describeCluster],
  ['describe log dirs and elect leaders', s.logDirsAndElections],
  ['topic ids through Metadata and Fetch', s.topicIds],
  ['describe topic partitions', s.describeTopicPartitions],
];

const rec = new Recorder('differential-admin');

differentialSuite('differential: admin APIs, Kafka vs Brooklet', rec, CLIENT, SCENARIOS);
