/** Protobuf compatibility (first cut: removed messages and field type changes; deepened next). */
import protobuf from 'protobufjs';
import type { ProtobufSchema } from './protobuf.js';

export function protobufBreaks(reader: ProtobufSchema, writer: ProtobufSchema): string[] {
  const out: string[] = [];
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const n of ns.nestedArray) {
      if (n instanceof protobuf.Type) {
        const other = reader.root.lookup(n.fullName);
        if (!(other instanceof protobuf.Type)) out.push(`message ${n.fullName} removed`);
        else {
          for (const f of n.fieldsArray) {
            const rf = other.fieldsById[f.id];
            if (rf && rf.type !== f.type) out.push(`field ${n.fullName}.${f.name} (${f.id}) changed type from ${f.type} to ${rf.type}`);
          }
        }
      }
      if (n instanceof protobuf.Namespace) walk(n);
    }
  };
  walk(writer.file);
  return out;
}
