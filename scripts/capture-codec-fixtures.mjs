#!/usr/bin/env node
// Captures compressed record batches exactly as real clients write them, as test fixtures for
// protocol/codecs (test/protocol/codecs/fixtures/<client>-<codec>.batch).
//
// Usage (after `npm run build` and scripts/install-peers.sh):
//   node scripts/capture-codec-fixtures.mjs
//
// Starts a Brooklet from dist/ on a free port and a temporary data directory, lets each peer
// (the Java client and librdkafka through confluent-kafka for Python; test/compat/peers.ts)
// produce 40 records of the shared record plan (test/compat/record-plan.ts) to a one-partition
// topic per codec, and copies the first batch of each topic's first segment. Brooklet stores a
// produced batch byte for byte, so the payload after the batch header is the client's own.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'test/protocol/codecs/fixtures');
const COUNT = 40;
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'];

const javaTarget = path.join(root, 'test/compat/java/target');
const peers = {
  java: () => ['java', '-Xmx256m', '-cp',
    `${path.join(javaTarget, 'classes')}${path.delimiter}${fs.readFileSync(path.join(javaTarget, 'classpath.txt'), 'utf8').trim()}`,
    'dev.brooklet.compat.CompatClient'],
  librdkafka: () => [path.join(root, 'test/compat/python/.venv/bin/python'), path.join(root, 'test/compat/python/compat_client.py')],
};

/** Runs a child without blocking this process's event loop, which serves the broker. */
function runAsync(program, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const { startBroker } = await import(path.join(root, 'dist/src/index.js'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brooklet-codec-fixtures-'));
const broker = await startBroker({ port: 0, dataDir, http: false, schemaRegistry: false, logLevel: 'warn' });
try {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [client, command] of Object.entries(peers)) {
    for (const codec of CODECS) {
      const topic = `fixture-${client}-${codec}`;
      const [program, ...leading] = command();
      const run = await runAsync(program, [...leading, 'produce', '--bootstrap', broker.bootstrap, '--topic', topic,
        '--codec', codec, '--count', String(COUNT), '--partitions', '1']);
      if (run.status !== 0) throw new Error(`${client} ${codec} produce failed (${run.status}): ${run.stderr}`);
      const log = fs.readFileSync(path.join(dataDir, `${topic}-0`, '00000000000000000000.log'));
      const size = 12 + log.readInt32BE(8);
      const batch = log.subarray(0, size);
      const file = path.join(outDir, `${client}-${codec}.batch`);
      fs.writeFileSync(file, batch);
      console.log(`${path.relative(root, file)}: ${batch.readInt32BE(57)} records, ${size} bytes`);
    }
  }
} finally {
  await broker.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
