/**
 * The per-keyword JSON Schema change rules (see json-compat.ts for the summary), comparing a
 * writer's node (`original`) with a reader's (`update`). Each rule records a break with the path
 * and what changed; safe changes record nothing.
 */
import { compare } from './json-compat.js';
import { classify, deref, type Node, type Obj } from './json-nodes.js';

/** The comparisons one check may make: a bound on pathological schemas (many combiners). */
export const MAX_STEPS = 50_000;

export class Diffs {
  readonly breaks: string[] = [];
  constructor(
    /** Pairs being compared right now (the recursion's stack), to stop at a recursive schema. */
    private readonly seen = new Map<object, Set<object>>(),
    private readonly steps = { left: MAX_STEPS },
  ) {}
  /** Whether the step budget ran out (the comparison is then reported as a break). */
  get exhausted(): boolean {
    return this.steps.left < 0;
  }
  breaking(path: string, text: string): void {
    this.breaks.push(`${path}: ${text}`);
  }
  /** Whether the comparison `fn` makes finds no break (its breaks are not kept). */
  compatibleWith(fn: (d: Diffs) => void): boolean {
    const sub = new Diffs(this.seen, this.steps);
    fn(sub);
    return sub.breaks.length === 0 && !this.exhausted;
  }
  /** False when this pair is already being compared (a recursive schema) or the budget is spent. */
  enter(original: object, update: object): boolean {
    if (--this.steps.left < 0) return false;
    let set = this.seen.get(original);
    if (!set) this.seen.set(original, (set = new Set()));
    if (set.has(update)) return false;
    set.add(update);
    return true;
  }
  /** Ends what `enter` began. */
  leave(original: object, update: object): void {
    this.seen.get(original)?.delete(update);
  }
}

const child = (node: Node, json: unknown): Node => ({ json, schema: node.schema, doc: node.doc });
const esc = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** A bound that may only be relaxed: `looser(a, b)` says b is looser than a. */
function bound(d: Diffs, path: string, name: string, was: unknown, now: unknown, looser: (a: number, b: number) => boolean): void {
  if (typeof was !== 'number' && typeof now !== 'number') return;
  if (typeof now !== 'number') return; // removed: safe
  if (typeof was !== 'number') return d.breaking(`${path}/${name}`, `${name} ${now} added`);
  if (was !== now && !looser(was, now)) d.breaking(`${path}/${name}`, `${name} tightened from ${was} to ${now}`);
}
const up = (a: number, b: number) => b > a;
const down = (a: number, b: number) => b < a;

export function compareStrings(d: Diffs, o: Obj, u: Obj, path: string): void {
  bound(d, path, 'maxLength', o.maxLength, u.maxLength, up);
  bound(d, path, 'minLength', o.minLength, u.minLength, down);
  if (u.pattern !== undefined && u.pattern !== o.pattern) {
    d.breaking(`${path}/pattern`, o.pattern === undefined ? `pattern ${JSON.stringify(u.pattern)} added` : `pattern changed from ${JSON.stringify(o.pattern)} to ${JSON.stringify(u.pattern)}`);
  }
}

export function compareNumbers(d: Diffs, o: Obj, u: Obj, path: string, wasInteger: boolean, isInteger: boolean): void {
  bound(d, path, 'maximum', o.maximum, u.maximum, up);
  bound(d, path, 'minimum', o.minimum, u.minimum, down);
  bound(d, path, 'exclusiveMaximum', o.exclusiveMaximum, u.exclusiveMaximum, up);
  bound(d, path, 'exclusiveMinimum', o.exclusiveMinimum, u.exclusiveMinimum, down);
  const was = o.multipleOf;
  const now = u.multipleOf;
  if (typeof now === 'number' && was !== now) {
    const ratio = typeof was === 'number' ? was / now : NaN;
    // A divisor of the writer's step still accepts every written value.
    if (!(Math.abs(ratio - Math.round(ratio)) < 1e-9 && ratio >= 1)) {
      d.breaking(`${path}/multipleOf`, typeof was === 'number' ? `multipleOf changed from ${was} to ${now}` : `multipleOf ${now} added`);
    }
  }
  if (!wasInteger && isInteger) d.breaking(path, 'type narrowed from number to integer');
}

function isOpen(json: Obj): boolean {
  const pattern = json.patternProperties;
  const noPatterns = pattern === undefined || Object.keys(pattern).length === 0;
  return noPatterns && (json.additionalProperties === undefined || json.additionalProperties === true || isEmptyObject(json.additionalProperties));
}

function isEmptyObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

/**
 * A user's regular expression is run only when it has no quantified group holding a quantifier
 * ("(a+)+"), the shape that backtracks exponentially; such a pattern is treated as not matching,
 * which can only report a break, never hang.
 */
function patternMatches(pattern: string, key: string): boolean {
  if (/\([^()]*[+*?}][^()]*\)\s*[+*{]/.test(pattern)) return false;
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags).test(key);
    } catch {
      // not valid with Unicode escapes' stricter syntax: try without (as the schema was accepted)
    }
  }
  return false;
}

/** The schema a partially open content model gives a property it does not name. */
function coveringSchema(json: Obj, key: string): unknown {
  for (const [pattern, schema] of Object.entries((json.patternProperties ?? {}) as Obj)) {
    if (patternMatches(pattern, key)) return schema;
  }
  const ap = json.additionalProperties;
  return ap !== null && typeof ap === 'object' && !isEmptyObject(ap) ? ap : undefined;
}

export function compareObjects(d: Diffs, oNode: Node, uNode: Node, path: string): void {
  const oN = deref(oNode);
  const uN = deref(uNode);
  const o = oN.json as Obj;
  const u = uN.json as Obj;
  const oProps = (o.properties ?? {}) as Obj;
  const uProps = (u.properties ?? {}) as Obj;
  const oReq = new Set<string>(Array.isArray(o.required) ? o.required : []);
  const uReq = new Set<string>(Array.isArray(u.required) ? u.required : []);
  const hasDefault = (s: unknown) => s !== null && typeof s === 'object' && 'default' in (s as Obj);
  for (const key of Object.keys(oProps)) {
    if (key in uProps && !oReq.has(key) && uReq.has(key) && !hasDefault(uProps[key])) {
      d.breaking(`${path}/required/${esc(key)}`, `property "${key}" is required by the reader (not by the writer) and has no default`);
    }
  }
  for (const key of new Set([...Object.keys(oProps), ...Object.keys(uProps)])) {
    const at = `${path}/properties/${esc(key)}`;
    if (!(key in uProps)) {
      if (isOpen(u)) continue;
      const cover = coveringSchema(u, key);
      if (cover !== undefined) {
        if (!d.compatibleWith((s) => compare(s, child(oN, oProps[key]), child(uN, cover), at))) {
          d.breaking(at, `property "${key}" is not declared by the reader, whose pattern or additional properties do not accept the writer's values for it`);
        }
      } else if (oProps[key] !== false) {
        d.breaking(at, `property "${key}" is missing from the reader's closed content model, so written data holding it fails`);
      }
    } else if (!(key in oProps)) {
      if (isOpen(o)) {
        if (classify(child(uN, uProps[key])).kind !== 'empty') {
          d.breaking(at, `property "${key}" is new to the reader while the writer's content model is open (written data may hold any value under that name)`);
        }
        continue;
      }
      const cover = coveringSchema(o, key);
      if (cover !== undefined && !d.compatibleWith((s) => compare(s, child(oN, cover), child(uN, uProps[key]), at))) {
        d.breaking(at, `property "${key}" is new to the reader, but the writer's pattern or additional properties allowed other values under it`);
      }
      if (uReq.has(key) && !hasDefault(uProps[key])) d.breaking(at, `property "${key}" is required by the reader, has no default, and the writer does not declare it`);
    } else {
      compare(d, child(oN, oProps[key]), child(uN, uProps[key]), at);
    }
  }
  compareDependencies(d, oN, uN, path);
  const oPermits = o.additionalProperties !== false;
  const uPermits = u.additionalProperties !== false;
  const schemaOf = (v: unknown) => (v !== null && typeof v === 'object' && !isEmptyObject(v) ? v : undefined);
  const oAp = schemaOf(o.additionalProperties);
  const uAp = schemaOf(u.additionalProperties);
  const apPath = `${path}/additionalProperties`;
  if (oPermits && !uPermits) d.breaking(apPath, 'the reader sets additionalProperties to false, so written data with extra properties fails');
  else if (oPermits === uPermits && uAp !== undefined) {
    if (oAp === undefined) d.breaking(apPath, 'additionalProperties narrowed from anything to a schema');
    else compare(d, child(oN, oAp), child(uN, uAp), apPath);
  }
  bound(d, path, 'maxProperties', o.maxProperties, u.maxProperties, up);
  bound(d, path, 'minProperties', o.minProperties, u.minProperties, down);
}

function compareDependencies(d: Diffs, oN: Node, uN: Node, path: string): void {
  const lists = (j: Obj) => ({ ...(j.dependentRequired ?? {}), ...Object.fromEntries(Object.entries(j.dependencies ?? {}).filter(([, v]) => Array.isArray(v))) }) as Record<string, string[]>;
  const schemas = (j: Obj) => ({ ...(j.dependentSchemas ?? {}), ...Object.fromEntries(Object.entries(j.dependencies ?? {}).filter(([, v]) => !Array.isArray(v))) }) as Obj;
  const o = oN.json as Obj;
  const u = uN.json as Obj;
  const oLists = lists(o);
  const uLists = lists(u);
  for (const [key, now] of Object.entries(uLists)) {
    const was = oLists[key];
    const at = `${path}/dependencies/${esc(key)}`;
    if (was === undefined) d.breaking(at, `dependency of "${key}" added`);
    else if (!now.every((p) => was.includes(p))) d.breaking(at, `dependency of "${key}" now requires more properties`);
  }
  const oSchemas = schemas(o);
  for (const [key, now] of Object.entries(schemas(u))) {
    const at = `${path}/dependencies/${esc(key)}`;
    if (!(key in oSchemas)) d.breaking(at, `schema dependency of "${key}" added`);
    else compare(d, child(oN, oSchemas[key]), child(uN, now), at);
  }
}

export function compareArrays(d: Diffs, oNode: Node, uNode: Node, path: string): void {
  const oN = deref(oNode);
  const uN = deref(uNode);
  const o = oN.json as Obj;
  const u = uN.json as Obj;
  // Draft 2020-12 spells tuples prefixItems (then "items" is the rest); earlier drafts an items array.
  const tuple = (j: Obj): unknown[] => (Array.isArray(j.prefixItems) ? j.prefixItems : Array.isArray(j.items) ? j.items : []);
  const all = (j: Obj): unknown => (Array.isArray(j.items) || Array.isArray(j.prefixItems) ? undefined : j.items);
  const rest = (j: Obj): unknown => (Array.isArray(j.prefixItems) ? j.items : Array.isArray(j.items) ? j.additionalItems : undefined);
  if (all(o) !== undefined || all(u) !== undefined) compare(d, child(oN, all(o) ?? true), child(uN, all(u) ?? true), `${path}/items`);
  const oT = tuple(o);
  const uT = tuple(u);
  const open = (j: Obj) => rest(j) === undefined || rest(j) === true || isEmptyObject(rest(j));
  const cover = (j: Obj) => (rest(j) !== false && !open(j) ? rest(j) : undefined);
  for (let i = 0; i < Math.max(oT.length, uT.length); i++) {
    const at = `${path}/items/${i}`;
    if (i < oT.length && i < uT.length) compare(d, child(oN, oT[i]), child(uN, uT[i]), at);
    else if (i < oT.length) {
      if (open(u)) continue;
      const c = cover(u);
      if (c !== undefined ? !d.compatibleWith((s) => compare(s, child(oN, oT[i]), child(uN, c), at)) : oT[i] !== false) {
        d.breaking(at, `tuple item ${i} is missing from the reader, which does not accept the writer's values there`);
      }
    } else {
      if (open(o)) {
        if (classify(child(uN, uT[i])).kind !== 'empty') d.breaking(at, `tuple item ${i} is new to the reader while the writer's tuple is open (written data may hold anything there)`);
        continue;
      }
      const c = cover(o);
      if (c !== undefined && !d.compatibleWith((s) => compare(s, child(oN, c), child(uN, uT[i]), at))) {
        d.breaking(at, `tuple item ${i} is new to the reader, but the writer allowed other values there`);
      }
    }
  }
  if (oT.length > 0 || uT.length > 0) {
    const was = rest(o);
    const now = rest(u);
    const at = `${path}/additionalItems`;
    if (was !== false && now === false) d.breaking(at, 'additional items no longer allowed');
    else if (was !== false && now !== undefined && now !== true && !isEmptyObject(now)) {
      if (was === undefined || was === true || isEmptyObject(was)) d.breaking(at, 'additional items narrowed from anything to a schema');
      else compare(d, child(oN, was), child(uN, now), at);
    }
  }
  bound(d, path, 'maxItems', o.maxItems, u.maxItems, up);
  bound(d, path, 'minItems', o.minItems, u.minItems, down);
  bound(d, path, 'maxContains', o.maxContains, u.maxContains, up);
  bound(d, path, 'minContains', o.minContains, u.minContains, down);
  if (u.uniqueItems === true && o.uniqueItems !== true) d.breaking(`${path}/uniqueItems`, 'uniqueItems added');
}
