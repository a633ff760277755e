/**
 * Kafka's config value validation (ConfigDef.parseType and its validators) for the kinds of
 * values topic and broker configs take, with Kafka's messages word for word:
 *   "Invalid value <parsed value> for configuration <name>: <why>".
 * Numbers are parsed as Java does (optional sign, surrounding blanks trimmed, INT and LONG
 * ranges); a DOUBLE is printed back as Java's Double.toString would ("2" -> "2.0").
 */
export type Validator =
  | { kind: 'int' | 'long'; min?: number; max?: number }
  | { kind: 'double'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'string'; oneOf?: readonly string[] }
  | { kind: 'list'; oneOf?: readonly string[] }
  /** -1, or 1..9 (GzipCompression's level validator). */
  | { kind: 'gzip-level' }
  /** '*' or partition:broker pairs (Kafka's ThrottledReplicaListValidator). */
  | { kind: 'throttled' }
  /** remote.storage.enable: Brooklet has no tiered storage, so only false (as Kafka with it off). */
  | { kind: 'remote-storage' };

const INT_RANGE = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const LONG_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;

export function validateValue(name: string, raw: string, v: Validator): string | null {
  const bad = (shown: string, why: string) => `Invalid value ${shown} for configuration ${name}: ${why}`;
  const value = raw.trim();
  switch (v.kind) {
    case 'int':
    case 'long': {
      const n = parseInteger(value, v.kind === 'int' ? INT_RANGE : LONG_RANGE);
      if (n === null) return bad(value, `Not a number of type ${v.kind.toUpperCase()}`);
      return rangeProblem(n, v.min, v.max, String(n), bad);
    }
    case 'gzip-level': {
      const n = parseInteger(value, INT_RANGE);
      if (n === null) return bad(value, 'Not a number of type INT');
      return n === -1n || (n >= 1n && n <= 9n) ? null : bad(String(n), 'Value must be between 1 and 9 or equal to -1');
    }
    case 'double': {
      const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(n)) return bad(value, 'Not a number of type DOUBLE');
      return rangeProblem(n, v.min, v.max, javaDouble(n), bad);
    }
    case 'boolean':
      return /^(true|false)$/i.test(value) ? null : bad(value, 'Expected value to be either true or false');
    case 'string':
      return !v.oneOf || v.oneOf.includes(value) ? null : bad(value, `String must be one of: ${v.oneOf.join(', ')}`);
    case 'list': {
      if (!v.oneOf) return null;
      const wrong = splitList(value).find((item) => !v.oneOf!.includes(item));
      return wrong === undefined ? null : bad(wrong, `String must be one of: ${v.oneOf.join(', ')}`);
    }
    case 'throttled': {
      const items = splitList(value);
      const ok = (items.length === 1 && items[0] === '*') || items.every((i) => /^\d+:\d+$/.test(i));
      return ok ? null : bad(`[${items.join(', ')}]`, `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`);
    }
    case 'remote-storage':
      if (!/^(true|false)$/i.test(value)) return bad(value, 'Expected value to be either true or false');
      return value.toLowerCase() === 'false' ? null
        : 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.';
  }
}

/** A LIST config's items: comma-separated, blanks trimmed, empty items dropped (as Kafka). */
export function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function parseInteger(value: string, [lo, hi]: readonly [bigint, bigint]): bigint | null {
  if (!/^[+-]?\d+$/.test(value)) return null;
  const n = BigInt(value);
  return n < lo || n > hi ? null : n;
}

function rangeProblem(n: bigint | number, min: number | undefined, max: number | undefined, shown: string,
  bad: (shown: string, why: string) => string): string | null {
  if (min !== undefined && n < min) return bad(shown, `Value must be at least ${min}`);
  if (max !== undefined && n > max) return bad(shown, `Value must be no more than ${max}`);
  return null;
}

/** Java's Double.toString for the values configs take: integral values keep a ".0". */
function javaDouble(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e7 ? `${n}.0` : String(n);
}
