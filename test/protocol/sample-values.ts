// Builds a sample value for any message table and version: every field that exists in the
// version gets a non-default value (arrays with two elements, tagged fields set); fields
// absent from the version hold the default the decoder will fill in.

import { defaultValue, inRange, type FieldSpec, type Struct } from '../../protocol/index.js';

export type NullMode = 'values' | 'nulls';

function primitive(f: FieldSpec, seed: number): unknown {
  switch (f.type) {
    case 'int8': return (seed % 100) + 1;
    case 'int16': return 1000 + seed;
    case 'int32': return 100_000 + seed;
    case 'uint16': return 40_000 + seed;
    case 'uint32': return 3_000_000_000 + seed;
    case 'int64': return 2 ** 40 + seed;
    case 'float64': return 1.5 + seed;
    case 'bool': return f.default !== true;
    case 'string': return `${f.name}-${seed}-é`;
    case 'bytes': return Buffer.from(`bytes-${seed}`);
    case 'uuid': return Buffer.alloc(16, seed + 1);
    case 'records': return Buffer.from(`records-${seed}`);
    default: throw new Error(`no sample for ${f.type}`);
  }
}

function sampleField(f: FieldSpec, version: number, seed: number, mode: NullMode): unknown {
  if (mode === 'nulls' && inRange(f.nullable, version)) return null;
  if (f.array) {
    return [0, 1].map((i) => f.type === 'struct'
      ? sampleStruct(f.fields ?? [], version, seed * 3 + i + 1, mode)
      : primitive(f, seed * 3 + i + 1));
  }
  if (f.type === 'struct') return sampleStruct(f.fields ?? [], version, seed + 1, mode);
  return primitive(f, seed);
}

export function sampleStruct(fields: readonly FieldSpec[], version: number, seed: number, mode: NullMode): Struct {
  const out: Struct = {};
  fields.forEach((f, i) => {
    out[f.name] = inRange(f.versions, version) ? sampleField(f, version, seed + i, mode) : defaultValue(f);
  });
  return out;
}
