/**
 * Seeds for the fuzzer: real client requests (the captured handshake fixtures) and, for every
 * version of every requested API, a request encoded from sample values twice (every field set,
 * and every nullable field null). Frames exclude the 4-byte size prefix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESSAGE_SPECS, encodeRequestFrame } from '../../protocol/index.js';
import { sampleStruct } from '../protocol/sample-values.js';
import type { Seed } from './mutate.js';
import { traceLengthFields } from './trace.js';

export interface ApiRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** Finds test/protocol/fixtures from the source tree or from dist/test/fuzz (bench builds). */
function fixturesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'protocol', 'fixtures');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('test/protocol/fixtures not found');
}

export function fixtureSeeds(): Seed[] {
  const dir = fixturesDir();
  return fs.readdirSync(dir).filter((f) => f.endsWith('.hex')).sort().map((f) => {
    const frame = Buffer.from(fs.readFileSync(path.join(dir, f), 'utf8').trim(), 'hex').subarray(4);
    return { frame, lengths: traceLengthFields(frame) };
  });
}

export function sampleSeeds(ranges: readonly ApiRange[]): Seed[] {
  const seeds: Seed[] = [];
  for (const { apiKey, minVersion, maxVersion } of ranges) {
    const spec = MESSAGE_SPECS.get(apiKey)?.request;
    if (!spec) continue;
    for (let v = minVersion; v <= maxVersion; v++) {
      for (const mode of ['values', 'nulls'] as const) {
        const body = sampleStruct(spec.fields, v, apiKey + v, mode);
        const frame = Buffer.concat(encodeRequestFrame(apiKey, v, 1000 + v, 'fuzz', body)).subarray(4);
        seeds.push({ frame, lengths: traceLengthFields(frame) });
      }
    }
  }
  return seeds;
}

/** Every request version the protocol layer can decode. */
export function allDecodableRanges(): ApiRange[] {
  return [...MESSAGE_SPECS].map(([apiKey, { request }]) => ({
    apiKey, minVersion: request.validVersions[0], maxVersion: request.validVersions[1],
  }));
}
