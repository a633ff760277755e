/*
 * Request and response headers, and complete frames.
 *
 *   frame            = INT32 size, then header + body (size counts header + body)
 *   request header v1  INT16 api_key, INT16 api_version, INT32 correlation_id,
 *                      NULLABLE_STRING client_id (INT16 length)
 *   request header v2  v1 + tagged-field block; client_id stays an INT16-length string
 *   response header v0 INT32 correlation_id
 *   response header v1 v0 + tagged-field block
 *
 * Request header v2 / response header v1 go with flexible versions, except that the
 * ApiVersions response header is always v0 (a client must be able to read it before it
 * knows which versions we speak, KIP-511).
 */

import { ProtocolDecodeError, Reader, Writer } from './primitives.js';
import { decodeStruct } from './schema.js';
import {
  API_SPECS, isFlexible, decodeResponseBody, encodeRequestBody, encodeResponseBody,
} from './messages.js';
import type { ApiKey, RequestTypes, ResponseTypes } from './generated/index.js';

export const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

/**
 * Reads the request header of `frame` (the request WITHOUT its 4-byte size prefix).
 * For an unknown api key the header is read as v1; the caller closes the connection.
 */
export function decodeRequestHeader(frame: Buffer): { header: RequestHeader; bodyOffset: number } {
  const r = new Reader(frame, 0);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  if (API_SPECS.has(apiKey) && requestHeaderVersion(apiKey, apiVersion) === 2) {
    decodeStruct([], apiVersion, true, r); // the header's tagged fields: none known, all skipped
  }
  return { header: { apiKey, apiVersion, correlationId, clientId }, bodyOffset: r.offset };
}

export function encodeRequestHeader(header: RequestHeader, w: Writer): void {
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).nullableString(header.clientId);
  if (requestHeaderVersion(header.apiKey, header.apiVersion) === 2) w.uvarint(0);
}

/** Starts a frame with a size placeholder that finishFrame patches. */
function startFrame(): Writer {
  return new Writer().int32(0);
}

function finishFrame(w: Writer): Buffer[] {
  const chunks = w.finish();
  // The placeholder is the first 4 bytes of the first chunk (a fresh writer's scratch).
  chunks[0]!.writeInt32BE(w.length - 4, 0);
  return chunks;
}

/** The complete response frame: size prefix, response header, body chunks (not copied). */
export function encodeResponseFrame<K extends ApiKey>(apiKey: K, apiVersion: number, correlationId: number, body: ResponseTypes[K]): Buffer[];
export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer[];
export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer[] {
  const w = startFrame().int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) === 1) w.uvarint(0);
  encodeResponseBody(apiKey, apiVersion, body, w);
  return finishFrame(w);
}

/** The complete request frame, for tests and a raw client. */
export function encodeRequestFrame<K extends ApiKey>(apiKey: K, apiVersion: number, correlationId: number, clientId: string | null, body: RequestTypes[K]): Buffer[];
export function encodeRequestFrame(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, body: object): Buffer[];
export function encodeRequestFrame(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, body: object): Buffer[] {
  const w = startFrame();
  encodeRequestHeader({ apiKey, apiVersion, correlationId, clientId }, w);
  encodeRequestBody(apiKey, apiVersion, body, w);
  return finishFrame(w);
}

/** Decodes a response frame WITHOUT its size prefix, for tests and a raw client. */
export function decodeResponseFrame<K extends ApiKey>(apiKey: K, apiVersion: number, frame: Buffer): { correlationId: number; body: ResponseTypes[K] };
export function decodeResponseFrame(apiKey: number, apiVersion: number, frame: Buffer): { correlationId: number; body: object };
export function decodeResponseFrame(apiKey: number, apiVersion: number, frame: Buffer): { correlationId: number; body: object } {
  const r = new Reader(frame, 0);
  const correlationId = r.int32();
  if (responseHeaderVersion(apiKey, apiVersion) === 1) decodeStruct([], apiVersion, true, r);
  if (!API_SPECS.has(apiKey)) throw new ProtocolDecodeError(`unknown api key ${apiKey}`);
  return { correlationId, body: decodeResponseBody(apiKey, apiVersion, frame, r.offset) };
}
