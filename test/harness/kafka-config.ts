/**
 * The configuration files for a throwaway single-node Apache Kafka 4.x in KRaft combined mode
 * (one process is both broker and controller), as tests and benchmarks want it: loopback only,
 * replication factor 1 everywhere, no rebalance delay.
 */
import crypto from 'node:crypto';

export interface KafkaNodeSettings {
  brokerPort: number;
  controllerPort: number;
  logDir: string;
  numPartitions: number;
  autoCreateTopics: boolean;
  /** Extra or overriding server properties (e.g. log.segment.bytes for a benchmark). */
  extra?: Record<string, string>;
}

/** server.properties text. Static quorum (controller.quorum.voters), so the format step needs no --standalone. */
export function serverProperties(s: KafkaNodeSettings): string {
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${s.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${s.brokerPort},CONTROLLER://127.0.0.1:${s.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${s.brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': s.logDir,
    'num.partitions': String(s.numPartitions),
    'auto.create.topics.enable': String(s.autoCreateTopics),
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    ...s.extra,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** log4j2 configuration: everything at INFO to stdout, which the harness sends to the log file. */
export function log4j2Properties(): string {
  return [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = STDOUT',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.out.ref = STDOUT',
    // The request logger is very chatty at DEBUG/TRACE; keep it quiet explicitly.
    'logger.request.name = kafka.request.logger',
    'logger.request.level = WARN',
    '',
  ].join('\n');
}

/**
 * A random cluster id in Kafka's form: a UUID as 22 characters of URL-safe base64. Never one
 * starting with '-': kafka-storage's argument parser would take it for an option (Kafka's own
 * Uuid.randomUuid() skips those for the same reason).
 */
export function randomClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
