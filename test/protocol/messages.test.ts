import { describe, expect, it } from 'vitest';
import {
  API_SPECS, MESSAGE_SPECS, ProtocolDecodeError, Writer, decodeRequestBody, decodeResponseBody,
  encodeRequestBody, encodeResponseBody, type MessageSpec,
} from '../../protocol/index.js';
import { sampleStruct, type NullMode } from './sample-values.js';

const IMPLEMENTED = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
  26, 28, 32, 33, 35, 36, 37, 42, 43, 44, 47, 60, 61, 65, 66, 75];

function codec(spec: MessageSpec) {
  return spec.kind === 'request'
    ? { encode: encodeRequestBody, decode: decodeRequestBody }
    : { encode: encodeResponseBody, decode: decodeResponseBody };
}

function versions(spec: MessageSpec): number[] {
  const out: number[] = [];
  for (let v = spec.validVersions[0]; v <= spec.validVersions[1]; v++) out.push(v);
  return out;
}

const cases: { spec: MessageSpec; version: number; mode: NullMode }[] = [];
for (const key of IMPLEMENTED) {
  const entry = MESSAGE_SPECS.get(key)!;
  for (const spec of [entry.request, entry.response]) {
    for (const version of versions(spec)) {
      for (const mode of ['values', 'nulls'] as const) cases.push({ spec, version, mode });
    }
  }
}

describe('API_SPECS', () => {
  it('lists every implemented api key with its version range and first flexible version', () => {
    expect([...API_SPECS.keys()].sort((a, b) => a - b)).toEqual(IMPLEMENTED);
    expect(API_SPECS.get(18)).toEqual({ apiKey: 18, name: 'ApiVersions', validVersions: { min: 0, max: 4 }, flexibleFrom: 3 });
    expect(API_SPECS.get(17)?.flexibleFrom).toBeNull();
    expect(API_SPECS.get(0)?.flexibleFrom).toBe(9);
  });
});

describe('round trip of every version of every message', () => {
  it.each(cases.map((c) => [c.spec.name, c.version, c.mode, c] as const))('%s v%i (%s)', (_n, _v, _m, c) => {
    const { encode, decode } = codec(c.spec);
    const value = sampleStruct(c.spec.fields, c.version, 7, c.mode);
    const w = new Writer();
    encode(c.spec.apiKey, c.version, value, w);
    const bytes = Buffer.concat(w.finish());
    expect(bytes.length).toBe(w.length);
    const decoded = decode(c.spec.apiKey, c.version, bytes, 0);
    expect(decoded).toEqual(value);
    const again = new Writer();
    encode(c.spec.apiKey, c.version, decoded, again);
    expect(Buffer.concat(again.finish()).equals(bytes)).toBe(true);
  });
});

describe('truncated bodies', () => {
  it('every proper prefix of a body either decodes or throws ProtocolDecodeError (never another error)', () => {
    let rejected = 0;
    for (const key of IMPLEMENTED) {
      const entry = MESSAGE_SPECS.get(key)!;
      for (const spec of [entry.request, entry.response]) {
        const version = spec.validVersions[1];
        const { encode, decode } = codec(spec);
        const w = new Writer();
        encode(key, version, sampleStruct(spec.fields, version, 3, 'values'), w);
        const bytes = Buffer.concat(w.finish());
        for (let cut = 0; cut < bytes.length; cut++) {
          try {
            decode(key, version, bytes.subarray(0, cut), 0);
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolDecodeError);
            rejected++;
          }
        }
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});

describe('corrupted bodies', () => {
  it('random byte corruption only ever raises ProtocolDecodeError', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let rejected = 0;
    for (const key of IMPLEMENTED) {
      const entry = MESSAGE_SPECS.get(key)!;
      for (const spec of [entry.request, entry.response]) {
        for (const version of new Set([spec.validVersions[0], spec.validVersions[1]])) {
          const { encode, decode } = codec(spec);
          const w = new Writer();
          encode(key, version, sampleStruct(spec.fields, version, 5, 'values'), w);
          const clean = Buffer.concat(w.finish());
          for (let round = 0; round < 50; round++) {
            const bytes = Buffer.from(clean);
            for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
            try {
              decode(key, version, bytes, 0);
            } catch (err) {
              expect(err).toBeInstanceOf(ProtocolDecodeError);
              rejected++;
            }
          }
        }
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('defaults and versions', () => {
  it('decodes fields absent in a version to their defaults', () => {
    // Fetch v3 has no isolation level (4+), session (7+) or rack id (11+).
    const w = new Writer();
    w.int32(-1).int32(500).int32(1).int32(1024).int32(0); // replicaId, maxWait, minBytes, maxBytes, no topics
    const req = decodeRequestBody(1, 3, Buffer.concat(w.finish()), 0);
    expect(req.maxWaitMs).toBe(500);
    expect(req.isolationLevel).toBe(0);
    expect(req.sessionEpoch).toBe(-1);
    expect(req.rackId).toBe('');
    expect(req.forgottenTopicsData).toEqual([]);
  });

  it('writes defaults for undefined response fields and skips fields absent in the version', () => {
    const w = new Writer();
    encodeResponseBody(1, 4, { responses: [{ topic: 't', partitions: [{ partitionIndex: 2, records: null }] }] }, w);
    const back = decodeResponseBody(1, 4, Buffer.concat(w.finish()), 0);
    const p = back.responses![0]!.partitions![0]!;
    expect(p.lastStableOffset).toBe(-1);
    expect(p.logStartOffset).toBe(-1); // v5+, absent in v4: default
    expect(p.abortedTransactions).toEqual([]);
    expect(back.throttleTimeMs).toBe(0);
  });

  it('rejects null in a non-nullable field: ProtocolDecodeError on decode, plain Error on encode', () => {
    // ListGroups v0 request is empty; use SaslHandshake v1 (mechanism: non-nullable string).
    const bad = Buffer.from([0xff, 0xff]);
    expect(() => decodeRequestBody(17, 1, bad, 0)).toThrow(ProtocolDecodeError);
    const w = new Writer();
    expect(() => encodeRequestBody(17, 1, { mechanism: null as unknown as string }, w)).toThrow(Error);
  });

  it('writes records given as a list of slices back to back without copying them', () => {
    const a = Buffer.alloc(1000, 1);
    const b = Buffer.alloc(500, 2);
    for (const version of [4, 12]) {
      const w = new Writer();
      encodeResponseBody(1, version, { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records: [a, b] }] }] }, w);
      const chunks = w.finish();
      expect(chunks).toContain(a);
      expect(chunks).toContain(b);
      const back = decodeResponseBody(1, version, Buffer.concat(chunks), 0);
      expect(back.responses![0]!.partitions![0]!.records).toEqual(Buffer.concat([a, b]));
    }
  });

  it('skips unknown tagged fields and reads known ones', () => {
    // ApiVersions v3 request: two compact strings then a tagged block with unknown tag 9.
    const w = new Writer();
    w.compactNullableString('lib').compactNullableString('1.0');
    w.uvarint(1).uvarint(9).uvarint(3).copy(Buffer.from([1, 2, 3]));
    const req = decodeRequestBody(18, 3, Buffer.concat(w.finish()), 0);
    expect(req).toEqual({ clientSoftwareName: 'lib', clientSoftwareVersion: '1.0' });
  });

  it('rejects a tagged field whose size exceeds the bytes left', () => {
    const w = new Writer();
    w.compactNullableString('lib').compactNullableString('1.0');
    w.uvarint(1).uvarint(9).uvarint(50).copy(Buffer.from([1, 2, 3]));
    expect(() => decodeRequestBody(18, 3, Buffer.concat(w.finish()), 0)).toThrow(ProtocolDecodeError);
  });

  it('refuses versions outside the spec', () => {
    expect(() => decodeRequestBody(18, 5, Buffer.alloc(10), 0)).toThrow(ProtocolDecodeError);
    expect(() => decodeRequestBody(99, 0, Buffer.alloc(10), 0)).toThrow(ProtocolDecodeError);
  });
});
