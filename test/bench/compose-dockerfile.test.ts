/**
 * Static checks of compose.yaml and the Dockerfile (these machines have no Docker engine, so
 * nothing here builds or runs a container): the YAML parses, the three services are what
 * `docker compose run bench` needs, the Dockerfile's stages exist, every path it copies is in
 * the repo and not hidden by .dockerignore, and every command it runs is built from a source
 * file in the repo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot, pinnedKafkaVersion } from '../harness/repo-paths.js';

interface Service {
  image?: string;
  build?: string | { context: string; target?: string; dockerfile?: string };
  environment?: Record<string, string | number>;
  depends_on?: string[];
  command?: string[];
  volumes?: string[];
}

const read = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');
const compose = parse(read('compose.yaml')) as { services: Record<string, Service> };
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
    expect(String(kafka.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS)).toMatch(/^1@kafka:\d+$/);
    expect(String(kafka.environment?.KAFKA_ADVERTISED_LISTENERS)).toContain('//kafka:9092');
  });

  it('builds brooklet from the repository Dockerfile and advertises its service name', () => {
    const b = compose.services.brooklet!;
    const context = typeof b.build === 'string' ? b.build : b.build?.context;
    expect(context).toBe('.');
    expect(b.environment?.BROOKLET_ADVERTISED_HOST).toBe('brooklet');
  });

  it('points bench at both brokers by service name and builds the Dockerfile bench stage', () => {
    const bench = compose.services.bench!;
    expect(typeof bench.build === 'object' && bench.build.context).toBe('.');
    const target = typeof bench.build === 'object' ? bench.build.target : undefined;
    expect(target).toBeDefined();
    expect(stages).toContain(target);
    expect(bench.environment?.BROOKLET_BOOTSTRAP).toBe('brooklet:9092');
    expect(bench.environment?.KAFKA_BOOTSTRAP).toBe('kafka:9092');
    expect([...(bench.depends_on ?? [])].sort()).toEqual(['brooklet', 'kafka']);
    for (const v of bench.volumes ?? []) expect(fs.existsSync(path.join(repoRoot, v.split(':')[0]!))).toBe(true);
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

  it('takes Kafka\'s jars from the apache/kafka image of the version compose runs', () => {
    const from = instructions.find((l) => /^COPY --from=apache\/kafka:/i.test(l));
    expect(from).toContain(`apache/kafka:${pinnedKafkaVersion()}`);
    expect(dockerfile).toMatch(/KAFKA_JARS_DIR=\/opt\/kafka\/libs/);
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
