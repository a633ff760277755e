/**
 * The Produce handler's own cost, without a network or a client: CPU time (user + system) per
 * call of the handler with one 16-record batch (60-byte values, acks=1), after warm-up, on a
 * fresh partition, for a topic's compression.type:
 *   default     no compression.type set (the producer's codec is kept)
 *   producer    compression.type=producer set on the topic
 *   same        compression.type=zstd, batches already zstd (one header walk, nothing opened)
 *   recompress  compression.type=zstd, batches gzip (opened and re-compressed)
 * CPU time rather than wall time, so a busy shared machine moves it less. Run it at two
 * revisions to see what a change to the produce path costs:
 *   node dist/bench/produce-handler-cpu.js [--calls N] [--arms default,producer,...]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeRecordBatch, type Compression } from '../protocol/records.js';
import { LogManager } from '../storage/log-manager.js';
import { produce } from '../src/broker/handlers/00-produce.js';
import { FetchWaiters } from '../src/broker/fetch-waiters.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200000' }, arms: { type: 'string', default: 'default,producer,same,recompress' } } });
const CALLS = Number(values.calls);
const ARMS: Record<string, { configs: Record<string, string>; codec: Compression; calls: number }> = {
  default: { configs: {}, codec: 'none', calls: CALLS },
  producer: { configs: { 'compression.type': 'producer' }, codec: 'none', calls: CALLS },
  same: { configs: { 'compression.type': 'zstd' }, codec: 'zstd', calls: CALLS },
  recompress: { configs: { 'compression.type': 'zstd' }, codec: 'gzip', calls: Math.ceil(CALLS / 20) },
};

for (const arm of values.arms.split(',')) {
  const { configs, codec, calls } = ARMS[arm]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-produce-handler-'));
  try {
    const logs = LogManager.open({ dataDir: dir, defaults: { segmentBytes: 256 << 20 } });
    logs.createTopic('t', 1, configs);
    const ctx = { broker: { logs, waiters: new FetchWaiters() }, apiVersion: 8 } as unknown as Parameters<typeof produce.handle>[1];
    const template = encodeRecordBatch({ records: Array.from({ length: 16 }, (_, i) => ({ key: null, value: Buffer.alloc(60, i) })), timestamp: 1_700_000_000_000, compression: codec });
    // The handler writes offsets into the buffer it is given: a few copies, reused.
    const requests = Array.from({ length: 64 }, () => ({
      transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from(template) }] }],
    })) as unknown as Parameters<typeof produce.handle>[0][];
    const call = (i: number): void => {
      const res = produce.handle(requests[i & 63]!, ctx) as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
      if (res.responses[0]!.partitionResponses[0]!.errorCode !== 0) throw new Error(`produce failed: ${JSON.stringify(res)}`);
    };
    for (let i = 0; i < Math.ceil(calls / 10); i++) call(i);
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) call(i);
    const cpu = process.cpuUsage(cpu0);
    logs.close();
    console.log(JSON.stringify({ arm, calls, cpuMicrosPerCall: +((cpu.user + cpu.system) / calls).toFixed(3) }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
