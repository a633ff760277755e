/**
 * The in-process target: the request decoder must either return a value or throw a
 * ProtocolDecodeError. Anything else (TypeError, RangeError, a plain Error) is a failure.
 */
import { API_SPECS, ProtocolDecodeError, decodeRequestBody, decodeRequestHeader } from '../../protocol/index.js';
import { shape } from './engine.js';

export function decodeTarget(frame: Buffer): string {
  let key = -1;
  let version = -1;
  try {
    const { header, bodyOffset } = decodeRequestHeader(frame);
    key = header.apiKey;
    version = header.apiVersion;
    const api = API_SPECS.get(key);
    if (!api || version < api.validVersions.min || version > api.validVersions.max) return `${api ? key : "?"}:unroutable`;
    decodeRequestBody(key, version, frame, bodyOffset);
    return `${key}:${version}:ok`;
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return `${key}:${version}:${shape(err.message)}`;
    throw err;
  }
}
