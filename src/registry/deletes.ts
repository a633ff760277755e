/**
 * Deleting subjects and versions, in the Confluent registry's two steps:
 * - soft delete hides versions (a DELETE_SUBJECT record for a whole subject, the version's record
 *   rewritten with "deleted":true for one version); `?deleted=true` still shows them and their
 *   ids keep resolving, so data written with them stays readable;
 * - permanent delete (`?permanent=true`, only of what was soft-deleted first) writes tombstones,
 *   which compaction later removes. An id is never given to another schema afterwards.
 * A version that another schema references cannot be deleted (42206).
 */
import { ErrorCode, RegistryError, subjectNotFound } from './errors.js';
import type { RegistryRecord } from './records.js';
import type { Registry } from './registry.js';
import type { VersionEntry } from './store.js';

export async function deleteSubject(registry: Registry, subject: string, permanent: boolean): Promise<number[]> {
  registry.catchUp();
  checkWritable(registry, subject);
  const all = registry.state.versionsOf(subject, true);
  if (all.length === 0) throw subjectNotFound(subject);
  const live = all.filter((v) => !v.deleted);
  if (!permanent) {
    if (live.length === 0) {
      throw new RegistryError(ErrorCode.SUBJECT_SOFT_DELETED, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
    }
    for (const v of live) checkNotReferenced(registry, v);
    const { durable } = registry.write([{ kind: 'DELETE_SUBJECT', subject, value: all[all.length - 1]!.version }]);
    await durable;
    return live.map((v) => v.version);
  }
  if (live.length > 0) {
    throw new RegistryError(ErrorCode.SUBJECT_NOT_SOFT_DELETED, `Subject '${subject}' was not deleted first before being permanently deleted`);
  }
  for (const v of all) checkNotReferenced(registry, v);
  const records: RegistryRecord[] = all.map((v) => ({ kind: 'SCHEMA', subject, version: v.version, value: null }));
  // The soft-delete watermark goes too, or it would hide the versions of a subject registered anew.
  records.push({ kind: 'DELETE_SUBJECT', subject, value: null });
  const own = registry.state.subjects.get(subject);
  if (own?.compatibility !== undefined) records.push({ kind: 'CONFIG', subject, value: null });
  if (own?.mode !== undefined) records.push({ kind: 'MODE', subject, value: null });
  const { durable } = registry.write(records);
  await durable;
  return all.map((v) => v.version);
}

export async function deleteVersion(registry: Registry, subject: string, version: number | 'latest', permanent: boolean): Promise<number> {
  registry.catchUp();
  checkWritable(registry, subject);
  // 'latest' is the newest live version for a soft delete, the newest of all for a permanent one;
  // a numbered version is found deleted or not, so that the answer can say which step is missing.
  const entry = registry.version(subject, version, permanent || version !== 'latest');
  if (!permanent) {
    if (entry.deleted) {
      throw new RegistryError(ErrorCode.VERSION_SOFT_DELETED, `Subject '${subject}' Version ${entry.version} was soft deleted.Set permanent=true to delete permanently`);
    }
    checkNotReferenced(registry, entry);
    const { offset: _offset, ...value } = entry;
    const { durable } = registry.write([{ kind: 'SCHEMA', subject, version: entry.version, value: { ...value, deleted: true } }]);
    await durable;
    return entry.version;
  }
  if (!entry.deleted) {
    throw new RegistryError(ErrorCode.VERSION_NOT_SOFT_DELETED, `Subject '${subject}' Version ${entry.version} was not deleted first before being permanently deleted`);
  }
  checkNotReferenced(registry, entry);
  const { durable } = registry.write([{ kind: 'SCHEMA', subject, version: entry.version, value: null }]);
  await durable;
  return entry.version;
}

function checkWritable(registry: Registry, subject: string): void {
  if (registry.modeOf(subject) === 'READONLY') {
    throw new RegistryError(ErrorCode.OPERATION_NOT_PERMITTED, `Subject ${subject} is in read-only mode`);
  }
}

function checkNotReferenced(registry: Registry, entry: VersionEntry): void {
  const by = registry.referencesBy(entry);
  if (by.length > 0) {
    throw new RegistryError(ErrorCode.REFERENCE_EXISTS,
      `One or more references exist to the schema {subject=${entry.subject},version=${entry.version}}: ids ${by.join(', ')}`);
  }
}
