/** librdkafka, through confluent-kafka for Python, against Brooklet: see compat-suite.ts. */
import { defineCompatSuite } from './compat-suite.js';
import { librdkafkaPeer } from './peers.js';

defineCompatSuite(librdkafkaPeer);
