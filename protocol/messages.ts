/*
 * Message bodies: the API table and typed encode/decode of request and response bodies for
 * every implemented API key, through the one interpreter in schema.ts.
 *
 * "Flexible" (compact encodings, tagged fields, request header v2, response header v1) is a
 * property of (api key, version). For a version above the spec's maximum (a client newer
 * than us, e.g. ApiVersions v5) we call it flexible when the API has any flexible version,
 * so that at least its header can be read and answered.
 */

import { ProtocolDecodeError, Reader, Writer } from './primitives.js';
import { decodeStruct, encodeStruct, type Struct } from './schema.js';
import { inRange, type MessageSpec } from './schema-types.js';
import { MESSAGE_SPECS, type ApiKey, type RequestTypes, type ResponseTypes } from './generated/index.js';

export interface ApiSpec {
  readonly apiKey: number;
  /** e.g. 'Produce', 'ApiVersions'. */
  readonly name: string;
  readonly validVersions: { readonly min: number; readonly max: number };
  /** First flexible version, or null if no version is flexible. */
  readonly flexibleFrom: number | null;
}

export const API_SPECS: ReadonlyMap<number, ApiSpec> = new Map(
  [...MESSAGE_SPECS].map(([apiKey, { request }]) => [apiKey, {
    apiKey,
    name: request.name.replace(/Request$/, ''),
    validVersions: { min: request.validVersions[0], max: request.validVersions[1] },
    flexibleFrom: request.flexibleVersions ? request.flexibleVersions[0] : null,
  }]),
);

/** Whether (apiKey, version) uses the flexible encoding; unknown api keys are not flexible. */
export function isFlexible(apiKey: number, version: number): boolean {
  const api = API_SPECS.get(apiKey);
  if (!api || api.flexibleFrom === null) return false;
  return version >= api.flexibleFrom;
}

function specFor(apiKey: number, version: number, kind: 'request' | 'response'): MessageSpec {
  const entry = MESSAGE_SPECS.get(apiKey);
  if (!entry) throw new ProtocolDecodeError(`unknown api key ${apiKey}`);
  const spec = entry[kind];
  if (!inRange(spec.validVersions, version)) {
    throw new ProtocolDecodeError(`${spec.name} version ${version} is not supported`);
  }
  return spec;
}

function flexibleFor(spec: MessageSpec, version: number): boolean {
  return inRange(spec.flexibleVersions, version);
}

function decodeBody(kind: 'request' | 'response', apiKey: number, version: number, frame: Buffer, offset: number): Struct {
  const spec = specFor(apiKey, version, kind);
  return decodeStruct(spec.fields, version, flexibleFor(spec, version), new Reader(frame, offset));
}

function encodeBody(kind: 'request' | 'response', apiKey: number, version: number, body: object, w: Writer): void {
  const entry = MESSAGE_SPECS.get(apiKey);
  if (!entry) throw new Error(`unknown api key ${apiKey}`);
  const spec = entry[kind];
  if (!inRange(spec.validVersions, version)) throw new Error(`${spec.name} version ${version} is not supported`);
  encodeStruct(spec.fields, version, flexibleFor(spec, version), body as Struct, w);
}

/**
 * Decodes a request body starting at `offset` in `frame` (the frame without its size prefix;
 * `offset` is the bodyOffset from decodeRequestHeader). Throws ProtocolDecodeError only.
 */
export function decodeRequestBody<K extends ApiKey>(apiKey: K, version: number, frame: Buffer, offset: number): RequestTypes[K];
export function decodeRequestBody(apiKey: number, version: number, frame: Buffer, offset: number): object;
export function decodeRequestBody(apiKey: number, version: number, frame: Buffer, offset: number): object {
  return decodeBody('request', apiKey, version, frame, offset);
}

/** Encodes a response body; undefined fields are written as their defaults. */
export function encodeResponseBody<K extends ApiKey>(apiKey: K, version: number, body: ResponseTypes[K], w: Writer): void;
export function encodeResponseBody(apiKey: number, version: number, body: object, w: Writer): void;
export function encodeResponseBody(apiKey: number, version: number, body: object, w: Writer): void {
  encodeBody('response', apiKey, version, body, w);
}

/** Inverse pair, for tests and a raw test client. */
export function encodeRequestBody<K extends ApiKey>(apiKey: K, version: number, body: RequestTypes[K], w: Writer): void;
export function encodeRequestBody(apiKey: number, version: number, body: object, w: Writer): void;
export function encodeRequestBody(apiKey: number, version: number, body: object, w: Writer): void {
  encodeBody('request', apiKey, version, body, w);
}

export function decodeResponseBody<K extends ApiKey>(apiKey: K, version: number, frame: Buffer, offset: number): ResponseTypes[K];
export function decodeResponseBody(apiKey: number, version: number, frame: Buffer, offset: number): object;
export function decodeResponseBody(apiKey: number, version: number, frame: Buffer, offset: number): object {
  return decodeBody('response', apiKey, version, frame, offset);
}
