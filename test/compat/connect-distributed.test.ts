/**
 * Kafka Connect in distributed mode (connect-runtime and connect-file 4.1.1 from Maven Central,
 * test/compat/connect) against Brooklet: the worker creates its config, offset and status topics
 * (compacted, as it insists), a FileStreamSource connector reads a file into a topic and a
 * FileStreamSink connector writes the topic back out; the worker is stopped, the file grows, and a
 * restarted worker finds both connectors in its config topic, the source's position in its offset
 * topic and the sink's in its consumer group, so the output ends with every line exactly once.
 * Needs the peer (scripts/install-peers.sh): skips without it, fails without it when CI=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, tempDataDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort } from '../harness/net.js';
import { repoRoot } from '../harness/repo-paths.js';
import { waitFor } from '../integration/groups-helpers.js';

const CLASSPATH = path.join(repoRoot, 'test/compat/connect/target/classpath.txt');
const missing = fs.existsSync(CLASSPATH) ? null : 'the Connect peer is not resolved: run scripts/install-peers.sh';
if (missing && process.env.CI === 'true') throw new Error(missing);
if (missing) console.warn(`skipping the Kafka Connect test: ${missing}`);

const INTERNAL = ['cx-configs', 'cx-offsets', 'cx-status'];

describe.skipIf(missing !== null)('Kafka Connect (distributed) against Brooklet', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let worker: ChildProcess | null = null;
  const dir = tempDataDir('brooklet-connect-');
  let rest = '';

  beforeAll(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    const port = await freePort();
    rest = `http://127.0.0.1:${port}`;
    fs.writeFileSync(path.join(dir, 'worker.properties'), [
      `bootstrap.servers=${broker.bootstrap}`, 'group.id=brooklet-connect',
      'key.converter=org.apache.kafka.connect.storage.StringConverter', 'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `config.storage.topic=${INTERNAL[0]}`, `offset.storage.topic=${INTERNAL[1]}`, `status.storage.topic=${INTERNAL[2]}`,
      'config.storage.replication.factor=1', 'offset.storage.replication.factor=1', 'status.storage.replication.factor=1',
      'offset.flush.interval.ms=500', `listeners=http://127.0.0.1:${port}`,
      // One worker: eager rebalancing hands a restarted worker its connectors at once (the
      // incremental protocol would hold them for scheduled.rebalance.max.delay.ms).
      'connect.protocol=eager', 'plugin.discovery=only_scan', '',
    ].join('\n'));
  });
  afterAll(async () => {
    await stopWorker();
    await broker?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function startWorker(): void {
    const cp = fs.readFileSync(CLASSPATH, 'utf8').trim();
    worker = spawn('java', ['-Xmx384m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp', cp, 'org.apache.kafka.connect.cli.ConnectDistributed', path.join(dir, 'worker.properties')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const log = fs.createWriteStream(path.join(dir, 'worker.log'), { flags: 'a' });
    worker.stderr!.pipe(log);
  }

  async function stopWorker(): Promise<void> {
    const w = worker;
    worker = null;
    if (!w || w.exitCode !== null) return;
    const exited = new Promise((r) => w.once('exit', r));
    w.kill('SIGTERM'); // a clean stop: the worker commits its offsets and leaves the group
    await exited;
  }

  async function api(method: string, route: string, body?: object): Promise<any> {
    const res = await fetch(`${rest}${route}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async function running(): Promise<boolean> {
    try {
      const s = await api('GET', '/connectors?expand=status');
      return ['src', 'sink'].every((n) => s[n]?.status.connector.state === 'RUNNING' && s[n].status.tasks[0]?.state === 'RUNNING');
    } catch {
      return false;
    }
  }

  const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line-${from + i}`);
  const output = () => (fs.existsSync(path.join(dir, 'out.txt')) ? fs.readFileSync(path.join(dir, 'out.txt'), 'utf8').split('\n').filter(Boolean) : []);
  const workerLog = () => (fs.existsSync(path.join(dir, 'worker.log')) ? fs.readFileSync(path.join(dir, 'worker.log'), 'utf8').slice(-3000) : '');

  it('copies a file through a topic, and a restarted worker resumes where it stopped', async () => {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, lines(1, 20).join('\n') + '\n');
    const client = await RawClient.connect(broker.bootstrap);
    await client.request(19, 7, { topics: [{ name: 'cx-lines', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    startWorker();
    await waitFor(`the worker's REST API\n${workerLog()}`, async () => (await fetch(`${rest}/connectors`).then((r) => r.ok, () => false)), 90_000);
    await api('POST', '/connectors', { name: 'src', config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: input, topic: 'cx-lines', 'tasks.max': '1' } });
    await api('POST', '/connectors', { name: 'sink', config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: path.join(dir, 'out.txt'), topics: 'cx-lines', 'tasks.max': '1' } });
    await waitFor('both connectors running', running, 60_000);
    await waitFor('the first 20 lines copied', () => output().length >= 20, 60_000);
    expect(output()).toEqual(lines(1, 20));

    const configs = await client.request(32, 4, { includeSynonyms: false, includeDocumentation: false,
      resources: INTERNAL.map((name) => ({ resourceType: 2, resourceName: name, configurationKeys: ['cleanup.policy'] })) });
    expect(configs.body.results.map((r: any) => [r.resourceName, r.errorCode, r.configs[0]?.value])).toEqual(INTERNAL.map((n) => [n, 0, 'compact']));

    await stopWorker();
    fs.appendFileSync(input, lines(21, 30).join('\n') + '\n');
    startWorker();
    await waitFor(`the restarted worker's connectors running\n${workerLog()}`, running, 90_000);
    await waitFor('the 10 new lines copied', () => output().length >= 30, 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives: no line is copied twice
    expect(output()).toEqual(lines(1, 30));
    expect((await api('GET', '/connectors')).sort()).toEqual(['sink', 'src']);
    client.close();
  }, 240_000);
});
