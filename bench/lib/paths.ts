/**
 * Where the repository and its caches are, found from this file's compiled location
 * (dist/bench/lib/paths.js), so the benchmarks run from any working directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const resultsDir = path.join(repoRoot, 'bench', 'results');
export const chartsDir = path.join(repoRoot, 'bench', 'charts');
export const javaSourcesDir = path.join(repoRoot, 'bench', 'java');
/** The Brooklet CLI under test (the bundled bin, what `npx brooklet` runs); BROOKLET_CLI points at another build (e.g. a snapshot of a release). */
export const brookletCli = process.env.BROOKLET_CLI ?? path.join(repoRoot, 'dist', 'brooklet.cjs');

export function kafkaVersion(): string {
  const pom = fs.readFileSync(path.join(repoRoot, 'scripts', 'kafka', 'pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
}

/** Kafka's jars: KAFKA_JARS_DIR (the bench container points it at the apache/kafka image's libs) or the Maven cache. */
export function kafkaJarsDir(): string {
  const dir = process.env.KAFKA_JARS_DIR ?? path.join(repoRoot, '.cache', 'kafka-jars', kafkaVersion());
  if (!fs.existsSync(dir) || !fs.readdirSync(dir).some((f) => /^kafka-tools-.*\.jar$/.test(f))) {
    throw new Error(`Kafka jars not found in ${dir}: run scripts/install-peers.sh or set KAFKA_JARS_DIR`);
  }
  return dir;
}
