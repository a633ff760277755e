/**
 * Where the repository's peer programs and caches live, found from this file's location so
 * tests work from any checkout and any working directory.
 *
 * This file runs from two depths: as source (test/harness/, under vitest) and compiled
 * (dist/test/harness/, imported by the benchmarks). A fixed number of `..` is right for only
 * one of them, so the root is found by walking up to the package.json that names Brooklet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'brooklet';

/** The nearest directory at or above `start` whose package.json names Brooklet. */
export function findRepoRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (packageName(path.join(dir, 'package.json')) === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json named '${PACKAGE_NAME}' at or above ${start}`);
  }
}

function packageName(file: string): unknown {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined; // absent or unreadable: keep walking up
  }
}

/** The repository root, whether this file runs from test/harness/ or dist/test/harness/. */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

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
