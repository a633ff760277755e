/**
 * AVRO schemas, parsed and validated by avsc.
 *
 * References: each reference is an Avro schema defining named types (records, enums, fixed); they
 * are parsed depth first into one avsc type registry, and the schema then names them by full name
 * (as the Confluent registry resolves them).
 *
 * Two text forms, both compact JSON with every key in a fixed order:
 * - canonical (what a lookup compares, and what the Confluent registry answers with): the schema
 *   as written, attributes kept (doc, default, aliases, order, logicalType, custom ones), so two
 *   texts that differ only in whitespace, key order or a primitive's long form ({"type":"int"})
 *   are the same schema;
 * - normalized() (registered and compared under `normalize=true`): in addition, every name is
 *   fully qualified (namespace folded in).
 */
import avsc from 'avsc';
import { checkBounds, checkReferenceBounds } from './bounds.js';
import { SchemaError, schemaError, type ParsedSchema, type ResolvedReference } from './types.js';

/** Records, enums and fixed types in a schema with its references (see bounds.ts for why). */
export const MAX_AVRO_NAMED_TYPES = 500;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
/** Avro's own attributes, in the order the Java implementation writes them. */
const KEY_ORDER = ['type', 'name', 'namespace', 'doc', 'fields', 'symbols', 'items', 'values', 'size', 'default', 'order', 'aliases', 'logicalType', 'precision', 'scale'];

export class AvroSchema implements ParsedSchema {
  readonly type = 'AVRO' as const;
  constructor(
    readonly canonical: string,
    /** The avsc type, references resolved: what the compatibility rules walk. */
    readonly avro: avsc.Type,
    private readonly json: unknown,
  ) {}
  normalized(): string {
    return JSON.stringify(normalize(this.json, ''));
  }
}

export function parseAvro(text: string, references: ResolvedReference[]): AvroSchema {
  checkBounds(text, 'json');
  checkReferenceBounds(references, 'json');
  const registry: Record<string, avsc.Type> = {};
  const seen = new Set<string>();
  const named = { count: 0 };
  const load = (refs: ResolvedReference[]): void => {
    for (const ref of refs) {
      if (ref.schemaType !== 'AVRO') throw new SchemaError(`reference ${JSON.stringify(ref.name)} is ${ref.schemaType}, not AVRO`);
      const key = `${ref.subject}/${ref.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      load(ref.references ?? []);
      const refJson = parseJson(ref.schema, `reference ${JSON.stringify(ref.name)}`);
      countNamed(refJson, named);
      toType(refJson, registry, `reference ${JSON.stringify(ref.name)}`);
    }
  };
  load(references);
  const json = parseJson(text, 'schema');
  countNamed(json, named);
  const type = toType(json, registry, 'schema');
  return new AvroSchema(JSON.stringify(ordered(json)), type, json);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // A bare name ("com.acme.Address") is valid Avro and not JSON.
    if (/^\s*[A-Za-z_][A-Za-z0-9_.]*\s*$/.test(text)) return text.trim();
    throw schemaError(what, `not JSON (${(err as Error).message})`);
  }
}

function countNamed(json: unknown, named: { count: number }): void {
  const stack = [json];
  while (stack.length > 0) {
    const at = stack.pop();
    if (at === null || typeof at !== 'object') continue;
    const type = (at as Record<string, unknown>).type;
    if (!Array.isArray(at) && typeof type === 'string' && ['record', 'error', 'enum', 'fixed'].includes(type) && ++named.count > MAX_AVRO_NAMED_TYPES) {
      throw new SchemaError(`more than ${MAX_AVRO_NAMED_TYPES} named types (records, enums, fixed)`);
    }
    for (const [k, v] of Object.entries(at)) if (k !== 'default') stack.push(v);
  }
}

function toType(json: unknown, registry: Record<string, avsc.Type>, what: string): avsc.Type {
  try {
    return avsc.Type.forSchema(json as avsc.Schema, { registry, wrapUnions: 'auto' });
  } catch (err) {
    throw schemaError(what, (err as Error).message);
  }
}

/**
 * The JSON with Avro's keys first in their fixed order, then any other keys by name; a primitive
 * written as {"type":"int"} is "int", as Avro's own parser reads it.
 */
function ordered(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(ordered);
  if (json === null || typeof json !== 'object') return json;
  const obj = json as Record<string, unknown>;
  if (typeof obj.type === 'string' && PRIMITIVES.has(obj.type) && Object.keys(obj).length === 1) return obj.type;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(obj);
  // A field (no "type" name of its own kind) leads with its name, as Avro writes fields.
  if (typeof obj.name === 'string' && 'type' in obj && !isNamedTypeKind(obj.type)) out.name = obj.name;
  for (const k of KEY_ORDER) if (k in obj) out[k] = k === 'default' ? obj[k] : ordered(obj[k]);
  for (const k of keys.filter((k) => !KEY_ORDER.includes(k)).sort()) out[k] = obj[k];
  return out;
}

function isNamedTypeKind(type: unknown): boolean {
  return type === 'record' || type === 'error' || type === 'enum' || type === 'fixed';
}

function qualify(name: string, namespace: string): string {
  if (name.includes('.') || PRIMITIVES.has(name) || namespace === '') return name;
  return `${namespace}.${name}`;
}

/** Full names everywhere, short primitives, keys in the fixed order (see the file's head). */
function normalize(json: unknown, namespace: string): unknown {
  if (typeof json === 'string') return qualify(json, namespace);
  if (Array.isArray(json)) return json.map((t) => normalize(t, namespace));
  if (json === null || typeof json !== 'object') return json;
  const obj = json as Record<string, unknown>;
  const type = obj.type;
  if (typeof type === 'string' && PRIMITIVES.has(type) && Object.keys(obj).length === 1) return type;
  const out: Record<string, unknown> = { ...obj };
  let ns = namespace;
  if (typeof obj.name === 'string' && (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed')) {
    const full = obj.name.includes('.') ? obj.name : qualify(obj.name, typeof obj.namespace === 'string' ? obj.namespace : namespace);
    out.name = full;
    delete out.namespace;
    ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
  }
  if (typeof type === 'object' && type !== null) out.type = normalize(type, ns);
  else if (typeof type === 'string' && !['record', 'error', 'enum', 'fixed', 'array', 'map'].includes(type)) out.type = qualify(type, ns);
  if (Array.isArray(obj.fields)) {
    out.fields = obj.fields.map((f) => {
      const field = { ...(f as Record<string, unknown>) };
      field.type = normalize(field.type, ns);
      return ordered(field);
    });
  }
  if (obj.items !== undefined) out.items = normalize(obj.items, ns);
  if (obj.values !== undefined) out.values = normalize(obj.values, ns);
  return ordered(out);
}
