/**
 * Kafka's own command-line tools (kafka-consumer-groups, kafka-transactions, kafka-dump-log, ...)
 * run from the real-Kafka jars (scripts/install-peers.sh) as Java child processes. A test file
 * skips without the jars, and fails at load when CI=true (requireKafkaTools).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { kafkaJarsDir, pinnedKafkaVersion } from '../harness/repo-paths.js';

export const KAFKA_JARS = kafkaJarsDir();

/** True when the jars are installed; throws under CI=true when they are not. */
export function requireKafkaTools(): boolean {
  const present = fs.existsSync(path.join(KAFKA_JARS, `kafka-tools-${pinnedKafkaVersion()}.jar`));
  if (!present && process.env.CI === 'true') throw new Error(`real-Kafka jars missing in ${KAFKA_JARS}: run scripts/install-peers.sh`);
  return present;
}

/** Runs `mainClass` with `args`; resolves with its stdout, rejects with its exit code, stderr and stdout. */
export function runKafkaTool(mainClass: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-Xmx256m', '-cp', `${KAFKA_JARS}/*`, mainClass, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}${out}`))));
  });
}
