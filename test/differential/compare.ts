/**
 * Runs one scenario against both brokers with the same client and compares what it observed.
 *
 * A scenario is a function from a broker to a plain JSON-able observation (records, offsets,
 * error codes, ...), with anything that legitimately differs between two brokers (cluster ids,
 * topic ids, member ids, wall-clock times) already left out by the scenario. The observation from
 * Kafka is the reference: Kafka failing the scenario is a bug in the test; Brooklet failing it,
 * or observing anything different, is a Brooklet bug (unless README.md lists it as deliberate, in
 * which case the scenario normalises that field and says so).
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import type { Recorder } from '../matrix/results.js';
import type { BrokerPair, Side } from './brokers.js';

export async function differential<T>(rec: Recorder, client: string, scenario: string, pair: BrokerPair,
  run: (side: Side) => Promise<T>): Promise<{ kafka: T; brooklet: T }> {
  let kafka: T;
  try {
    kafka = await run(pair.kafka);
    rec.record(client, scenario, 'kafka', 'pass');
  } catch (err) {
    rec.record(client, scenario, 'kafka', 'FAIL', short(err));
    rec.record(client, scenario, 'brooklet', 'not run');
    throw err;
  }
  let brooklet: T;
  try {
    brooklet = await run(pair.brooklet);
  } catch (err) {
    rec.record(client, scenario, 'brooklet', 'FAIL', short(err));
    throw err;
  }
  const diff = firstDifference(kafka, brooklet);
  rec.record(client, scenario, 'brooklet', diff === null ? 'pass' : 'FAIL', diff ?? undefined);
  expect(brooklet, `${client} / ${scenario}: Brooklet differs from Kafka`).toEqual(kafka);
  return { kafka, brooklet };
}

/** "path: kafka=<v> brooklet=<v>" for the first field that differs, or null when equal. */
export function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: kafka=${clip(JSON.stringify(a))} brooklet=${clip(JSON.stringify(b))}`;
}

function clip(s: string | undefined): string {
  return s === undefined ? 'undefined' : s.length > 120 ? `${s.slice(0, 120)}...` : s;
}

function short(err: unknown): string {
  const e = err as Error;
  return `${e?.name ?? 'Error'}: ${(e?.message ?? String(err)).split('\n')[0]}`.slice(0, 200);
}
