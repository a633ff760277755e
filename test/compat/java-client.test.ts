/** Apache Kafka's Java client (kafka-clients 4.x) against Brooklet: see compat-suite.ts. */
import { defineCompatSuite } from './compat-suite.js';
import { javaPeer } from './peers.js';

defineCompatSuite(javaPeer);
