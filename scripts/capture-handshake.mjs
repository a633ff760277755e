#!/usr/bin/env node
// Captures the ApiVersions requests real Kafka clients send, byte for byte, as test fixtures.
//
// Usage:
//   node scripts/capture-handshake.mjs kafkajs
//       drives kafkajs (from node_modules) in this process
//   node scripts/capture-handshake.mjs <label> <command> [args...]
//       runs the command with BOOTSTRAP=127.0.0.1:<port> in its environment
//
// A tiny TCP server on 127.0.0.1 records every ApiVersions request frame (size prefix
// included) as hex into test/protocol/fixtures/<label>-api-versions-v<N>.hex, and answers
// each one with error 35 (UNSUPPORTED_VERSION) in a v0 body advertising ApiVersions
// 0..N-1, so that clients step down (kafkajs: 2 -> 1 -> 0). Other requests are ignored.

import net from 'node:net';
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';

const API_VERSIONS = 18;
const UNSUPPORTED_VERSION = 35;
const RUN_MS = 8000;
const outDir = fileURLToPath(new URL('../test/protocol/fixtures/', import.meta.url));
const [label, ...command] = process.argv.slice(2);
if (!label || !/^[a-z0-9.-]+$/.test(label)) {
  console.error('usage: capture-handshake.mjs <label> [command args...]');
  process.exit(2);
}

const captured = new Map();

/** Response header v0 + ApiVersions v0 body: error 35, one entry (18, 0, maxVersion). */
function unsupportedAnswer(correlationId, maxVersion) {
  const body = Buffer.alloc(4 + 2 + 4 + 6);
  let o = body.writeInt32BE(correlationId, 0);
  o = body.writeInt16BE(UNSUPPORTED_VERSION, o);
  o = body.writeInt32BE(1, o);
  o = body.writeInt16BE(API_VERSIONS, o);
  o = body.writeInt16BE(0, o);
  body.writeInt16BE(maxVersion, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function onConnection(socket) {
  let pending = Buffer.alloc(0);
  socket.on('error', () => {});
  socket.on('data', (data) => {
    pending = Buffer.concat([pending, data]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (size < 8 || size > 1 << 20) { socket.destroy(); return; }
      if (pending.length < 4 + size) return;
      const frame = pending.subarray(0, 4 + size);
      pending = pending.subarray(4 + size);
      const apiKey = frame.readInt16BE(4);
      const version = frame.readInt16BE(6);
      const correlationId = frame.readInt32BE(8);
      if (apiKey !== API_VERSIONS) continue;
      const name = `${label}-api-versions-v${version}`;
      if (!captured.has(name)) captured.set(name, frame.toString('hex'));
      socket.write(unsupportedAnswer(correlationId, Math.max(version - 1, 0)));
    }
  });
}

async function driveKafkajs(bootstrap) {
  const require = createRequire(import.meta.url);
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'brooklet-capture', brokers: [bootstrap], logLevel: logLevel.NOTHING,
    retry: { retries: 0 }, connectionTimeout: 2000,
  });
  const admin = kafka.admin();
  await admin.connect().catch(() => {});
  await admin.disconnect().catch(() => {});
}

function runCommand(bootstrap) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      stdio: 'inherit', env: { ...process.env, BOOTSTRAP: bootstrap },
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_MS);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
  });
}

const server = net.createServer(onConnection);
server.listen(0, '127.0.0.1', async () => {
  const bootstrap = `127.0.0.1:${server.address().port}`;
  if (label === 'kafkajs' && command.length === 0) await driveKafkajs(bootstrap);
  else await runCommand(bootstrap);
  server.close();
  mkdirSync(outDir, { recursive: true });
  for (const [name, hex] of [...captured].sort()) {
    writeFileSync(path.join(outDir, `${name}.hex`), `${hex}\n`);
    console.log(`captured ${name}.hex`);
  }
  if (captured.size === 0) {
    console.error('no ApiVersions request captured');
    process.exitCode = 1;
  }
  setImmediate(() => process.exit());
});
