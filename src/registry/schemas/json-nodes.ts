/**
 * What kind of schema a JSON Schema node is, for the compatibility rules (json-compat.ts):
 * "$ref" followed (inside its document, or into a reference by name with an optional pointer),
 * a "type" list turned into an anyOf of one-type schemas, a combiner with other keywords beside
 * it turned into an allOf, and the kind read from "type" or, when absent, from the keywords used
 * (as validators read schemas). Annotations (title, description, default, $id, ...) and unknown
 * keywords do not constrain, so a schema of only those accepts anything.
 */

export type Obj = Record<string, any>;

/** A schema node and where its "$ref"s resolve: its parsed schema and the document it sits in. */
export interface Node {
  json: unknown;
  schema: RefScope;
  doc?: unknown;
}

export type Classified =
  | { kind: 'empty' | 'false' | 'string' | 'object' | 'array' | 'boolean' | 'null' | 'enum' | 'const' | 'not'; label: string; json: Obj }
  | { kind: 'number'; label: string; json: Obj; integer: boolean }
  | { kind: 'opaque'; label: string; json: Obj }
  | { kind: 'combined'; label: string; json: Obj; criterion: 'allOf' | 'anyOf' | 'oneOf'; branches: Node[] };

const KEYWORDS: Record<string, string[]> = {
  object: ['properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'dependencies', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties'],
  array: ['items', 'additionalItems', 'prefixItems', 'contains', 'minItems', 'maxItems', 'uniqueItems', 'minContains', 'maxContains', 'unevaluatedItems'],
  string: ['minLength', 'maxLength', 'pattern', 'format', 'contentEncoding', 'contentMediaType'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
};
const COMBINERS = ['allOf', 'anyOf', 'oneOf'] as const;
const MAX_REF_HOPS = 32;

/** Follows "$ref"s from a node to the schema it names (a node without one is returned as is). */
export function deref(node: Node): Node {
  let current = node;
  for (let hops = 0; hops < MAX_REF_HOPS; hops++) {
    const json = current.json as Obj;
    if (json === null || typeof json !== 'object' || typeof json.$ref !== 'string') return current;
    const next = resolveRef(current, json.$ref);
    if (!next) return current;
    current = next;
  }
  return current;
}

function resolveRef(node: Node, ref: string): Node | undefined {
  const found = resolveIn(node.schema, node.doc ?? node.schema.json, ref);
  return found && { json: found.json, schema: node.schema, doc: found.doc };
}

/** Where "$ref"s look: the schema itself and its references by name. */
export interface RefScope {
  readonly json: unknown;
  readonly referenced: ReadonlyMap<string, unknown>;
}

/**
 * Resolves a "$ref" met inside `doc`: a fragment ("#/json/pointer", "#anchor") within that
 * document; otherwise a reference by its name, or a document or subschema by its "$id" (also
 * relative to the document's own "$id"), then the fragment within it.
 */
export function resolveIn(scope: RefScope, doc: unknown, ref: string): { json: unknown; doc: unknown } | undefined {
  const hash = ref.indexOf('#');
  const target = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  let base = doc;
  if (target !== '') {
    base = scope.referenced.get(target);
    if (base === undefined) {
      const absolute = absoluteId(target, (doc as Obj)?.$id);
      base = findById(scope, (id) => id === target || id === absolute);
    }
    if (base === undefined) return undefined;
  }
  if (fragment === '') return { json: base, doc: base };
  if (fragment.startsWith('/')) {
    const json = walkPointer(base, fragment);
    return json === undefined ? undefined : { json, doc: base };
  }
  const json = findSub(base, (s) => s.$anchor === fragment || s.$id === `#${fragment}`);
  return json === undefined ? undefined : { json, doc: base };
}

function absoluteId(target: string, baseId: unknown): string | undefined {
  try {
    return typeof baseId === 'string' ? new URL(target, baseId).href : undefined;
  } catch {
    return undefined;
  }
}

function findById(scope: RefScope, match: (id: string) => boolean): unknown {
  for (const doc of [scope.json, ...scope.referenced.values()]) {
    const hit = findSub(doc, (s) => typeof s.$id === 'string' && match(s.$id.replace(/#$/, '')));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** Keywords whose values are data, not schemas: never searched for "$id" or "$ref". */
export const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

/** The first subschema of `doc` (itself included) that `match` accepts. */
function findSub(doc: unknown, match: (s: Obj) => boolean): unknown {
  const stack = [doc];
  while (stack.length > 0) {
    const at = stack.pop();
    if (at === null || typeof at !== 'object') continue;
    if (!Array.isArray(at) && match(at as Obj)) return at;
    for (const [k, v] of Object.entries(at as Obj)) if (!DATA_KEYWORDS.has(k)) stack.push(v);
  }
  return undefined;
}

function walkPointer(doc: unknown, pointer: string): unknown {
  let at: any = doc;
  for (const raw of pointer.split('/').slice(1)) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined; // a malformed %-escape names nothing
    }
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

export function classify(input: Node): Classified {
  const node = deref(input);
  const raw = node.json;
  if (raw === true) return { kind: 'empty', label: 'anything', json: {} };
  if (raw === false) return { kind: 'false', label: 'nothing', json: {} };
  const json = (raw ?? {}) as Obj;
  if (typeof json.$ref === 'string') return { kind: 'opaque', label: `$ref ${json.$ref}`, json };
  const combiners = COMBINERS.filter((c) => Array.isArray(json[c]));
  const rest: Obj = { ...json };
  for (const c of combiners) delete rest[c];
  const sibling = (json: unknown): Node => ({ json, schema: node.schema, doc: node.doc });
  if (combiners.length > 0) {
    const constrains = kindOf(rest) !== undefined || Array.isArray(rest.type);
    if (combiners.length === 1 && !constrains) {
      const c = combiners[0];
      return { kind: 'combined', label: c, json, criterion: c, branches: (json[c] as unknown[]).map(sibling) };
    }
    const parts = [...(constrains ? [rest] : []), ...combiners.map((c) => ({ [c]: json[c] }))];
    return { kind: 'combined', label: 'allOf', json, criterion: 'allOf', branches: parts.map(sibling) };
  }
  if (Array.isArray(json.type)) {
    if (json.type.length === 1) return classify(sibling({ ...json, type: json.type[0] }));
    const branches = (json.type as string[]).map((t) => sibling({ ...json, type: t }));
    return { kind: 'combined', label: `[${json.type.join(', ')}]`, json, criterion: 'anyOf', branches };
  }
  if (Array.isArray(json.enum)) return { kind: 'enum', label: 'enum', json };
  if ('const' in json) return { kind: 'const', label: 'const', json };
  if ('not' in json) return { kind: 'not', label: 'not', json };
  const kind = kindOf(json);
  if (kind === undefined) return { kind: 'empty', label: 'anything', json };
  if (kind === 'integer' || kind === 'number') return { kind: 'number', label: kind, json, integer: kind === 'integer' };
  return { kind: kind as 'string', label: kind, json };
}

function kindOf(json: Obj): string | undefined {
  if (typeof json.type === 'string') return json.type;
  if (Array.isArray(json.enum) || 'const' in json || 'not' in json) return 'enum';
  for (const [kind, words] of Object.entries(KEYWORDS)) if (words.some((w) => w in json)) return kind;
  return undefined;
}
