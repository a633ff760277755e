/**
 * Container start to the first ApiVersions answer, Brooklet's image and the Kafka image side by
 * side, and the images' sizes. Each repetition: `docker run -d` (host network, loopback ports
 * picked free, a fresh anonymous volume), then an ApiVersions v0 request every 20 ms on a new
 * connection until one is answered; the time from just before `docker run` to that answer is the
 * figure. Alternates the two images; median and range over the repetitions.
 * Usage: node dist/bench/container-start.js [brookletImage] [kafkaImage] [--reps N]
 * (defaults brooklet:bench, built from the Dockerfile beforehand, and apache/kafka:<pinned>).
 * Writes bench/results/containers.md, which bench/report.ts puts into BENCHMARKS.md beside the
 * official apache/kafka image's published figures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { kafkaVersion, resultsDir } from './lib/paths.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { reps: { type: 'string' } } });
const [brookletImage = 'brooklet:bench', kafkaImage = `apache/kafka:${kafkaVersion()}`] = positionals;
const reps = Number(values.reps ?? 5);

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** ApiVersions v0, correlation id 1, client id "start": answered means the broker serves requests. */
function apiVersionsAnswered(port: number): Promise<boolean> {
  const clientId = Buffer.from('start');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(1, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const frame = Buffer.concat([Buffer.alloc(4), body]);
  frame.writeInt32BE(body.length, 0);
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let got = Buffer.alloc(0);
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 8 && got.length >= 4 + got.readInt32BE(0)) done(got.readInt32BE(4) === 1);
    });
  });
}

async function startOnce(kind: 'brooklet' | 'kafka'): Promise<number> {
  const port = await freePort();
  const controller = await freePort();
  const name = `start-bench-${kind}-${process.pid}-${port}`;
  const env = kind === 'brooklet'
    ? ['-e', `BROOKLET_LISTENERS=PLAINTEXT://127.0.0.1:${port}`, '-e', 'BROOKLET_HTTP_PORT=0', '-e', 'BROOKLET_SCHEMA_REGISTRY_PORT=0']
    : ['-e', 'KAFKA_NODE_ID=1', '-e', 'KAFKA_PROCESS_ROLES=broker,controller',
      '-e', `KAFKA_LISTENERS=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
      '-e', `KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:${port}`, '-e', 'KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER',
      '-e', `KAFKA_CONTROLLER_QUORUM_VOTERS=1@127.0.0.1:${controller}`, '-e', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      '-e', 'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1'];
  const started = performance.now();
  docker('run', '-d', '--rm', '--name', name, '--network', 'host', ...env, kind === 'brooklet' ? brookletImage : kafkaImage);
  try {
    for (;;) {
      if (await apiVersionsAnswered(port)) return performance.now() - started;
      if (performance.now() - started > 120_000) throw new Error(`${kind} did not answer within 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    docker('rm', '-f', '-v', name);
  }
}

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
};

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const times: Record<'brooklet' | 'kafka', number[]> = { brooklet: [], kafka: [] };
  for (let i = 0; i < reps; i++) {
    for (const kind of ['brooklet', 'kafka'] as const) times[kind].push(await startOnce(kind));
  }
  const size = (image: string) => Number(docker('image', 'inspect', '-f', '{{.Size}}', image)) / 1e6;
  const base = (image: string) => docker('image', 'inspect', '-f', '{{index .Config.Labels "org.brooklet.local-base"}}', image) === 'true'
    ? 'base built here by scripts/docker/base-images.sh' : 'base pulled from a registry';
  const rows = (['brooklet', 'kafka'] as const).map((kind) => {
    const image = kind === 'brooklet' ? brookletImage : kafkaImage;
    const t = summary(times[kind]);
    const line = `| ${kind === 'brooklet' ? 'Brooklet' : 'Apache Kafka'} | \`${image}\` (${base(image)}) | ${size(image).toFixed(0)} MB `
      + `| ${t.median.toFixed(0)} ms (${t.min.toFixed(0)}-${t.max.toFixed(0)}) |`;
    console.log(line);
    return line;
  });
  const md = [
    `Measured: \`node dist/bench/container-start.js ${brookletImage} ${kafkaImage} --reps ${reps}\`, ${new Date().toISOString().slice(0, 10)}, `
      + `${os.cpus().length} cores (load average ${loadBefore.toFixed(1)} before the run), Docker ${docker('version', '-f', '{{.Server.Version}}')}, `
      + `host network; median (min-max) of ${reps} starts each, alternating.`,
    '',
    '| broker | image | size (uncompressed) | container start to first ApiVersions answer |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'containers.md'), md);
}

void main();
