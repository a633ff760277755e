/**
 * Where the repository's peer programs and caches live, found from this file's location so
 * tests work from any checkout and any working directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file sits in test/harness/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Kafka version the real-Kafka pom pins (read from the pom so the two cannot drift). */
export function pinnedKafkaVersion(): string {
  const pom = fs.readFileSync(path.join(repoRoot, 'scripts', 'kafka', 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('scripts/kafka/pom.xml has no <kafka.version> property');
  return match[1];
}

/** The directory scripts/install-peers.sh fills with real Kafka's jars. */
export function kafkaJarsDir(version = pinnedKafkaVersion()): string {
  return path.join(repoRoot, '.cache', 'kafka-jars', version);
}
