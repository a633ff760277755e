// The public surface of protocol/: the Kafka wire codec (pure: no sockets, files or clock).

export { ProtocolDecodeError, Reader, Writer } from './primitives.js';
export { OPEN_VERSION, inRange } from './schema-types.js';
export type { FieldSpec, MessageSpec, PrimitiveType, VersionRange, FieldDefault } from './schema-types.js';
export { decodeStruct, encodeStruct, defaultValue, ZERO_UUID } from './schema.js';
export type { Struct } from './schema.js';
export {
  API_SPECS, isFlexible, decodeRequestBody, encodeResponseBody, encodeRequestBody, decodeResponseBody,
} from './messages.js';
export type { ApiSpec } from './messages.js';
export {
  API_VERSIONS_KEY, requestHeaderVersion, responseHeaderVersion, decodeRequestHeader, encodeRequestHeader,
  encodeResponseFrame, encodeRequestFrame, decodeResponseFrame,
} from './headers.js';
export type { RequestHeader } from './headers.js';
export * from './record-batch.js';
export * from './generated/index.js';
export * from './records.js';
