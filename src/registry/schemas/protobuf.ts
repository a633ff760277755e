/**
 * PROTOBUF schemas (.proto text, proto2 and proto3), parsed by protobufjs.
 *
 * Imports are satisfied from the references by their name (a reference named "common.proto"
 * answers `import "common.proto";`); Google's well-known types (google/protobuf/*.proto) are
 * built in. Every type a field or rpc names must resolve, or the schema is refused.
 * Not supported: editions syntax, and imports other than references and the well-known types.
 *
 * canonical: the file printed back from protobufjs' reflection tree in a fixed layout (comments
 * and whitespace dropped; declarations in the order written), so texts that differ only in
 * formatting are the same schema. normalized(): the same layout with imports, options, nested
 * declarations sorted by name and fields sorted by number.
 */
import protobuf from 'protobufjs';
import { checkBounds, checkReferenceBounds } from './bounds.js';
import { printProto } from './protobuf-print.js';
import { SchemaError, schemaError, type ParsedSchema, type ResolvedReference } from './types.js';

const WELL_KNOWN = new Set(Object.keys(protobuf.common).filter((k) => k.endsWith('.proto')));

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
        root.addJSON((protobuf.common.get(name) as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
      } else {
        throw new SchemaError(`${from} imports ${JSON.stringify(name)}, which is neither a reference nor a well-known type`);
      }
    }
  };
  const imports = [...(main.imports ?? []), ...(main.weakImports ?? [])];
  load(imports, 'the schema');
  try {
    root.resolveAll();
  } catch (err) {
    throw new SchemaError((err as Error).message);
  }
  return new ProtobufSchema(declarations, options, root, syntaxOf(text), main.package ?? '', imports);
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
