/**
 * PROTOBUF schemas (.proto text, proto2 and proto3), parsed by protobufjs.
 *
 * Imports are satisfied from the references by their name (a reference named "common.proto"
 * answers `import "common.proto";`); Google's well-known types (google/protobuf/*.proto) are
 * built in (any, api, descriptor, duration, empty, field_mask, source_context, struct, timestamp,
 * type, wrappers). Every type a field or rpc names must resolve, or the schema is refused.
 * Not supported: editions syntax, and imports other than references and those well-known types
 * (the Confluent registry also knows confluent/meta.proto and google/type/*.proto built in; here
 * they must be registered and referenced like any other file).
 *
 * canonical: the file printed back from protobufjs' reflection tree in a fixed layout (comments
 * and whitespace dropped; declarations in the order written), so texts that differ only in
 * formatting are the same schema. normalized(): the same layout with imports, options, nested
 * declarations sorted by name and fields sorted by number.
 */
import protobuf from 'protobufjs';
import apiProto from 'protobufjs/google/protobuf/api.json' with { type: 'json' };
import descriptorProto from 'protobufjs/google/protobuf/descriptor.json' with { type: 'json' };
import sourceContextProto from 'protobufjs/google/protobuf/source_context.json' with { type: 'json' };
import typeProto from 'protobufjs/google/protobuf/type.json' with { type: 'json' };
import { checkBounds, checkReferenceBounds } from './bounds.js';
import { printProto } from './protobuf-print.js';
import { SchemaError, schemaError, type ParsedSchema, type ResolvedReference } from './types.js';

/** Google's well-known types, each by its import path, as protobufjs ships them. */
const WELL_KNOWN = new Map<string, protobuf.INamespace>([
  ...Object.keys(protobuf.common)
    .filter((k) => k.endsWith('.proto'))
    .map((k) => [k, protobuf.common.get(k) as protobuf.INamespace] as const),
  ['google/protobuf/descriptor.proto', descriptorProto as protobuf.INamespace],
  ['google/protobuf/api.proto', apiProto as protobuf.INamespace],
  ['google/protobuf/source_context.proto', sourceContextProto as protobuf.INamespace],
  ['google/protobuf/type.proto', typeProto as protobuf.INamespace],
]);

export class ProtobufSchema implements ParsedSchema {
  readonly type = 'PROTOBUF' as const;
  readonly canonical: string;
  constructor(
    /** This file's own top-level declarations (messages, enums, services, extensions). */
    readonly declarations: readonly protobuf.ReflectionObject[],
    /** This file's options (as written, before any import of the same package adds its own). */
    readonly options: Readonly<Record<string, unknown>> | undefined,
    /** This file with its imports, every type resolved: what the compatibility rules walk. */
    readonly root: protobuf.Root,
    readonly syntax: 'proto2' | 'proto3',
    readonly packageName: string,
    readonly imports: readonly string[],
  ) {
    this.canonical = printProto(this, false);
  }
  normalized(): string {
    return printProto(this, true);
  }
}

export function parseProtobuf(text: string, references: ResolvedReference[]): ProtobufSchema {
  checkBounds(text, 'proto');
  checkReferenceBounds(references, 'proto');
  const byName = new Map<string, ResolvedReference>();
  const index = (refs: ResolvedReference[]): void => {
    for (const ref of refs) {
      if (ref.schemaType !== 'PROTOBUF') throw new SchemaError(`reference ${JSON.stringify(ref.name)} is ${ref.schemaType}, not PROTOBUF`);
      if (!byName.has(ref.name)) byName.set(ref.name, ref);
      index(ref.references ?? []);
    }
  };
  index(references);

  // The schema is parsed first, alone, so its own declarations can be told from its imports';
  // types resolve only at resolveAll, after the imports are in.
  const root = new protobuf.Root();
  const main = parse(text, 'schema', root);
  const ns = main.package ? (root.lookup(main.package) as protobuf.Namespace) : root;
  const declarations = [...ns.nestedArray];
  const options = ns.options ? { ...ns.options } : undefined;
  const loaded = new Set<string>();
  const load = (imports: string[], from: string): void => {
    for (const name of imports) {
      if (loaded.has(name)) continue;
      loaded.add(name);
      const ref = byName.get(name);
      if (ref) {
        const parsed = parse(ref.schema, `reference ${JSON.stringify(name)}`, root);
        load([...(parsed.imports ?? []), ...(parsed.weakImports ?? [])], name);
      } else if (WELL_KNOWN.has(name)) {
        addWellKnown(root, WELL_KNOWN.get(name)!);
        load(WELL_KNOWN_IMPORTS[name] ?? [], name);
      } else {
        throw new SchemaError(`${from} imports ${JSON.stringify(name)}, which is neither a reference nor a well-known type`);
      }
    }
  };
  const imports = [...(main.imports ?? []), ...(main.weakImports ?? [])];
  try {
    load(imports, 'the schema');
    root.resolveAll();
  } catch (err) {
    throw err instanceof SchemaError ? err : new SchemaError((err as Error).message);
  }
  return new ProtobufSchema(declarations, options, root, syntaxOf(text), main.package ?? '', imports);
}

/** The imports of the well-known files that have any. */
const WELL_KNOWN_IMPORTS: Record<string, string[]> = {
  'google/protobuf/api.proto': ['google/protobuf/source_context.proto', 'google/protobuf/type.proto'],
  'google/protobuf/type.proto': ['google/protobuf/any.proto', 'google/protobuf/source_context.proto'],
};

/**
 * Adds a well-known file's types to google.protobuf, skipping those already there: protobufjs
 * ships some files with the types they import folded in (type.proto carries Any, for one).
 */
function addWellKnown(root: protobuf.Root, file: protobuf.INamespace): void {
  const pkg = root.define('google.protobuf');
  const types = ((file.nested?.google as protobuf.INamespace)?.nested?.protobuf as protobuf.INamespace)?.nested ?? {};
  for (const [name, json] of Object.entries(types)) {
    if (!pkg.get(name)) pkg.addJSON({ [name]: json });
  }
}

/** protobufjs has checked the statement; this reads which one it was (none means proto2). */
function syntaxOf(text: string): 'proto2' | 'proto3' {
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  if (/^\s*edition\s*=/.test(code)) throw new SchemaError('editions syntax is not supported (accepted: proto2, proto3)');
  const m = /^\s*syntax\s*=\s*["'](proto[23])["']/.exec(code);
  return m ? (m[1] as 'proto2' | 'proto3') : 'proto2';
}

function parse(text: string, what: string, root: protobuf.Root): protobuf.IParserResult {
  try {
    return protobuf.parse(text, root, { keepCase: true, alternateCommentMode: false });
  } catch (err) {
    throw schemaError(what, (err as Error).message);
  }
}
