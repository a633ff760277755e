/**
 * A librdkafka consumer (confluent-kafka for Python) subscribed in a consumer group, with
 * librdkafka's default range assignor and auto commit, through leave, join and a broker
 * restart: see group-scenario.ts.
 */
import { defineGroupScenario } from './group-scenario.js';
import { librdkafkaPeer } from './peers.js';

defineGroupScenario(librdkafkaPeer, [{ name: 'range', args: [] }]);
