/**
 * The REST routes of the Confluent Schema Registry API, each a thin call into the operations
 * (register.ts, deletes.ts, settings.ts) or a read of the state. Answers use Confluent's shapes:
 * a version is {subject, version, id, schemaType (absent for AVRO), references (absent when
 * none), schema}; /schema endpoints answer the bare schema text.
 *
 * Not served (README "Schema Registry"): contexts other than the default ".", data contracts
 * (metadata, rule sets), exporters, tags, the `format` variants of a schema (the stored text
 * is answered), and the leader-forwarding of a registry cluster (one broker, one registry).
 */
import type { HttpRequest, HttpResponse } from '../http/router.js';
import { Router } from '../http/router.js';
import { ErrorCode, RegistryError, schemaNotFound } from './errors.js';
import type { SchemaReference } from './records.js';
import { deleteSubject, deleteVersion } from './deletes.js';
import { lookup, register, testCompatibility } from './register.js';
import type { Registry } from './registry.js';
import { flag, parseId, parseVersion, readObject, readSchemaRequest } from './request-body.js';
import { deleteCompatibility, deleteMode, getCompatibility, getMode, setCompatibility, setMode } from './settings.js';
import { splitUse, type VersionEntry } from './store.js';
import { SCHEMA_TYPES } from './types.js';

const ok = (body: unknown): HttpResponse => ({ body });

export function versionBody(registry: Registry, v: VersionEntry, format: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = { subject: v.subject, version: v.version, id: v.id };
  if (v.schemaType !== 'AVRO') out.schemaType = v.schemaType;
  if (v.references.length > 0) out.references = v.references;
  out.schema = inFormat(registry, v, format);
  return out;
}

/**
 * The schema text in the asked `format`: `serialized` gives a Protobuf schema as the base64 of
 * its FileDescriptorProto; any other format (and any format of Avro and JSON) the stored text.
 */
function inFormat(registry: Registry, s: { schemaType: string; schema: string; references: readonly SchemaReference[] }, format: string | null): string {
  if (format !== 'serialized' || s.schemaType !== 'PROTOBUF') return s.schema;
  try {
    return registry.tools.serializedProtobuf(s.schema, registry.resolveReferences(s.references));
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw new RegistryError(ErrorCode.INVALID_SCHEMA, `Invalid schema: cannot describe it as a FileDescriptorProto: ${(err as Error).message}`);
  }
}

export function registryRoutes(registry: Registry, isReady: () => boolean): Router {
  const r = new Router();
  const read = (handler: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>) => (req: HttpRequest) => {
    registry.catchUp();
    return handler(req);
  };
  const subject = (req: HttpRequest) => req.params.subject!;
  /** Reads the schema request and loads the schema library before an operation that parses. */
  const schemaRequest = async (req: HttpRequest) => {
    const request = await readSchemaRequest(req);
    await registry.loadTools();
    return request;
  };
  /** A GET that may answer a Protobuf schema in the `serialized` format needs the library too. */
  const readWithFormat = (handler: (req: HttpRequest) => HttpResponse) => async (req: HttpRequest) => {
    if (req.query.get('format') === 'serialized') await registry.loadTools();
    registry.catchUp();
    return handler(req);
  };

  r.get('/', () => ok({}));
  r.get('/status/ready', () => isReady() ? ok({ ready: true }) : { status: 503, body: { error_code: 50003, message: 'schema registry is starting' } });
  r.get('/v1/metadata/id', read(() => ok({ scope: { path: [], clusters: { 'kafka-cluster': registry.clusterId, 'schema-registry-cluster': 'schema-registry' } } })));
  r.get('/contexts', () => ok(['.']));
  r.get('/schemas/types', () => ok([...SCHEMA_TYPES]));

  // Subjects.
  r.get('/subjects', read((req) => {
    return ok(registry.subjectNames(flag(req, 'deleted'), req.query.get('subjectPrefix') ?? ''));
  }));
  r.post('/subjects/:subject', async (req) => {
    const request = await schemaRequest(req);
    return ok(versionBody(registry, lookup(registry, subject(req), request, flag(req, 'normalize'), flag(req, 'deleted')), req.query.get('format')));
  });
  r.delete('/subjects/:subject', async (req) => ok(await deleteSubject(registry, subject(req), flag(req, 'permanent'))));
  r.get('/subjects/:subject/versions', read((req) => ok(registry.versions(subject(req), flag(req, 'deleted')).map((v) => v.version))));
  r.post('/subjects/:subject/versions', async (req) => {
    const request = await schemaRequest(req);
    return ok(await register(registry, subject(req), request, flag(req, 'normalize')));
  });
  r.get('/subjects/:subject/versions/:version', readWithFormat((req) =>
    ok(versionBody(registry, registry.version(subject(req), parseVersion(req.params.version!), flag(req, 'deleted')), req.query.get('format')))));
  r.get('/subjects/:subject/versions/:version/schema', read((req) =>
    rawSchema(registry.version(subject(req), parseVersion(req.params.version!), flag(req, 'deleted')).schema)));
  r.get('/subjects/:subject/versions/:version/referencedby', read((req) =>
    ok(registry.referencesBy(registry.version(subject(req), parseVersion(req.params.version!), true)))));
  r.delete('/subjects/:subject/versions/:version', async (req) =>
    ok(await deleteVersion(registry, subject(req), parseVersion(req.params.version!), flag(req, 'permanent'))));

  // Schemas by id.
  const byId = (req: HttpRequest) => {
    const id = parseId(req.params.id!);
    const stored = registry.state.schemas.get(id);
    if (!stored) throw schemaNotFound(`Schema ${id} not found`);
    const only = req.query.get('subject');
    if (only !== null && only !== '' && ![...stored.uses].some((u) => splitUse(u).subject === only)) {
      throw schemaNotFound(`Schema ${id} not found in subject '${only}'`);
    }
    return stored;
  };
  const uses = (req: HttpRequest) => {
    const stored = byId(req);
    const includeDeleted = flag(req, 'deleted');
    return [...stored.uses].map((u) => {
      const { subject: s, version: v } = splitUse(u);
      return registry.state.subjects.get(s)!.versions.get(v)!;
    }).filter((v) => includeDeleted || !v.deleted)
      .sort((a, b) => a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version);
  };
  r.get('/schemas/ids/:id', readWithFormat((req) => {
    const stored = byId(req);
    const body: Record<string, unknown> = {};
    if (stored.schemaType !== 'AVRO') body.schemaType = stored.schemaType;
    if (stored.references.length > 0) body.references = stored.references;
    body.schema = inFormat(registry, stored, req.query.get('format'));
    return ok(body);
  }));
  r.get('/schemas/ids/:id/schema', read((req) => rawSchema(byId(req).schema)));
  r.get('/schemas/ids/:id/subjects', read((req) => ok([...new Set(uses(req).map((v) => v.subject))])));
  r.get('/schemas/ids/:id/versions', read((req) => ok(uses(req).map((v) => ({ subject: v.subject, version: v.version })))));

  // Compatibility.
  const compatibility = (withVersion: boolean) => async (req: HttpRequest) => {
    const request = await schemaRequest(req);
    const version = withVersion ? parseVersion(req.params.version!) : undefined;
    const verdict = testCompatibility(registry, subject(req), version, request, flag(req, 'normalize'));
    return ok(flag(req, 'verbose') ? { is_compatible: verdict.compatible, messages: verdict.messages } : { is_compatible: verdict.compatible });
  };
  r.post('/compatibility/subjects/:subject/versions/:version', compatibility(true));
  r.post('/compatibility/subjects/:subject/versions', compatibility(false));

  // Config and mode.
  r.get('/config', () => ok(getCompatibility(registry, null, true)));
  r.put('/config', async (req) => ok(await setCompatibility(registry, null, await readObject(req))));
  r.delete('/config', async () => ok(await deleteCompatibility(registry, null)));
  r.get('/config/:subject', (req) => ok(getCompatibility(registry, subject(req), flag(req, 'defaultToGlobal'))));
  r.put('/config/:subject', async (req) => ok(await setCompatibility(registry, subject(req), await readObject(req))));
  r.delete('/config/:subject', async (req) => ok(await deleteCompatibility(registry, subject(req))));
  r.get('/mode', () => ok(getMode(registry, null, true)));
  r.put('/mode', async (req) => ok(await setMode(registry, null, await readObject(req), flag(req, 'force'))));
  r.delete('/mode', async () => ok(await deleteMode(registry, null)));
  r.get('/mode/:subject', (req) => ok(getMode(registry, subject(req), flag(req, 'defaultToGlobal'))));
  r.put('/mode/:subject', async (req) => ok(await setMode(registry, subject(req), await readObject(req), flag(req, 'force'))));
  r.delete('/mode/:subject', async (req) => ok(await deleteMode(registry, subject(req))));
  return r;
}

function rawSchema(text: string): HttpResponse {
  // Confluent answers the stored text itself (JSON for Avro and JSON Schema, .proto for Protobuf).
  return { body: text, headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' } };
}

