/** Bytes of a field as the person asked to see them: text, pretty JSON, or hex. Always plain strings (rendered as text). */
import type { Field } from './api';

export type View = 'text' | 'json' | 'hex';

export function bytesOf(field: Field): Uint8Array {
  const raw = atob(field.base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function hex(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
    parts.push(`${i.toString(16).padStart(6, '0')}  ${row}`);
  }
  return parts.join('\n');
}

export function render(field: Field | null, view: View): string {
  if (field === null) return 'null';
  if (field.schema?.json !== undefined && view !== 'hex') return field.schema.json;
  const bytes = bytesOf(field);
  if (view === 'hex' || field.schema) return hex(bytes);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (view === 'json') {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
