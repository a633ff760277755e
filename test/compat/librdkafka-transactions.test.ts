/** librdkafka through confluent-kafka for Python: transactional producer, read_committed and read_uncommitted consumers (transactions-suite.ts). */
import { librdkafkaPeer } from './peers.js';
import { defineTransactionsSuite } from './transactions-suite.js';

defineTransactionsSuite(librdkafkaPeer);
