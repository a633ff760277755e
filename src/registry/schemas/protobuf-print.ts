/**
 * The canonical text of a .proto file, printed from protobufjs' reflection tree (see
 * protobuf.ts): one declaration per line, two-space indents, no comments. `sorted` gives the
 * normalized form: imports and options sorted, nested declarations sorted by name, fields by
 * number, enum values by number.
 */
import protobuf from 'protobufjs';

interface FileView {
  readonly declarations: readonly protobuf.ReflectionObject[];
  readonly options: Readonly<Record<string, unknown>> | undefined;
  readonly syntax: string;
  readonly packageName: string;
  readonly imports: readonly string[];
}

export function printProto(view: FileView, sorted: boolean): string {
  proto2 = view.syntax === 'proto2';
  const out: string[] = [`syntax = "${view.syntax}";`];
  if (view.packageName) out.push(`package ${view.packageName};`);
  const imports = sorted ? [...view.imports].sort() : view.imports;
  for (const i of imports) out.push(`import "${i}";`);
  out.push(...options(view.options as Record<string, unknown> | undefined, sorted, ''));
  for (const nested of ordered([...view.declarations], sorted)) printNested(nested, '', sorted, out);
  return out.join('\n') + '\n';
}

/** Whether the file being printed is proto2, where a plain field is written `optional`. */
let proto2 = false;

function ordered<T extends protobuf.ReflectionObject>(items: T[], sorted: boolean): T[] {
  return sorted ? [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : items;
}

function options(opts: Record<string, unknown> | undefined, sorted: boolean, indent: string): string[] {
  if (!opts) return [];
  const keys = Object.keys(opts).filter((k) => k !== 'proto3_optional');
  return (sorted ? keys.sort() : keys).map((k) => `${indent}option ${k} = ${value(k, opts[k])};`);
}

/**
 * protobufjs keeps an option's value as a string whether it was written quoted or as an enum
 * identifier; the standard options whose values are enums are printed bare, others quoted.
 * (Aggregate options arrive flattened, "(my.opt).a" = 1, which prints as valid text.)
 */
const ENUM_OPTIONS = /^(optimize_for|ctype|jstype|retention|targets?|idempotency_level|features\..+)$/;

function value(name: string, v: unknown): string {
  if (typeof v === 'string') return ENUM_OPTIONS.test(name) && /^[A-Z_][A-Z0-9_]*$/.test(v) ? v : JSON.stringify(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function fieldOptions(f: protobuf.Field): string {
  const opts = Object.entries(f.options ?? {}).filter(([k]) => k !== 'proto3_optional');
  if (opts.length === 0) return '';
  return ` [${opts.map(([k, v]) => `${k} = ${value(k, v)}`).join(', ')}]`;
}

function fieldType(f: protobuf.Field, sorted: boolean): string {
  const name = sorted && f.resolvedType ? f.resolvedType.fullName : f.type;
  return f instanceof protobuf.MapField ? `map<${f.keyType}, ${name}>` : name;
}

function printField(f: protobuf.Field, indent: string, sorted: boolean, out: string[], inOneof: boolean): void {
  const plain = proto2 && !(f instanceof protobuf.MapField) ? 'optional ' : '';
  const label = inOneof ? '' : f.options?.proto3_optional ? 'optional ' : f.rule ? `${f.rule} ` : plain;
  out.push(`${indent}${label}${fieldType(f, sorted)} ${f.name} = ${f.id}${fieldOptions(f)};`);
}

function reserved(r: Array<number[] | string> | undefined, indent: string, out: string[]): void {
  for (const item of r ?? []) {
    out.push(`${indent}reserved ${typeof item === 'string' ? JSON.stringify(item) : item[0] === item[1] ? item[0] : `${item[0]} to ${item[1]}`};`);
  }
}

function printNested(obj: protobuf.ReflectionObject, indent: string, sorted: boolean, out: string[]): void {
  const inner = indent + '  ';
  if (obj instanceof protobuf.Type) {
    out.push(`${indent}message ${obj.name} {`);
    out.push(...options(obj.options, sorted, inner));
    const real = obj.oneofsArray.filter((o) => !(o.fieldsArray.length === 1 && o.fieldsArray[0].options?.proto3_optional));
    const inRealOneof = new Set(real.flatMap((o) => o.fieldsArray));
    // Extension fields appear in the extended message under a leading dot; they print as `extend`.
    const fields = obj.fieldsArray.filter((f) => !inRealOneof.has(f) && !f.name.startsWith('.'));
    for (const f of sorted ? [...fields].sort((a, b) => a.id - b.id) : fields) printField(f, inner, sorted, out, false);
    for (const o of ordered(real, sorted)) {
      out.push(`${inner}oneof ${o.name} {`);
      const of = sorted ? [...o.fieldsArray].sort((a, b) => a.id - b.id) : o.fieldsArray;
      for (const f of of) printField(f, inner + '  ', sorted, out, true);
      out.push(`${inner}}`);
    }
    reserved(obj.reserved, inner, out);
    for (const [from, to] of obj.extensions ?? []) out.push(`${inner}extensions ${from === to ? from : `${from} to ${to === 0x1fffffff ? 'max' : to}`};`);
    for (const n of ordered(obj.nestedArray, sorted)) printNested(n, inner, sorted, out);
    out.push(`${indent}}`);
  } else if (obj instanceof protobuf.Enum) {
    out.push(`${indent}enum ${obj.name} {`);
    out.push(...options(obj.options, sorted, inner));
    const values = Object.entries(obj.values);
    for (const [name, num] of sorted ? values.sort((a, b) => a[1] - b[1]) : values) out.push(`${inner}${name} = ${num};`);
    reserved(obj.reserved, inner, out);
    out.push(`${indent}}`);
  } else if (obj instanceof protobuf.Service) {
    out.push(`${indent}service ${obj.name} {`);
    out.push(...options(obj.options, sorted, inner));
    for (const m of ordered(obj.methodsArray, sorted)) {
      const req = `${m.requestStream ? 'stream ' : ''}${m.requestType}`;
      const res = `${m.responseStream ? 'stream ' : ''}${m.responseType}`;
      out.push(`${inner}rpc ${m.name} (${req}) returns (${res});`);
    }
    out.push(`${indent}}`);
  } else if (obj instanceof protobuf.Field) {
    const fieldLines: string[] = [];
    printField(obj, '', sorted, fieldLines, false);
    out.push(`${indent}extend ${obj.extend} { ${fieldLines[0]} }`);
  } else if (obj instanceof protobuf.Namespace) {
    for (const n of ordered(obj.nestedArray, sorted)) printNested(n, indent, sorted, out);
  }
}
