/** JSON Schema compatibility (first cut: type and required changes; deepened next). */
import type { JsonSchema } from './json-schema.js';

export function jsonBreaks(reader: JsonSchema, writer: JsonSchema): string[] {
  const out: string[] = [];
  const r = reader.json as Record<string, any>;
  const w = writer.json as Record<string, any>;
  if (typeof r === 'object' && typeof w === 'object' && r.type !== undefined && JSON.stringify(r.type) !== JSON.stringify(w.type)) {
    out.push(`type changed from ${JSON.stringify(w.type)} to ${JSON.stringify(r.type)}`);
  }
  for (const name of (r.required ?? []) as string[]) {
    if (!((w.required ?? []) as string[]).includes(name)) out.push(`required property "${name}" added`);
  }
  return out;
}
