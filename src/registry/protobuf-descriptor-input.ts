/**
 * A Protobuf schema sent as the base64 of a FileDescriptorProto, as Confluent's Protobuf
 * serializers send it when they register (auto.register.schemas) or look up a schema: turned
 * into .proto text before the schema library sees it, as the Confluent registry accepts both
 * forms. The text is printed by the schema library's own printer from protobufjs' reflection
 * objects made from the descriptor; type names stay as the descriptor gives them (fully
 * qualified), imports stay imports, resolved later against the request's references.
 */
import protobuf from 'protobufjs';
import * as descriptorExtension from 'protobufjs/ext/descriptor/index.js';
import { printProto } from './schemas/protobuf-print.js';

const FileDescriptorProto = (descriptorExtension as unknown as { FileDescriptorProto: protobuf.Type }).FileDescriptorProto;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface FileDescriptor {
  name?: string;
  package?: string;
  syntax?: string;
  dependency?: string[];
  messageType?: unknown[];
  enumType?: unknown[];
  options?: Record<string, unknown>;
}

/** The .proto text of a base64 FileDescriptorProto; null when `text` is not one (then it is .proto text). */
export function protoTextFromDescriptor(text: string): string | null {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) return null;
  let file: FileDescriptor;
  try {
    file = FileDescriptorProto.toObject(FileDescriptorProto.decode(Buffer.from(compact, 'base64'))) as FileDescriptor;
  } catch {
    return null;
  }
  const messages = file.messageType ?? [];
  const enums = file.enumType ?? [];
  if (messages.length === 0 && enums.length === 0) return null;
  const syntax = file.syntax === 'proto3' ? 'proto3' : 'proto2';
  const context = { edition: syntax, keepCase: true };
  const types = messages.map((m) => (protobuf.Type as unknown as { fromDescriptor(d: unknown, c: object): protobuf.Type }).fromDescriptor(m, context));
  const pkg = file.package ? `.${file.package}.` : '.';
  for (const type of types) shortenTypeNames(type, pkg);
  const declarations: protobuf.ReflectionObject[] = [
    ...types,
    ...enums.map((e) => (protobuf.Enum as unknown as { fromDescriptor(d: unknown, c: object): protobuf.Enum }).fromDescriptor(e, context)),
  ];
  return printProto({ declarations, options: undefined, syntax, packageName: file.package ?? '', imports: file.dependency ?? [] }, false);
}

/**
 * protoc writes every type name fully qualified ('.shop.v1.Order.Line'); a .proto author writes
 * it relative to where it is used ('Line'). Names inside the message or its package are shortened
 * so that the same schema sent either way reads the same (and gets the same id).
 */
function shortenTypeNames(type: protobuf.Type, scope: string, enclosing: ReadonlySet<string> = new Set()): void {
  const own = `${scope}${type.name}.`;
  // Names declared in this message or around it would capture a shortened name: keep those full.
  const inScope = new Set([...enclosing, ...type.nestedArray.map((n) => n.name)]);
  for (const field of type.fieldsArray) {
    if (!field.type.startsWith('.')) continue;
    const inOwn = field.type.startsWith(own) ? field.type.slice(own.length) : undefined;
    if (inOwn !== undefined && !inOwn.includes('.')) {
      field.type = inOwn;
    } else if (field.type.startsWith(scope) && scope !== '.' && !inScope.has(field.type.slice(scope.length).split('.')[0]!)) {
      field.type = field.type.slice(scope.length);
    }
  }
  for (const nested of type.nestedArray) if (nested instanceof protobuf.Type) shortenTypeNames(nested, own, inScope);
}
