/**
 * Static checks of compose.yaml, compose.ci.yaml and the Dockerfile, the parts that need no
 * Docker engine (test/containers/ builds and runs them for real): the YAML parses, the three
 * services are what `docker compose run bench` needs, each broker's listeners give containers
 * and host applications an address they can reach, the Dockerfile's stages exist, every path it
 * copies is in the repo and not hidden by .dockerignore, and every command it runs is built from
 * a source file in the repo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCli } from '../../src/cli-args.js';
import { resolveConfig } from '../../src/config.js';
import { planListeners } from '../../src/server/listeners/listener-config.js';
import { repoRoot, pinnedKafkaVersion } from '../harness/repo-paths.js';

interface Service {
  image?: string;
  build?: string | { context: string; target?: string; dockerfile?: string };
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  network_mode?: string;
  ports?: string[];
  healthcheck?: { test: string[] };
  command?: string[];
  volumes?: string[];
}

const read = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');
const compose = parse(read('compose.yaml')) as { services: Record<string, Service> };
const ci = parse(read('compose.ci.yaml')) as { services: Record<string, Service> };
/** A compose value with its ${VAR:-default} references replaced by their defaults. */
const withDefaults = (value: unknown) => String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const dockerfile = read('Dockerfile');
const instructions = dockerfile.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
/** Lines with their `\` continuations joined. */
const joined = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const stages = joined.filter((l) => /^FROM /i.test(l)).map((l) => /\bAS\s+(\S+)/i.exec(l)?.[1]).filter(Boolean) as string[];
const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter(Boolean);

/** The TS source a compiled dist/ path is built from. */
/** The source a dist/ file is built from: tsc's output mirrors the tree; dist/brooklet.cjs is the bundled src/cli.ts. */
function sourceOf(distPath: string): string {
  if (distPath === 'dist/brooklet.cjs') return 'src/cli.ts';
  return distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');
}

function entrypointsByStage(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let stage = 'default';
  for (const line of joined) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stage = from[1] ?? 'final';
    const ep = /^ENTRYPOINT\s+(\[.*\])$/i.exec(line);
    if (ep) out[stage] = JSON.parse(ep[1]!) as string[];
  }
  return out;
}

describe('compose.yaml', () => {
  it('has the kafka, brooklet and bench services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bench', 'brooklet', 'kafka']);
  });

  it('runs real Apache Kafka in KRaft single-node mode, at the version the tests pin', () => {
    const kafka = compose.services.kafka!;
    expect(kafka.image).toBe(`apache/kafka:${pinnedKafkaVersion()}`);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(kafka.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS)).toMatch(/^1@localhost:\d+$/);
  });

  it('gives each broker an INTERNAL listener for containers (service name) and an EXTERNAL one for the host (localhost, published)', () => {
    const brooklet = compose.services.brooklet!.environment!;
    const kafka = compose.services.kafka!.environment!;
    expect(brooklet.BROOKLET_ADVERTISED_LISTENERS).toBe('INTERNAL://brooklet:9092,EXTERNAL://localhost:19092');
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toBe('INTERNAL://kafka:9092,EXTERNAL://localhost:29092');
    // The EXTERNAL port is published on the host under the same number it advertises.
    expect(compose.services.brooklet!.ports).toContain('127.0.0.1:19092:19092');
    expect(compose.services.kafka!.ports).toContain('127.0.0.1:29092:29092');
  });

  it('configures Brooklet\'s listeners in a way the broker accepts, in compose.yaml and with the CI override', () => {
    const plan = (env: Record<string, string | number>) => {
      const cli = parseCli([], Object.fromEntries(Object.entries(env).map(([k, v]) => [k, withDefaults(v)])));
      if (cli.help) throw new Error('unexpected help');
      return planListeners(resolveConfig(cli.config)).map((l) => `${l.name} ${l.host}:${l.port} -> ${l.advertisedHost}:${l.advertisedPort}`);
    };
    expect(plan(compose.services.brooklet!.environment!)).toEqual(['INTERNAL 0.0.0.0:9092 -> brooklet:9092', 'EXTERNAL 0.0.0.0:19092 -> localhost:19092']);
    expect(plan(ci.services.brooklet!.environment!))
      .toEqual(['INTERNAL 127.0.0.1:9092 -> 127.0.0.1:9092', 'EXTERNAL 127.0.0.1:19092 -> localhost:19092']);
  });

  it('has healthchecks on both brokers, and bench waits until both are healthy', () => {
    expect(compose.services.brooklet!.healthcheck?.test).toEqual(['CMD', 'node', 'healthcheck.cjs']);
    expect(compose.services.kafka!.healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions.sh');
    expect(compose.services.bench!.depends_on).toEqual({ brooklet: { condition: 'service_healthy' }, kafka: { condition: 'service_healthy' } });
  });

  it('builds brooklet from the repository Dockerfile', () => {
    const b = compose.services.brooklet!;
    const context = typeof b.build === 'string' ? b.build : b.build?.context;
    expect(context).toBe('.');
  });

  it('points bench at both brokers\' INTERNAL listeners by service name and builds the Dockerfile bench stage', () => {
    const bench = compose.services.bench!;
    expect(typeof bench.build === 'object' && bench.build.context).toBe('.');
    const target = typeof bench.build === 'object' ? bench.build.target : undefined;
    expect(target).toBeDefined();
    expect(stages).toContain(target);
    expect(bench.environment?.BROOKLET_BOOTSTRAP).toBe('brooklet:9092');
    expect(bench.environment?.KAFKA_BOOTSTRAP).toBe('kafka:9092');
    for (const v of bench.volumes ?? []) expect(fs.existsSync(path.join(repoRoot, withDefaults(v).split(':')[0]!))).toBe(true);
  });
});

describe('compose.ci.yaml', () => {
  it('runs the same services and Kafka image as compose.yaml, with the same healthchecks and bench dependencies', () => {
    expect(ci.services.kafka!.image).toBe(compose.services.kafka!.image);
    expect(ci.services.brooklet!.healthcheck?.test).toEqual(compose.services.brooklet!.healthcheck?.test);
    expect(ci.services.kafka!.healthcheck?.test[1]).toBe(compose.services.kafka!.healthcheck?.test[1]);
    expect(ci.services.bench!.depends_on).toEqual(compose.services.bench!.depends_on);
    for (const name of ['brooklet', 'kafka'] as const) {
      expect(ci.services[name]!.ports, name).toBeUndefined(); // the host network refuses published ports
    }
  });

  it('puts every service on the host network, listening on 127.0.0.1 only, on ports that do not collide', () => {
    expect(Object.keys(ci.services).sort()).toEqual(['bench', 'brooklet', 'kafka']);
    for (const service of Object.values(ci.services)) expect(service.network_mode).toBe('host');
    const listeners = [ci.services.brooklet!.environment!.BROOKLET_LISTENERS, ci.services.kafka!.environment!.KAFKA_LISTENERS]
      .flatMap((l) => withDefaults(l).split(','));
    for (const l of listeners) expect(l).toMatch(/^[A-Z]+:\/\/127\.0\.0\.1:\d+$/);
    const ports = [...listeners.map((l) => l.split(':').at(-1)), withDefaults(ci.services.brooklet!.environment!.BROOKLET_HTTP_PORT),
      withDefaults(ci.services.brooklet!.environment!.BROOKLET_SCHEMA_REGISTRY_PORT)];
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('points bench at the INTERNAL listeners the brokers advertise', () => {
    const env = ci.services.bench!.environment!;
    expect(`INTERNAL://${withDefaults(env.BROOKLET_BOOTSTRAP)}`).toBe(withDefaults(ci.services.brooklet!.environment!.BROOKLET_ADVERTISED_LISTENERS).split(',')[0]);
    expect(`INTERNAL://${withDefaults(env.KAFKA_BOOTSTRAP)}`).toBe(withDefaults(ci.services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS).split(',')[0]);
  });
});

describe('Dockerfile', () => {
  it('copies only paths that exist and that .dockerignore lets through', () => {
    const copies = instructions.filter((l) => /^COPY /i.test(l) && !/--from=/i.test(l));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) {
      const parts = line.split(/\s+/).slice(1);
      for (const src of parts.slice(0, -1)) {
        expect(fs.existsSync(path.join(repoRoot, src)), `${src} (in "${line}")`).toBe(true);
        expect(ignored.some((i) => src === i || src.startsWith(`${i}/`)), `${src} is in .dockerignore`).toBe(false);
      }
    }
  });

  it('copies every local (file:) dependency into the build stage before npm ci installs it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const local = Object.values(pkg.dependencies).filter((spec) => spec.startsWith('file:')).map((spec) => spec.slice('file:'.length));
    expect(local.length).toBeGreaterThan(0);
    const npmCi = instructions.findIndex((l) => /^RUN npm ci\b/.test(l));
    expect(npmCi).toBeGreaterThan(0);
    const copiedBefore = instructions.slice(0, npmCi).filter((l) => /^COPY /i.test(l) && !/--from=/i.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const dir of local) expect(copiedBefore.some((src) => dir === src || dir.startsWith(`${src}/`)), dir).toBe(true);
  });

  it('fetches Kafka\'s jars from Maven Central with the pom scripts/install-peers.sh uses, not from an image', () => {
    expect(instructions.some((l) => /^COPY --from=apache\/kafka/i.test(l))).toBe(false);
    expect(instructions).toContain('COPY scripts/kafka/pom.xml /opt/kafka/pom.xml');
    expect(joined.some((l) => /mvn .*-f \/opt\/kafka\/pom\.xml dependency:copy-dependencies -DoutputDirectory=\/opt\/kafka\/libs/.test(l))).toBe(true);
    expect(dockerfile).toMatch(/KAFKA_JARS_DIR=\/opt\/kafka\/libs/);
  });

  it('keeps the broker\'s data in a volume and has a healthcheck', () => {
    expect(instructions).toContain('VOLUME /data');
    expect(joined.some((l) => /^HEALTHCHECK .*CMD \["node", "healthcheck.cjs"\]$/.test(l))).toBe(true);
  });

  it('runs commands that the repository builds: the CLI by default, the side-by-side in bench', () => {
    const eps = entrypointsByStage();
    expect(eps.final).toEqual(['node', JSON.parse(read('package.json')).bin.brooklet]);
    expect(eps.bench).toEqual(['node', 'dist/bench/side-by-side.js']);
    for (const cmd of Object.values(eps)) {
      const script = cmd.find((c) => c.startsWith('dist/'))!;
      expect(fs.existsSync(path.join(repoRoot, sourceOf(script))), sourceOf(script)).toBe(true);
    }
    // The final stage is the default target (`docker build .` gives the broker).
    expect(/^FROM\s+\S+\s*$/i.test(joined.filter((l) => /^FROM /i.test(l)).at(-1)!)).toBe(true);
  });

  it('builds with the npm scripts the repository defines', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(pkg.scripts.prepare).toContain('build'); // npm ci runs prepare, which compiles to dist/
    expect(pkg.scripts.bench).toContain('dist/bench/side-by-side.js');
  });
});
