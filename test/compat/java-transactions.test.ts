/** Apache Kafka's Java client (kafka-clients 4.x): transactional producer, read_committed and read_uncommitted consumers (transactions-suite.ts). */
import { javaPeer } from './peers.js';
import { defineTransactionsSuite } from './transactions-suite.js';

defineTransactionsSuite(javaPeer);
