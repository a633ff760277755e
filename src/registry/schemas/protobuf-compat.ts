/**
 * Protobuf compatibility, after the Confluent registry's change rules for .proto schemas. Unlike
 * Avro, Protobuf's wire format carries field numbers, so most changes are safe both ways and the
 * rules mostly guard field numbers and their wire types:
 * - breaks: the package changed; a message removed; a field's number reused with a type of
 *   another kind (scalar, message, map) or another scalar group; a message-typed field pointing at
 *   a message of another name, or at one whose own changes break; repeated changed to singular or
 *   back for a numeric field (packed encoding differs); a proto2 required field added or removed;
 *   a field removed from a oneof; several existing fields moved into one oneof, or one moved into
 *   a oneof that already had fields;
 * - safe: messages added or reordered; enums and enum values added, removed or renumbered; fields
 *   added, removed or renamed (the number is what counts); repeated changed for string, bytes or
 *   message fields; a oneof added or removed; a field added to a oneof; one field moved into a new
 *   oneof; proto2 to proto3 syntax and back.
 * Scalar groups whose values read each other: int32, int64, uint32, uint64, bool and enums;
 * sint32 and sint64; string and bytes; fixed32 and sfixed32; fixed64 and sfixed64; float; double.
 */
import protobuf from 'protobufjs';
import type { ProtobufSchema } from './protobuf.js';

const GROUPS: Record<string, string> = {
  int32: 'varint', int64: 'varint', uint32: 'varint', uint64: 'varint', bool: 'varint',
  sint32: 'zigzag', sint64: 'zigzag', string: 'length', bytes: 'length',
  fixed32: 'fixed32', sfixed32: 'fixed32', fixed64: 'fixed64', sfixed64: 'fixed64', float: 'float', double: 'double',
};

interface Ctx {
  out: string[];
  /** Message pairs already compared (recursive types), by "writer<-reader" full names. */
  seen: Set<string>;
  /**
   * Message types that fields point at, compared after the file's own messages: a queue rather
   * than recursion, so a chain of thousands of messages cannot overflow the stack.
   */
  queue: Array<[protobuf.Type, protobuf.Type, string]>;
  writerPackage: string;
  readerPackage: string;
}

export function protobufBreaks(reader: ProtobufSchema, writer: ProtobufSchema): string[] {
  const ctx: Ctx = { out: [], seen: new Set(), queue: [], writerPackage: writer.packageName, readerPackage: reader.packageName };
  if (writer.packageName !== reader.packageName) {
    ctx.out.push(`package changed from "${writer.packageName}" to "${reader.packageName}"`);
  }
  compareNested(ctx, topLevel(writer), topLevel(reader), '');
  for (let next = ctx.queue.pop(); next; next = ctx.queue.pop()) compareMessages(ctx, ...next);
  return ctx.out;
}

/** The file's own top-level messages and enums. */
function topLevel(schema: ProtobufSchema): protobuf.ReflectionObject[] {
  return schema.declarations.filter((n) => n instanceof protobuf.Type || n instanceof protobuf.Enum);
}

function compareNested(ctx: Ctx, writer: protobuf.ReflectionObject[], reader: protobuf.ReflectionObject[], scope: string): void {
  const readerTypes = new Map(reader.filter((n) => n instanceof protobuf.Type).map((n) => [n.name, n as protobuf.Type]));
  for (const w of writer) {
    if (!(w instanceof protobuf.Type)) continue; // enums may come and go
    const r = readerTypes.get(w.name);
    if (!r) ctx.out.push(`message ${scope}${w.name} of the writer is missing from the reader`);
    else compareMessages(ctx, w, r, `${scope}${w.name}`);
  }
}

const isSynthetic = (o: protobuf.OneOf) => o.fieldsArray.length === 1 && o.fieldsArray[0].options?.proto3_optional === true;
const realOneof = (f: protobuf.Field) => (f.partOf && !isSynthetic(f.partOf) ? f.partOf.name : undefined);

function compareMessages(ctx: Ctx, w: protobuf.Type, r: protobuf.Type, path: string): void {
  const key = `${w.fullName}<-${r.fullName}`;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  // Extension fields (".name", declared in an `extend` block) are not the message's own.
  const wFields = w.fieldsArray.filter((f) => !f.name.startsWith('.'));
  const rFields = r.fieldsArray.filter((f) => !f.name.startsWith('.'));
  const wTop = new Map(wFields.filter((f) => !realOneof(f)).map((f) => [f.id, f]));
  const rTop = new Map(rFields.filter((f) => !realOneof(f)).map((f) => [f.id, f]));
  const wOneofOf = new Map(wFields.filter((f) => realOneof(f)).map((f) => [f.id, realOneof(f)]));
  const rAll = new Map(rFields.map((f) => [f.id, f]));
  const wAll = new Map(wFields.map((f) => [f.id, f]));

  for (const oneof of r.oneofsArray.filter((o) => !isSynthetic(o))) {
    const moved = oneof.fieldsArray.filter((f) => wTop.has(f.id));
    const existing = oneof.fieldsArray.filter((f) => wOneofOf.has(f.id));
    for (const f of moved) wTop.delete(f.id); // moved, not removed
    if (moved.length > 1) {
      ctx.out.push(`${path}: fields ${moved.map((f) => f.id).join(', ')} of the writer are all in the reader's oneof ${oneof.name} (written data may set several)`);
    } else if (moved.length === 1 && existing.length > 0) {
      ctx.out.push(`${path}: field ${moved[0].id} of the writer is in the reader's oneof ${oneof.name}, which also holds fields of the writer's oneofs`);
    }
  }
  const wOneofs = new Map(w.oneofsArray.filter((o) => !isSynthetic(o)).map((o) => [o.name, o]));
  for (const ro of r.oneofsArray.filter((o) => !isSynthetic(o))) {
    const wo = wOneofs.get(ro.name);
    if (!wo) continue; // a new oneof
    for (const f of wo.fieldsArray) {
      const now = ro.fieldsArray.find((x) => x.id === f.id);
      if (!now && !rAll.has(f.id)) ctx.out.push(`${path}.${ro.name}: field ${f.name} (${f.id}) of the writer's oneof is missing from the reader`);
      else if (now) compareFields(ctx, f, now, `${path}.${f.name}`);
    }
  }
  for (const id of new Set([...wTop.keys(), ...rTop.keys()])) {
    const wf = wTop.get(id);
    const rf = rTop.get(id);
    if (wf && !rf) {
      if (wf.rule === 'required' && !rAll.has(id)) ctx.out.push(`${path}.${wf.name}: required field ${id} of the writer is missing from the reader`);
    } else if (rf && !wf) {
      if (rf.rule === 'required' && !wAll.has(id)) ctx.out.push(`${path}.${rf.name}: the reader requires field ${id}, which the writer does not have`);
    } else if (wf && rf) compareFields(ctx, wf, rf, `${path}.${wf.name}`);
  }
  // Fields whose oneof membership changed are compared by number too.
  for (const [id, wf] of wAll) {
    const rf = rAll.get(id);
    if (rf && realOneof(wf) !== realOneof(rf)) compareFields(ctx, wf, rf, `${path}.${wf.name}`);
  }
  compareNested(ctx, w.nestedArray, r.nestedArray, `${path}.`);
}

type Kind = 'scalar' | 'message' | 'map';

function kindOf(f: protobuf.Field): Kind {
  if (f instanceof protobuf.MapField) return 'map';
  return f.resolvedType instanceof protobuf.Type ? 'message' : 'scalar';
}

function scalarGroup(type: string, resolved: protobuf.ReflectionObject | null): string {
  return resolved instanceof protobuf.Enum ? 'varint' : GROUPS[type] ?? type;
}

function describeType(f: protobuf.Field): string {
  return f instanceof protobuf.MapField ? `map<${f.keyType}, ${f.type}>` : f.type;
}

function compareFields(ctx: Ctx, w: protobuf.Field, r: protobuf.Field, path: string): void {
  const at = `${path} (${w.id})`;
  const wk = kindOf(w);
  const rk = kindOf(r);
  if (wk !== rk) {
    ctx.out.push(`${at}: type changed from ${wk} ${describeType(w)} to ${rk} ${describeType(r)}`);
    return;
  }
  if (wk === 'map') {
    const wm = w as unknown as protobuf.MapField;
    const rm = r as unknown as protobuf.MapField;
    if (GROUPS[wm.keyType] !== GROUPS[rm.keyType]) ctx.out.push(`${at}: map key type changed from ${wm.keyType} to ${rm.keyType}`);
  }
  if (wk === 'message' || (wk === 'map' && w.resolvedType instanceof protobuf.Type && r.resolvedType instanceof protobuf.Type)) {
    compareMessageTypes(ctx, w, r, at);
  } else if (wk === 'map' && (w.resolvedType instanceof protobuf.Type) !== (r.resolvedType instanceof protobuf.Type)) {
    ctx.out.push(`${at}: map value type changed from ${w.type} to ${r.type}`);
  } else {
    const wg = scalarGroup(w.type, w.resolvedType);
    const rg = scalarGroup(r.type, r.resolvedType);
    if (wg !== rg) ctx.out.push(`${at}: type changed from ${w.type} to ${r.type}, which does not read the same wire values`);
    else if (wk === 'scalar' && w.repeated !== r.repeated && wg !== 'length') {
      ctx.out.push(`${at}: ${w.repeated ? 'repeated' : 'singular'} numeric field made ${r.repeated ? 'repeated' : 'singular'}`);
    }
  }
}

function localName(fullName: string, pkg: string): string {
  const name = fullName.replace(/^\./, '');
  return pkg && name.startsWith(`${pkg}.`) ? name.slice(pkg.length + 1) : name;
}

function compareMessageTypes(ctx: Ctx, w: protobuf.Field, r: protobuf.Field, at: string): void {
  const wt = w.resolvedType as protobuf.Type;
  const rt = r.resolvedType as protobuf.Type;
  const wl = localName(wt.fullName, packageOf(wt));
  const rl = localName(rt.fullName, packageOf(rt));
  if (wl !== rl) {
    ctx.out.push(`${at}: message type changed from ${wl} to ${rl}`);
    return;
  }
  ctx.queue.push([wt, rt, wl]);
}

/** The package a type was declared in: the names above its outermost message. */
function packageOf(t: protobuf.ReflectionObject): string {
  let top: protobuf.ReflectionObject = t;
  while (top.parent && top.parent instanceof protobuf.Type) top = top.parent;
  return top.parent ? top.parent.fullName.replace(/^\./, '') : '';
}
