/**
 * kcat (librdkafka's command-line client, from Debian) against a broker: produce with each codec,
 * consume as JSON, query offsets, read metadata. Fields that name the instance (ports, wall-clock
 * timestamps kcat stamps itself) are dropped before comparing.
 */
import type { Side } from '../differential/brokers.js';
import { createTopic } from '../differential/kafkajs-scenarios.js';
import { ok, run } from './processes.js';

export const KCAT_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export function kcat(args: string[], input?: string) {
  return run('kcat', args, { input, timeoutMs: 30_000 });
}

/** Produces 20 keyed records with headers (one kcat run per partition), consumes them as JSON. */
export function kcatRoundTrip(codec: string) {
  return async (side: Side) => {
    const topic = `kcat-${codec}`;
    await createTopic(side, topic, 2);
    for (const p of [0, 1]) {
      const input = Array.from({ length: 10 }, (_, i) => `key-${p}-${i}:value-${p}-${i}-${'z'.repeat(i * 7)}`).join('\n') + '\n';
      ok('kcat -P', await kcat(['-b', side.bootstrap, '-P', '-t', topic, '-p', String(p), '-K', ':', '-z', codec,
        '-H', `codec=${codec}`, '-H', 'dup=1', '-H', 'dup=2', '-X', 'linger.ms=50'], input));
    }
    const consumed = ok('kcat -C', await kcat(['-b', side.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']));
    return consumed.stdout.trim().split('\n').map((l) => {
      const { ts: _ts, broker: _broker, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    }).sort((a, b) => Number(a.partition) - Number(b.partition) || Number(a.offset) - Number(b.offset));
  };
}

/** kcat -L (Metadata) and -Q (ListOffsets by time: latest and earliest). */
export async function kcatMetadataAndOffsets(side: Side) {
  const topic = 'kcat-none';
  const meta = JSON.parse(ok('kcat -L', await kcat(['-b', side.bootstrap, '-L', '-J', '-t', topic])).stdout) as Record<string, any>;
  const query = async (t: number) => ok('kcat -Q', await kcat(['-b', side.bootstrap, '-Q', '-t', `${topic}:0:${t}`, '-t', `${topic}:1:${t}`]))
    .stdout.trim().split('\n').sort();
  return {
    topics: meta.topics, controllerid: meta.controllerid, brokers: meta.brokers.length,
    latest: await query(-1), earliest: await query(-2), future: await query(Date.now() + 3_600_000),
  };
}

/** A balanced consumer (-G): joins a group, reads to the end and commits. */
export async function kcatGroup(side: Side) {
  const r = ok('kcat -G', await kcat(['-b', side.bootstrap, '-G', 'kcat-group', '-o', 'beginning', '-e', '-J', '-q',
    '-X', 'topic.auto.offset.reset=earliest', 'kcat-none']));
  return r.stdout.trim().split('\n').map((l) => {
    const m = JSON.parse(l) as Record<string, unknown>;
    return `${m.partition}@${m.offset} ${m.key}`;
  }).sort();
}
