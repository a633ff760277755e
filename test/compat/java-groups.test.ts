/**
 * Apache Kafka's Java KafkaConsumer.subscribe() in a consumer group, with the range and the
 * cooperative-sticky assignors, through leave, join and a broker restart: see group-scenario.ts.
 */
import { defineGroupScenario } from './group-scenario.js';
import { javaPeer } from './peers.js';

defineGroupScenario(javaPeer, [
  { name: 'range', args: ['--assignor', 'range'] },
  { name: 'cooperative-sticky', args: ['--assignor', 'cooperative-sticky'] },
]);
