/**
 * Registering, looking up and checking schemas, as the Confluent registry does:
 * - the text is parsed (42201 when the schema library refuses it) with its references resolved;
 *   what is stored is the schema's canonical form, or its normalized form with `normalize=true`,
 *   so that a schema sent again with other whitespace or key order finds itself;
 * - a schema already live in the subject answers its id and writes nothing;
 * - otherwise the subject's compatibility level is checked against its live versions (409 with
 *   the reasons when it fails; IMPORT mode skips the check), and the schema gets the id an
 *   identical schema has anywhere in the registry, or the next id (ids are global, never reused);
 * - the version is one past the highest the subject ever had (soft-deleted versions count);
 * - the answer waits until the record is in the log (and synced under `always`).
 */
import { ErrorCode, RegistryError, schemaNotFound, subjectNotFound } from './errors.js';
import type { SchemaReference } from './records.js';
import type { Registry } from './registry.js';
import type { SchemaRequest } from './request-body.js';
import type { VersionEntry } from './store.js';
import type { ParsedSchema } from './types.js';

interface Candidate {
  parsed: ParsedSchema;
  /** The text stored and compared: canonical, or normalized. */
  text: string;
  references: SchemaReference[];
}

export function parseCandidate(registry: Registry, request: SchemaRequest, normalize: boolean): Candidate {
  // A reference to version -1 means the referenced subject's latest version now.
  const references = request.references.map((ref) => ref.version !== -1 ? ref
    : { ...ref, version: latestVersionFor(registry, ref.subject) });
  const resolved = registry.resolveReferences(references);
  let parsed: ParsedSchema;
  try {
    // Confluent's Protobuf serializers send a base64 FileDescriptorProto: read as its .proto text.
    const text = request.schemaType === 'PROTOBUF' ? registry.tools.protoTextFromDescriptor(request.schema) ?? request.schema : request.schema;
    parsed = registry.rules.parseSchema(request.schemaType, text, resolved);
  } catch (err) {
    if (err instanceof registry.rules.SchemaError) {
      throw new RegistryError(ErrorCode.INVALID_SCHEMA, `Invalid schema: ${err.message}`);
    }
    throw err;
  }
  return { parsed, text: normalize ? parsed.normalized() : parsed.canonical, references };
}

function latestVersionFor(registry: Registry, subject: string): number {
  const versions = registry.state.versionsOf(subject, false);
  if (versions.length === 0) {
    throw new RegistryError(ErrorCode.INVALID_SCHEMA, `Invalid schema: reference to subject '${subject}', which has no versions`);
  }
  return versions[versions.length - 1]!.version;
}

/** The live version of `subject` holding this schema, if any. */
function findInSubject(registry: Registry, subject: string, candidate: Candidate, schemaType: string, includeDeleted: boolean): VersionEntry | undefined {
  const id = registry.state.idOf(candidate.parsed.type, candidate.text, candidate.references);
  if (id === undefined) return undefined;
  const versions = registry.state.versionsOf(subject, includeDeleted);
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i]!;
    if (v.id === id && v.schemaType === schemaType) return v;
  }
  return undefined;
}

export async function register(registry: Registry, subject: string, request: SchemaRequest, normalize: boolean): Promise<{ id: number }> {
  registry.catchUp();
  const mode = registry.modeOf(subject);
  if (mode === 'READONLY') {
    throw new RegistryError(ErrorCode.OPERATION_NOT_PERMITTED, `Subject ${subject} is in read-only mode`);
  }
  if ((request.id !== undefined || request.version !== undefined) && mode !== 'IMPORT') {
    throw new RegistryError(ErrorCode.OPERATION_NOT_PERMITTED, `Subject ${subject} is not in import mode; an id or version cannot be given`);
  }
  const candidate = parseCandidate(registry, request, normalize);
  // parseCandidate is synchronous, so nothing changed the state since catchUp(): decide and write now.
  const existing = findInSubject(registry, subject, candidate, request.schemaType, false);
  if (existing && (request.id === undefined || request.id === existing.id)) {
    await registry.durableAt(existing.offset);
    return { id: existing.id };
  }

  const live = registry.state.versionsOf(subject, false);
  if (mode !== 'IMPORT' && live.length > 0) {
    const level = registry.compatibilityOf(subject);
    const previous = live.map((v) => registry.parsedById(v.id)).filter((p): p is ParsedSchema => p !== null).reverse();
    const verdict = registry.rules.checkCompatibility(level, candidate.parsed, previous);
    if (!verdict.compatible) {
      const reasons = verdict.messages.length > 0 ? `: ${verdict.messages.join('; ')}` : '';
      throw new RegistryError(ErrorCode.INCOMPATIBLE_SCHEMA,
        `Schema being registered is incompatible with an earlier schema for subject "${subject}" (level ${level})${reasons}`);
    }
  }

  const sameSchemaId = registry.state.idOf(candidate.parsed.type, candidate.text, candidate.references);
  let id: number;
  if (request.id !== undefined) {
    const taken = registry.state.schemas.get(request.id);
    if (taken && taken.schema !== candidate.text) {
      throw new RegistryError(ErrorCode.OPERATION_NOT_PERMITTED, `Overwrite new schema with id ${request.id} is not permitted.`);
    }
    id = request.id;
  } else {
    id = sameSchemaId ?? registry.state.maxId + 1;
  }
  const all = registry.state.versionsOf(subject, true);
  let version = (all.length > 0 ? all[all.length - 1]!.version : 0) + 1;
  if (request.version !== undefined) {
    if (registry.state.subjects.get(subject)?.versions.has(request.version)) {
      throw new RegistryError(ErrorCode.OPERATION_NOT_PERMITTED, `Version ${request.version} of subject ${subject} already exists`);
    }
    version = request.version;
  }
  if (version > 2 ** 31 - 1 || id > 2 ** 31 - 1) throw new RegistryError(ErrorCode.STORE_ERROR, 'No ids or versions left');
  const { durable } = registry.write([{
    kind: 'SCHEMA', subject, version,
    value: { subject, version, id, schemaType: candidate.parsed.type, references: candidate.references, schema: candidate.text, deleted: false },
  }]);
  await durable;
  return { id };
}

/** POST /subjects/{s}: the version of this subject that holds the schema. */
export function lookup(registry: Registry, subject: string, request: SchemaRequest, normalize: boolean, includeDeleted: boolean): VersionEntry {
  registry.catchUp();
  if (registry.state.versionsOf(subject, includeDeleted).length === 0) throw subjectNotFound(subject);
  const candidate = parseCandidate(registry, request, normalize);
  const found = findInSubject(registry, subject, candidate, request.schemaType, includeDeleted);
  if (!found) throw schemaNotFound('Schema not found');
  return found;
}

/**
 * POST /compatibility/subjects/{s}/versions/{v}: is the schema compatible with that version (or,
 * without a version, with the versions the subject's level looks at)?
 */
export function testCompatibility(registry: Registry, subject: string, version: number | 'latest' | undefined, request: SchemaRequest, normalize: boolean): { compatible: boolean; messages: string[] } {
  registry.catchUp();
  const candidate = parseCandidate(registry, request, normalize);
  const level = registry.compatibilityOf(subject);
  let against: VersionEntry[];
  if (version === undefined) {
    against = registry.state.versionsOf(subject, false);
  } else {
    against = [registry.version(subject, version, false)];
  }
  if (against.length === 0) return { compatible: true, messages: [] };
  const previous = against.map((v) => registry.parsedById(v.id)).filter((p): p is ParsedSchema => p !== null).reverse();
  return registry.rules.checkCompatibility(level, candidate.parsed, previous);
}
