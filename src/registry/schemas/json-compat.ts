/**
 * JSON Schema compatibility, after the Confluent registry's change rules. A reader schema can read
 * what a writer schema wrote when every document valid under the writer is valid under the
 * reader, judged change by change (json-rules.ts lists each change and whether it is safe):
 * - content models: an object is open when it has no patternProperties and additionalProperties
 *   is absent or true; closed when additionalProperties is false; partially open when
 *   patternProperties or an additionalProperties schema covers unnamed properties. Adding a
 *   property is safe only to a closed model (or where the partial model's schema already covers
 *   it), or with an empty schema ({} or true) to an open one; removing a property is safe only
 *   from an open model (or where the reader's partial model covers it), or when it was `false`;
 * - required: removing a requirement is safe; adding one is safe only with a default;
 * - types: a schema of another kind breaks, except when the reader accepts anything or the writer
 *   accepted nothing; integer widened to number is safe, narrowed is not; a type joining a union
 *   (["string"] to ["string","null"], or a new anyOf/oneOf branch) is safe, leaving one is not;
 * - bounds (maxLength, maximum, maxItems, maxProperties and their min/exclusive kin, multipleOf,
 *   pattern, uniqueItems): relaxing or removing one is safe, adding or tightening one is not;
 * - enum: adding values is safe, removing or changing them is not; const must stay the same;
 * - allOf/anyOf/oneOf: each writer branch must be matched by a compatible reader branch; changing
 *   to anyOf, or from a single branch, is safe; allOf losing a branch is safe.
 * "$ref" is followed inside the schema and into references; a cycle is compared once.
 */
import type { JsonSchema } from './json-schema.js';
import { classify, type Node } from './json-nodes.js';
import { compareArrays, compareNumbers, compareObjects, compareStrings, Diffs, MAX_STEPS } from './json-rules.js';

export function jsonBreaks(reader: JsonSchema, writer: JsonSchema): string[] {
  const diffs = new Diffs();
  compare(diffs, { json: writer.json, schema: writer }, { json: reader.json, schema: reader }, '#');
  if (diffs.exhausted) return [`#: the schemas are too complex to compare (over ${MAX_STEPS} steps)`];
  return diffs.breaks;
}

/** Records what changed from `original` (the writer) to `update` (the reader). */
export function compare(d: Diffs, originalNode: Node, updateNode: Node, path: string): void {
  const original = classify(originalNode);
  const update = classify(updateNode);
  if (original.kind === 'combined' && update.kind !== 'combined' && original.branches.length === 1) {
    return compare(d, original.branches[0], updateNode, path);
  }
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.branches.length === 1) return compare(d, originalNode, update.branches[0], path);
    if (update.criterion !== 'allOf') {
      // The writer's type joined a union: safe when one branch reads it.
      if (update.branches.some((b) => d.compatibleWith((s) => compare(s, originalNode, b, path)))) return;
    }
  }
  if (update.kind === 'empty' || original.kind === 'false') return; // the reader takes anything / the writer wrote nothing
  if (original.kind !== update.kind) {
    d.breaking(path, `type changed from ${original.label} to ${update.label}`);
    return;
  }
  if (!d.enter(original.json, update.json)) return; // a recursive schema already being compared
  try {
    compareSameKind(d, original, update, originalNode, updateNode, path);
  } finally {
    d.leave(original.json, update.json);
  }
}

type Classified = ReturnType<typeof classify>;

function compareSameKind(d: Diffs, original: Classified, update: Classified, originalNode: Node, updateNode: Node, path: string): void {
  switch (original.kind) {
    case 'string':
      return compareStrings(d, original.json, update.json, path);
    case 'number':
      return compareNumbers(d, original.json, update.json, path, original.integer, (update as { integer: boolean }).integer);
    case 'object':
      return compareObjects(d, originalNode, updateNode, path);
    case 'array':
      return compareArrays(d, originalNode, updateNode, path);
    case 'enum': {
      const was = original.json.enum as unknown[];
      const now = update.json.enum as unknown[];
      const has = (list: unknown[], v: unknown) => list.some((x) => JSON.stringify(x) === JSON.stringify(v));
      const lost = was.filter((v) => !has(now, v));
      if (lost.length > 0) d.breaking(path, `the reader's enum lacks ${lost.map((v) => JSON.stringify(v)).join(', ')}`);
      return;
    }
    case 'const':
      if (JSON.stringify(original.json.const) !== JSON.stringify(update.json.const)) {
        d.breaking(path, `const changed from ${JSON.stringify(original.json.const)} to ${JSON.stringify(update.json.const)}`);
      }
      return;
    case 'not':
      // "not" turns the rule around: the reader may exclude less than the writer did.
      compare(d, { json: update.json.not, schema: updateNode.schema }, { json: original.json.not, schema: originalNode.schema }, `${path}/not`);
      return;
    case 'combined':
      return compareCombined(d, original, update as typeof original, path);
    default:
      return; // boolean and null have nothing more to compare
  }
}

type Combined = Extract<ReturnType<typeof classify>, { kind: 'combined' }>;

function compareCombined(d: Diffs, original: Combined, update: Combined, path: string): void {
  const from = original.criterion;
  const to = update.criterion;
  if (from !== to) {
    const single = original.branches.length === 1;
    const safe = to === 'anyOf' || (to === 'oneOf' && single) || (to === 'allOf' && single && update.branches.length === 1);
    if (!safe) {
      d.breaking(path, `${from} changed to ${to}`);
      return;
    }
  }
  const n = original.branches.length;
  const m = update.branches.length;
  if (n < m && to === 'allOf') d.breaking(path, `allOf has more branches in the reader (${m}) than in the writer (${n}): a condition written data need not meet`);
  if (n > m && to !== 'allOf') d.breaking(path, `${to} has fewer branches in the reader (${m}) than in the writer (${n}): data of the missing branch fails`);
  // A maximum matching of writer branches to compatible reader branches.
  const ok: boolean[][] = original.branches.map((o, i) =>
    update.branches.map((u) => d.compatibleWith((s) => compare(s, o, u, `${path}/${from}/${i}`))),
  );
  const matchOfUpdate = new Array<number>(m).fill(-1);
  const tryMatch = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < m; j++) {
      if (!ok[i][j] || seen[j]) continue;
      seen[j] = true;
      if (matchOfUpdate[j] < 0 || tryMatch(matchOfUpdate[j], seen)) {
        matchOfUpdate[j] = i;
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let i = 0; i < n; i++) if (tryMatch(i, new Array<boolean>(m).fill(false))) matched++;
  if (matched < Math.min(n, m)) d.breaking(path, `some ${from} branch of the writer has no compatible branch in the reader`);
}
