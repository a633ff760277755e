/**
 * Kafka's own perf tools (from the same jars as the broker) and the two small Java programs in
 * bench/java, run on the client core with the heap kafka-*-perf-test.sh gives them (512 MiB).
 */
import path from 'node:path';
import { javaSourcesDir, kafkaJarsDir } from './paths.js';
import { pinned } from './pinning.js';
import { run } from './proc.js';

const MIB = 1024 * 1024;

async function java(mainOrSource: string, args: string[], timeoutMs: number): Promise<string> {
  const [cmd, argv] = pinned('client', 'java', ['-Xmx512M', '-cp', path.join(kafkaJarsDir(), '*'),
    '-Dlog4j2.level=WARN', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', mainOrSource, ...args]);
  const r = await run(cmd, argv, timeoutMs);
  if (r.code !== 0) throw new Error(`${mainOrSource} exited ${r.code}:\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`);
  return r.stdout;
}

export interface ProduceResult {
  recordsPerSec: number;
  mibPerSec: number;
  avgLatencyMs: number;
  p99LatencyMs: number;
}

/** ProducerPerformance; its summary line: "N records sent, R records/sec (M MB/sec), A ms avg latency, ... P ms 99th, ...". */
export async function producerPerformance(bootstrap: string, topic: string, records: number, recordSize: number,
  props: Record<string, string>, timeoutMs = 600_000, toolArgs: string[] = []): Promise<ProduceResult> {
  const out = await java('org.apache.kafka.tools.ProducerPerformance', ['--topic', topic, '--num-records', String(records),
    '--record-size', String(recordSize), '--throughput', '-1', ...toolArgs, '--producer-props', `bootstrap.servers=${bootstrap}`,
    ...Object.entries(props).map(([k, v]) => `${k}=${v}`)], timeoutMs);
  const line = out.trim().split('\n').reverse().find((l) => l.includes('records sent'));
  const m = line && /records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency.*?(\d+) ms 99th/.exec(line);
  if (!m) throw new Error(`ProducerPerformance: no summary line in:\n${out.slice(-1500)}`);
  return { recordsPerSec: Number(m[1]), mibPerSec: Number(m[2]), avgLatencyMs: Number(m[3]), p99LatencyMs: Number(m[4]) };
}

export interface ConsumeResult {
  /** fetch.MB.sec: MiB/s over the fetch time (after the group's join) */
  mibPerSec: number;
  msgPerSec: number;
  mib: number;
  rebalanceMs: number;
}

/** ConsumerPerformance; a CSV header line and a values line. */
export async function consumerPerformance(bootstrap: string, topic: string, messages: number, group: string,
  timeoutMs = 600_000): Promise<ConsumeResult> {
  const out = await java('org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', bootstrap, '--topic', topic,
    '--messages', String(messages), '--group', group, '--timeout', '30000'], timeoutMs);
  const lines = out.trim().split('\n').filter((l) => l.includes(','));
  const header = lines.find((l) => l.includes('fetch.MB.sec'))?.split(',').map((s) => s.trim());
  const values = lines.at(-1)?.split(',').map((s) => s.trim());
  if (!header || !values || values.length !== header.length) throw new Error(`ConsumerPerformance: cannot parse:\n${out.slice(-1500)}`);
  const get = (k: string) => Number(values[header.indexOf(k)]);
  const consumed = get('data.consumed.in.nMsg');
  if (consumed < messages) throw new Error(`ConsumerPerformance consumed ${consumed} of ${messages}`);
  return { mibPerSec: get('fetch.MB.sec'), msgPerSec: get('fetch.nMsg.sec'), mib: get('data.consumed.in.MB'), rebalanceMs: get('rebalance.time.ms') };
}

/** Runs a single-file Java program from bench/java (Java 11+ source launcher); returns its last JSON line. */
export async function javaProgram<T>(file: string, args: string[], timeoutMs: number): Promise<T> {
  const out = await java(path.join(javaSourcesDir, file), args, timeoutMs);
  const json = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!json) throw new Error(`${file}: no JSON result in:\n${out.slice(-1500)}`);
  return JSON.parse(json) as T;
}

export { MIB };
