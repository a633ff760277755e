/**
 * The `format=serialized` form of a Protobuf schema: the base64 of its FileDescriptorProto, as the
 * Confluent registry answers GET /schemas/ids/{id}?format=serialized and
 * /subjects/{s}/versions/{v}?format=serialized. Confluent's own clients (the Python, Go and .NET
 * serializers) read schemas in this form to build their descriptor pools.
 *
 * The .proto text is parsed with protobufjs (its referenced files loaded beside it so every type
 * resolves) and described with protobufjs' descriptor extension; the main file's descriptor is
 * then put in the shape protoc gives: fully-qualified type names, map entries named
 * <Field>Entry, the imports as its dependencies, the reference name as its own name.
 */
import protobuf from 'protobufjs';
import * as descriptorExtension from 'protobufjs/ext/descriptor/index.js';
import type { ResolvedReference } from './types.js';

interface FieldDescriptor { name: string; typeName?: string; type?: string | number; label?: string | number }
interface MessageDescriptor { name: string; field?: FieldDescriptor[]; nestedType?: MessageDescriptor[]; options?: { mapEntry?: boolean } }
const FileDescriptorProto = (descriptorExtension as unknown as { FileDescriptorProto: protobuf.Type }).FileDescriptorProto;

interface FileDescriptor { name?: string; package?: string; dependency?: string[]; messageType?: MessageDescriptor[] }

export function serializedProtobuf(text: string, references: readonly ResolvedReference[], name = 'default'): string {
  const root = new protobuf.Root();
  const loaded = new Set<string>();
  const load = (refs: readonly ResolvedReference[]) => {
    for (const ref of refs) {
      if (loaded.has(ref.name)) continue;
      loaded.add(ref.name);
      load(ref.references);
      protobuf.parse(ref.schema, root, { keepCase: true });
    }
  };
  load(references);
  const main = protobuf.parse(text, new protobuf.Root(), { keepCase: true });
  // The main file's own types: everything it declares, found by full name after loading all.
  const ownTypes = new Set<string>();
  collectTypes(main.root, ownTypes);
  protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();

  const set = (root as unknown as { toDescriptor(syntax: string): { file: FileDescriptor[] } }).toDescriptor(/^\s*syntax\s*=\s*["']proto3["']/m.test(text) ? 'proto3' : 'proto2');
  const pkg = main.package ?? '';
  const file = set.file.find((f) => (f.package ?? '') === pkg) ?? { messageType: [] };
  file.name = name;
  file.package = pkg || undefined;
  file.dependency = main.imports ?? [];
  // Keep only the main file's messages (a referenced file of the same package shares the descriptor).
  file.messageType = (file.messageType ?? []).filter((m) => ownTypes.has(`${pkg ? `.${pkg}` : ''}.${m.name}`));
  for (const message of file.messageType) fixMessage(root, pkg ? `.${pkg}` : '', message);
  const bytes = FileDescriptorProto.encode(FileDescriptorProto.fromObject(file as never)).finish();
  return Buffer.from(bytes).toString('base64');
}

function collectTypes(ns: protobuf.NamespaceBase, out: Set<string>): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum) out.add(nested.fullName);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collectTypes(nested, out);
  }
}

/** Fully-qualified type names and protoc's map entry names, recursively. */
function fixMessage(root: protobuf.Root, scope: string, message: MessageDescriptor): void {
  const fullName = `${scope}.${message.name}`;
  const type = root.lookupType(fullName);
  // Map fields by the name protobufjs gave their entry type.
  const maps = new Map<string, { entry: string; field: protobuf.MapField }>();
  for (const field of message.field ?? []) {
    const source = type.fields[field.name];
    if (source instanceof protobuf.MapField) {
      const entry = `${field.name.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}Entry`;
      if (field.typeName) maps.set(field.typeName.split('.').pop()!, { entry, field: source });
      field.typeName = `${fullName}.${entry}`;
    } else if (source?.resolvedType) {
      field.typeName = source.resolvedType.fullName;
    }
  }
  for (const nested of message.nestedType ?? []) {
    const map = maps.get(nested.name);
    if (map && nested.options?.mapEntry) {
      nested.name = map.entry;
      const value = nested.field?.find((f) => f.name === 'value');
      if (value && map.field.resolvedType) value.typeName = map.field.resolvedType.fullName;
      continue;
    }
    fixMessage(root, fullName, nested);
  }
}
