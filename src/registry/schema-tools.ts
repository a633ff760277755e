/**
 * Everything that parses schemas, loaded on the first request that needs it (registering, looking
 * up, checking, or answering a Protobuf schema in the `serialized` format) rather than at startup:
 * avsc, ajv and protobufjs take longer to load than the rest of the broker, and a broker that
 * never sees a registry write should start in milliseconds.
 */
import * as schemas from './schemas/index.js';
import { protoTextFromDescriptor } from './protobuf-descriptor-input.js';
import { serializedProtobuf } from './protobuf-serialized.js';
import type { SchemaRules } from './types.js';

export interface SchemaTools {
  rules: SchemaRules;
  protoTextFromDescriptor: typeof protoTextFromDescriptor;
  serializedProtobuf: typeof serializedProtobuf;
}

export const tools: SchemaTools = { rules: schemas, protoTextFromDescriptor, serializedProtobuf };
