/**
 * The registry's state: what the `_schemas` log says, folded record by record (apply), with the
 * indexes every request needs, so that no request scans all subjects or all schemas:
 *   subject -> its versions (by number) and its own compatibility level and mode;
 *   id -> the schema text, its type and references, and where it is used (subject, version);
 *   schema identity (type, text, references) -> id, so an identical schema gets its id back;
 *   (subject, version) -> the ids of schemas that reference it (/referencedby, delete guard).
 * The log is the only source of truth: this state is rebuilt from it at startup, and every write
 * reaches it by being read back from the log (registry.ts), records from other writers included.
 */
import type { RegistryRecord, SchemaRecordValue, SchemaReference } from './records.js';
import type { CompatibilityLevel, Mode, SchemaType } from './types.js';

export interface VersionEntry extends SchemaRecordValue {
  /** Offset of the record in `_schemas` (what a durable answer waits for). */
  offset: number;
}

export interface SubjectState {
  readonly name: string;
  readonly versions: Map<number, VersionEntry>;
  compatibility?: CompatibilityLevel;
  mode?: Mode;
}

export interface StoredSchema {
  readonly id: number;
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly references: readonly SchemaReference[];
  /** 'subject\0version' of every version that uses this id (deleted ones included). */
  readonly uses: Set<string>;
}

/**
 * A use key split back into its subject and version. The version is digits, so the last NUL is
 * the separator: a subject may itself contain NUL (any string is a subject name).
 */
export function splitUse(use: string): { subject: string; version: number } {
  const cut = use.lastIndexOf('\u0000');
  return { subject: use.slice(0, cut), version: Number(use.slice(cut + 1)) };
}

export class RegistryState {
  readonly subjects = new Map<string, SubjectState>();
  readonly schemas = new Map<number, StoredSchema>();
  private readonly idByIdentity = new Map<string, number>();
  private readonly referencedBy = new Map<string, Set<number>>();
  globalCompatibility?: CompatibilityLevel;
  globalMode?: Mode;
  /** Highest id ever seen: ids are never given out twice, even after a hard delete. */
  maxId = 0;
  /** Offset of the last record of the log that has been applied, plus one. */
  nextOffset = 0;

  apply(record: RegistryRecord, offset: number): void {
    switch (record.kind) {
      case 'SCHEMA':
        if (record.value === null) this.removeVersion(record.subject, record.version);
        else this.putVersion({ ...record.value, offset });
        break;
      case 'CONFIG':
        if (record.subject === null) this.globalCompatibility = record.value ?? undefined;
        else this.subjectOrNew(record.subject).compatibility = record.value ?? undefined;
        break;
      case 'MODE':
        if (record.subject === null) this.globalMode = record.value ?? undefined;
        else this.subjectOrNew(record.subject).mode = record.value ?? undefined;
        break;
      case 'DELETE_SUBJECT': {
        // Versions up to the watermark, as they are now, are soft-deleted; a tombstone changes nothing.
        if (record.value === null) break;
        const subject = this.subjects.get(record.subject);
        if (!subject) break;
        for (const entry of subject.versions.values()) if (entry.version <= record.value) entry.deleted = true;
        break;
      }
      case 'NOOP':
        break;
    }
  }

  /** The identity under which an identical registration finds its id. */
  static identity(schemaType: SchemaType, schema: string, references: readonly SchemaReference[]): string {
    const refs = references.map((r) => `${r.name}\u0000${r.subject}\u0000${r.version}`).join('\u0001');
    return `${schemaType}\u0002${refs}\u0002${schema}`;
  }

  idOf(schemaType: SchemaType, schema: string, references: readonly SchemaReference[]): number | undefined {
    return this.idByIdentity.get(RegistryState.identity(schemaType, schema, references));
  }

  /** Ids of schemas that reference subject/version. */
  referencesTo(subject: string, version: number): number[] {
    return [...(this.referencedBy.get(`${subject}\u0000${version}`) ?? [])].sort((a, b) => a - b);
  }

  /** Versions of a subject, ascending; soft-deleted ones only when asked. */
  versionsOf(subject: string, includeDeleted: boolean): VersionEntry[] {
    const state = this.subjects.get(subject);
    if (!state) return [];
    const out = [...state.versions.values()].filter((v) => includeDeleted || !v.deleted);
    return out.sort((a, b) => a.version - b.version);
  }

  private subjectOrNew(name: string): SubjectState {
    let subject = this.subjects.get(name);
    if (!subject) {
      subject = { name, versions: new Map() };
      this.subjects.set(name, subject);
    }
    return subject;
  }

  private putVersion(entry: VersionEntry): void {
    const subject = this.subjectOrNew(entry.subject);
    const before = subject.versions.get(entry.version);
    if (before) this.unlink(before);
    subject.versions.set(entry.version, entry);
    let stored = this.schemas.get(entry.id);
    if (!stored) {
      stored = { id: entry.id, schemaType: entry.schemaType, schema: entry.schema, references: entry.references, uses: new Set() };
      this.schemas.set(entry.id, stored);
      this.idByIdentity.set(RegistryState.identity(entry.schemaType, entry.schema, entry.references), entry.id);
      for (const ref of entry.references) {
        const key = `${ref.subject}\u0000${ref.version}`;
        let ids = this.referencedBy.get(key);
        if (!ids) this.referencedBy.set(key, ids = new Set());
        ids.add(entry.id);
      }
    }
    stored.uses.add(`${entry.subject}\u0000${entry.version}`);
    if (entry.id > this.maxId) this.maxId = entry.id;
  }

  private removeVersion(subjectName: string, version: number): void {
    const subject = this.subjects.get(subjectName);
    const entry = subject?.versions.get(version);
    if (!subject || !entry) return;
    subject.versions.delete(version);
    this.unlink(entry);
    if (subject.versions.size === 0 && subject.compatibility === undefined && subject.mode === undefined) {
      this.subjects.delete(subjectName);
    }
  }

  /** Drops a version's use of its id; an id no version uses any more is forgotten (not reused). */
  private unlink(entry: VersionEntry): void {
    const stored = this.schemas.get(entry.id);
    if (!stored) return;
    stored.uses.delete(`${entry.subject}\u0000${entry.version}`);
    if (stored.uses.size > 0) return;
    this.schemas.delete(entry.id);
    this.idByIdentity.delete(RegistryState.identity(stored.schemaType, stored.schema, stored.references));
    for (const ref of stored.references) {
      const key = `${ref.subject}\u0000${ref.version}`;
      const ids = this.referencedBy.get(key);
      ids?.delete(entry.id);
      if (ids?.size === 0) this.referencedBy.delete(key);
    }
  }
}
