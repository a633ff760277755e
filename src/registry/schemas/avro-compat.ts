/**
 * Avro compatibility: can a reader schema read data written with a writer schema? Avro's schema
 * resolution rules (the specification's "Schema Resolution"), as the Confluent registry applies
 * them through Avro's own checker:
 * - primitives match themselves; the writer may be promoted: int to long, float or double; long
 *   to float or double; float to double; string to bytes and bytes to string;
 * - records, enums and fixed must have the same unqualified name, or the reader an alias for the
 *   writer's name;
 * - a reader field missing from the writer (by name or the reader field's aliases) needs a
 *   default; a writer field missing from the reader is skipped;
 * - a writer enum symbol the reader lacks breaks unless the reader enum has a default;
 * - fixed sizes must be equal; arrays and maps resolve their items and values;
 * - a writer union: every branch must be readable by the reader; a reader union: the writer (or
 *   each writer branch) must be readable by one of its branches.
 */
import type avsc from 'avsc';
import type { AvroSchema } from './avro.js';

type AnyType = avsc.Type & Record<string, any>;

const PROMOTIONS: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

export function avroBreaks(reader: AvroSchema, writer: AvroSchema): string[] {
  const out: string[] = [];
  check(reader.avro as AnyType, writer.avro as AnyType, '', out, new Set());
  return out;
}

function kind(t: AnyType): string {
  const name = t.typeName as string;
  return name.startsWith('union') ? 'union' : name === 'error' ? 'record' : name;
}

function describe(t: AnyType): string {
  return t.name ? `${kind(t)} ${t.name}` : kind(t);
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function namesMatch(reader: AnyType, writer: AnyType): boolean {
  const w = shortName(writer.name ?? '');
  if (shortName(reader.name ?? '') === w) return true;
  return (reader.aliases as string[]).some((a) => shortName(a) === w);
}

/**
 * The reader union's branch that a writer type resolves to, as Avro picks it: the first branch of
 * the same kind (and, for named types, a matching name), else the first the writer promotes to.
 * Only that branch is then checked in depth, so unions cost no more than their branches.
 */
function pickBranch(union: AnyType[], writer: AnyType): AnyType | undefined {
  const wk = kind(writer);
  const same = union.find((r) => kind(r) === wk && (!['record', 'enum', 'fixed'].includes(wk) || namesMatch(r, writer)));
  return same ?? union.find((r) => PROMOTIONS[wk]?.includes(kind(r)));
}

function check(reader: AnyType, writer: AnyType, path: string, out: string[], seen: Set<string>): void {
  const at = path || '/';
  const rk = kind(reader);
  const wk = kind(writer);
  if (wk === 'union') {
    (writer.types as AnyType[]).forEach((branch, i) => {
      if (rk === 'union') {
        const target = pickBranch(reader.types as AnyType[], branch);
        if (!target) out.push(`at ${at}: the writer's union branch ${i} (${describe(branch)}) matches no branch of the reader's union`);
        else check(target, branch, `${path}/${i}`, out, seen);
      } else {
        check(reader, branch, `${path}/${i}`, out, seen);
      }
    });
    return;
  }
  if (rk === 'union') {
    const target = pickBranch(reader.types as AnyType[], writer);
    if (!target) out.push(`at ${at}: the writer's ${describe(writer)} matches no branch of the reader's union`);
    else check(target, writer, path, out, seen);
    return;
  }
  if (rk !== wk) {
    if (!PROMOTIONS[wk]?.includes(rk)) out.push(`at ${at}: the writer's ${describe(writer)} cannot be read as ${describe(reader)}`);
    return;
  }
  switch (rk) {
    case 'record': {
      if (!namesMatch(reader, writer)) {
        out.push(`at ${at}: record name ${writer.name} cannot be read as ${reader.name} (names differ and no alias)`);
        return;
      }
      const key = `${reader.name}<-${writer.name}`;
      if (seen.has(key)) return; // a recursive type already being checked
      seen.add(key);
      const byName = new Map((writer.fields as AnyType[]).map((w) => [w.name as string, w]));
      for (const field of reader.fields as AnyType[]) {
        const names = [field.name as string, ...(field.aliases as string[])];
        const source = names.map((n) => byName.get(n)).find((w) => w !== undefined);
        if (source) check(field.type, source.type, `${path}/${field.name}`, out, seen);
        else if (field.defaultValue() === undefined) {
          out.push(`at ${path}/${field.name}: the reader's field "${field.name}" is missing from the writer and has no default`);
        }
      }
      return;
    }
    case 'enum': {
      if (!namesMatch(reader, writer)) {
        out.push(`at ${at}: enum name ${writer.name} cannot be read as ${reader.name} (names differ and no alias)`);
        return;
      }
      const missing = (writer.symbols as string[]).filter((s) => !(reader.symbols as string[]).includes(s));
      if (missing.length > 0 && reader.default === undefined) {
        out.push(`at ${at}: the reader's enum ${reader.name} lacks the writer's symbols ${missing.join(', ')} and has no default`);
      }
      return;
    }
    case 'fixed':
      if (!namesMatch(reader, writer)) out.push(`at ${at}: fixed name ${writer.name} cannot be read as ${reader.name} (names differ and no alias)`);
      else if (reader.size !== writer.size) out.push(`at ${at}: fixed ${reader.name} size changed from ${writer.size} to ${reader.size}`);
      return;
    case 'array':
      check(reader.itemsType, writer.itemsType, `${path}/items`, out, seen);
      return;
    case 'map':
      check(reader.valuesType, writer.valuesType, `${path}/values`, out, seen);
      return;
    default:
      return; // the same primitive
  }
}
