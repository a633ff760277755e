/**
 * The registry's REST API over a real socket, endpoint by endpoint, with the Confluent
 * registry's answers and error codes: subjects, versions, lookups, soft and permanent deletes,
 * schemas by id, config and mode with their fallbacks, the compatibility endpoint, IMPORT mode,
 * content types, and malformed input (400 / 422 / 42202).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { avroRecord, call } from './registry-client.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;
let broker: Broker;
let url: string;
const api = (method: string, path: string, body?: unknown) => call(url, method, path, body);

beforeAll(async () => {
  broker = await startTestBroker();
  url = broker.schemaRegistryUrl!;
});
afterAll(() => broker?.close());

const v1 = avroRecord('Item', ['a']);
const v2 = avroRecord('Item', ['a', 'b']);

describe('subjects and versions', () => {
  it('registers, lists, reads versions, latest, raw schema, and looks up', async () => {
    const r1 = await api('POST', '/subjects/items/versions', { schema: v1 });
    expect(r1).toEqual({ status: 200, body: { id: expect.any(Number) } });
    const r2 = await api('POST', '/subjects/items/versions', { schema: v2, schemaType: 'AVRO' });
    expect(r2.body.id).toBeGreaterThan(r1.body.id);
    expect((await api('GET', '/subjects')).body).toContain('items');
    expect((await api('GET', '/subjects/items/versions')).body).toEqual([1, 2]);
    expect((await api('GET', '/subjects/items/versions/1')).body).toEqual({ subject: 'items', version: 1, id: r1.body.id, schema: v1 });
    expect((await api('GET', '/subjects/items/versions/latest')).body).toMatchObject({ version: 2, id: r2.body.id });
    expect((await api('GET', '/subjects/items/versions/-1')).body).toMatchObject({ version: 2 });
    expect((await api('GET', '/subjects/items/versions/2/schema')).body).toEqual(JSON.parse(v2));
    expect((await api('POST', '/subjects/items', { schema: v1 })).body).toEqual({ subject: 'items', version: 1, id: r1.body.id, schema: v1 });
    // The same schema in another subject shares the id; ids are global.
    const other = await api('POST', '/subjects/items-copy/versions', { schema: v1 });
    expect(other.body.id).toBe(r1.body.id);
    expect((await api('GET', `/schemas/ids/${r1.body.id}/subjects`)).body).toEqual(['items', 'items-copy']);
    expect((await api('GET', `/schemas/ids/${r1.body.id}/versions`)).body).toEqual([{ subject: 'items', version: 1 }, { subject: 'items-copy', version: 1 }]);
    expect((await api('GET', `/schemas/ids/${r1.body.id}`)).body).toEqual({ schema: v1 });
    expect((await api('GET', `/schemas/ids/${r1.body.id}/schema`)).body).toEqual(JSON.parse(v1));
    expect((await api('GET', `/schemas/ids/${r1.body.id}?subject=items`)).status).toBe(200);
    expect((await api('GET', `/schemas/ids/${r1.body.id}?subject=nope`)).body.error_code).toBe(40403);
  });

  it('subjectPrefix filters the list', async () => {
    await api('POST', '/subjects/pfx-one/versions', { schema: '"string"' });
    await api('POST', '/subjects/pfx-two/versions', { schema: '"string"' });
    expect((await api('GET', '/subjects?subjectPrefix=pfx-')).body).toEqual(['pfx-one', 'pfx-two']);
  });

  it('answers 40401, 40402, 40403, 42202 where Confluent does', async () => {
    expect(await api('GET', '/subjects/none/versions')).toEqual({ status: 404, body: { error_code: 40401, message: "Subject 'none' not found." } });
    expect((await api('GET', '/subjects/items/versions/99')).body.error_code).toBe(40402);
    expect((await api('GET', '/schemas/ids/987654')).body.error_code).toBe(40403);
    expect((await api('POST', '/subjects/items', { schema: avroRecord('Other', ['z']) })).body.error_code).toBe(40403);
    expect((await api('POST', '/subjects/none', { schema: v1 })).body.error_code).toBe(40401);
    for (const bad of ['0', 'abc', '-2', '99999999999', '1.5']) {
      const res = await api('GET', `/subjects/items/versions/${bad}`);
      expect(res.status, bad).toBe(422);
      expect(res.body.error_code, bad).toBe(42202);
    }
  });

  it('refuses malformed input: invalid schema 42201, unknown field 422, malformed JSON 400, bad type 422', async () => {
    expect((await api('POST', '/subjects/bad/versions', { schema: '{"type":"record"' })).body.error_code).toBe(42201);
    expect((await api('POST', '/subjects/bad/versions', { schema: '{"type":"nosuchtype"}' })).body.error_code).toBe(42201);
    expect((await api('POST', '/subjects/bad/versions', { schema: '"string"', bogus: 1 })).body).toEqual({ error_code: 422, message: 'Unrecognized field: bogus' });
    expect((await api('POST', '/subjects/bad/versions', { schema: '"string"', schemaType: 'XML' })).body.error_code).toBe(422);
    expect((await api('POST', '/subjects/bad/versions', '{"schema": ')).body.error_code).toBe(400);
    expect((await api('POST', '/subjects/bad/versions', '[1,2]')).body.error_code).toBe(422);
    expect((await api('POST', '/subjects/bad/versions', { schema: 5 })).body.error_code).toBe(42201);
    expect((await api('POST', '/subjects/bad/versions', { schema: '"string"', references: [{ name: 'x', subject: 'none', version: 1 }] })).body.error_code).toBe(42201);
    expect((await api('GET', '/subjects/bad/versions')).status).toBe(404);
  });

  it('answers JSON in the registry content type and keeps path traversal a subject name', async () => {
    const res = await fetch(`${url}/subjects/..%2F..%2Fetc%2Fpasswd/versions`, {
      method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry+json' }, body: JSON.stringify({ schema: '"int"' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.schemaregistry.v1+json');
    expect((await api('GET', '/subjects/..%2F..%2Fetc%2Fpasswd/versions/1')).body.subject).toBe('../../etc/passwd');
  });

  it('serves the subjects and versions of an id whose subject holds a NUL (found by the registry fuzz)', async () => {
    const { body } = await api('POST', '/subjects/nul%00in%00name/versions', { schema: '{"type":"fixed","name":"Nul","size":3}' });
    const versions = await api('GET', `/schemas/ids/${body.id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body).toEqual([{ subject: 'nul\u0000in\u0000name', version: 1 }]);
    expect((await api('GET', `/schemas/ids/${body.id}/subjects`)).body).toEqual(['nul\u0000in\u0000name']);
    expect((await api('GET', `/schemas/ids/${body.id}?subject=nul%00in%00name`)).status).toBe(200);
  });
});

describe('deletes', () => {
  it('soft then permanent, for versions and subjects, with Confluent codes', async () => {
    await api('POST', '/subjects/del/versions', { schema: v1 });
    await api('POST', '/subjects/del/versions', { schema: v2 });
    expect((await api('DELETE', '/subjects/del/versions/1?permanent=true')).body.error_code).toBe(40407);
    expect((await api('DELETE', '/subjects/del/versions/1')).body).toBe(1);
    expect((await api('DELETE', '/subjects/del/versions/1')).body.error_code).toBe(40406);
    expect((await api('GET', '/subjects/del/versions')).body).toEqual([2]);
    expect((await api('GET', '/subjects/del/versions?deleted=true')).body).toEqual([1, 2]);
    expect((await api('GET', '/subjects/del/versions/1')).body.error_code).toBe(40402);
    expect((await api('GET', '/subjects/del/versions/1?deleted=true')).body.version).toBe(1);
    expect((await api('DELETE', '/subjects/del/versions/1?permanent=true')).body).toBe(1);
    expect((await api('GET', '/subjects/del/versions?deleted=true')).body).toEqual([2]);

    expect((await api('DELETE', '/subjects/del?permanent=true')).body.error_code).toBe(40405);
    expect((await api('DELETE', '/subjects/del')).body).toEqual([2]);
    expect((await api('DELETE', '/subjects/del')).body.error_code).toBe(40404);
    expect((await api('GET', '/subjects')).body).not.toContain('del');
    expect((await api('GET', '/subjects?deleted=true')).body).toContain('del');
    // A soft-deleted schema's id still resolves, so data written with it stays readable.
    const id = (await api('GET', '/subjects/del/versions/2?deleted=true')).body.id;
    expect((await api('GET', `/schemas/ids/${id}`)).status).toBe(200);
    expect((await api('DELETE', '/subjects/del?permanent=true')).body).toEqual([2]);
    expect((await api('GET', '/subjects?deleted=true')).body).not.toContain('del');
    expect((await api('DELETE', '/subjects/del')).body.error_code).toBe(40401);
    // Registering again starts at version 1; the id is not given to another schema.
    const again = await api('POST', '/subjects/del/versions', { schema: avroRecord('Fresh', ['q']) });
    expect(again.body.id).toBeGreaterThan(id);
    expect((await api('GET', '/subjects/del/versions')).body).toEqual([1]);
  });
});

describe('config and mode', () => {
  it('global and per subject, 40408 without defaultToGlobal, 42203 for a bad level', async () => {
    expect((await api('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    await api('POST', '/subjects/cfg/versions', { schema: v1 });
    expect(await api('GET', '/config/cfg')).toEqual({ status: 404, body: { error_code: 40408, message: "Subject 'cfg' does not have subject-level compatibility configured" } });
    expect((await api('GET', '/config/cfg?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await api('PUT', '/config/cfg', { compatibility: 'forward_transitive' })).body).toEqual({ compatibility: 'FORWARD_TRANSITIVE' });
    expect((await api('GET', '/config/cfg')).body).toEqual({ compatibilityLevel: 'FORWARD_TRANSITIVE' });
    expect((await api('PUT', '/config/cfg', { compatibility: 'SOMETIMES' })).body.error_code).toBe(42203);
    expect((await api('PUT', '/config/cfg', { level: 'NONE' })).body.error_code).toBe(422);
    expect((await api('DELETE', '/config/cfg')).body).toEqual({ compatibilityLevel: 'FORWARD_TRANSITIVE' });
    expect((await api('GET', '/config/cfg')).body.error_code).toBe(40408);
    expect((await api('DELETE', '/config/nosuchsubject')).body.error_code).toBe(40401);
    expect((await api('PUT', '/config', { compatibility: 'FULL' })).body).toEqual({ compatibility: 'FULL' });
    expect((await api('GET', '/config/cfg?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect((await api('DELETE', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect((await api('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('READONLY refuses writes (42205); IMPORT takes ids and versions given, and needs force on a registry in use', async () => {
    expect((await api('GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
    expect((await api('GET', '/mode/ro')).body.error_code).toBe(40409);
    expect((await api('PUT', '/mode/ro', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
    expect((await api('POST', '/subjects/ro/versions', { schema: v1 })).body.error_code).toBe(42205);
    expect((await api('PUT', '/mode/ro', { mode: 'SOMETIMES' })).body.error_code).toBe(42204);
    expect((await api('DELETE', '/mode/ro')).body).toEqual({ mode: 'READONLY' });
    expect((await api('POST', '/subjects/ro/versions', { schema: v1 })).status).toBe(200);

    expect((await api('POST', '/subjects/imp/versions', { schema: v1, id: 5000 })).body.error_code).toBe(42205);
    expect((await api('PUT', '/mode', { mode: 'IMPORT' })).body.error_code).toBe(42205);
    expect((await api('PUT', '/mode/imp', { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' });
    expect((await api('POST', '/subjects/imp/versions', { schema: avroRecord('Imported', ['x']), id: 5000, version: 7 })).body).toEqual({ id: 5000 });
    expect((await api('GET', '/subjects/imp/versions/7')).body).toMatchObject({ id: 5000, version: 7 });
    expect((await api('POST', '/subjects/imp/versions', { schema: avroRecord('Clash', ['y']), id: 5000 })).body.error_code).toBe(42205);
    await api('DELETE', '/mode/imp');
    // Ids continue past imported ones.
    expect((await api('POST', '/subjects/after-import/versions', { schema: avroRecord('After', ['x']) })).body.id).toBe(5001);
  });
});

describe('compatibility endpoint and misc', () => {
  it('answers is_compatible, with messages when verbose', async () => {
    await api('POST', '/subjects/compat/versions', { schema: v1 });
    const ok = await api('POST', '/compatibility/subjects/compat/versions/latest', { schema: v2 });
    expect(ok.body).toEqual({ is_compatible: true });
    const renamed = JSON.stringify({ type: 'record', name: 'Item', fields: [{ name: 'a', type: 'int' }] });
    const bad = await api('POST', '/compatibility/subjects/compat/versions/1?verbose=true', { schema: renamed });
    expect(bad.body.is_compatible).toBe(false);
    expect(bad.body.messages.length).toBeGreaterThan(0);
    expect((await api('POST', '/compatibility/subjects/compat/versions', { schema: v2 })).body).toEqual({ is_compatible: true });
    expect((await api('POST', '/compatibility/subjects/compat/versions/9', { schema: v2 })).body.error_code).toBe(40402);
    expect((await api('POST', '/compatibility/subjects/nope/versions/1', { schema: v2 })).body.error_code).toBe(40401);
    expect((await api('POST', '/compatibility/subjects/compat/versions/x', { schema: v2 })).body.error_code).toBe(42202);
    // The register path refuses the same change with 409.
    const refused = await api('POST', '/subjects/compat/versions', { schema: renamed });
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe(409);
  });

  it('types, contexts, root, readiness, 404 and 405 in the registry error shape', async () => {
    expect((await api('GET', '/schemas/types')).body).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
    expect((await api('GET', '/contexts')).body).toEqual(['.']);
    expect((await api('GET', '/')).body).toEqual({});
    expect((await api('GET', '/status/ready')).body).toEqual({ ready: true });
    expect((await api('GET', '/v1/metadata/id')).body.scope.clusters['kafka-cluster']).toBeTypeOf('string');
    expect((await api('GET', '/nothing/here')).body.error_code).toBe(404);
    expect((await api('PATCH', '/subjects')).body.error_code).toBe(405);
  });

  it('normalize=true stores the normalized form so an equivalent schema finds its id', async () => {
    const a = JSON.stringify({ type: 'record', name: 'N', fields: [{ name: 'x', type: 'string' }] });
    const b = JSON.stringify({ fields: [{ type: 'string', name: 'x' }], name: 'N', type: 'record' });
    const first = await api('POST', '/subjects/norm/versions?normalize=true', { schema: a });
    const second = await api('POST', '/subjects/norm/versions?normalize=true', { schema: b });
    expect(second.body.id).toBe(first.body.id);
    expect((await api('GET', '/subjects/norm/versions')).body).toEqual([1]);
    expect((await api('POST', '/subjects/norm?normalize=true', { schema: b })).body.id).toBe(first.body.id);
  });
});
