/**
 * The Confluent Schema Registry's error answers: HTTP status plus a body
 * `{"error_code": <code>, "message": <text>}`. Clients branch on error_code (the kafkajs client's
 * register() treats 40408 from GET /config/{subject} as "use the global level"), so the codes are
 * Confluent's own; the HTTP status is the code's first three digits.
 */
import { HttpError } from '../http/router.js';

export const ErrorCode = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  VERSION_SOFT_DELETED: 40406,
  VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED: 40408,
  SUBJECT_LEVEL_MODE_NOT_CONFIGURED: 40409,
  INCOMPATIBLE_SCHEMA: 409,
  UNPROCESSABLE: 422,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  REFERENCE_EXISTS: 42206,
  STORE_ERROR: 50001,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error the registry answers with; thrown from anywhere below a route. */
export class RegistryError extends HttpError {
  constructor(readonly code: ErrorCodeValue | 400 | 404 | 405 | 413, message: string) {
    super(httpStatusOf(code), message, { error_code: code, message });
  }
}

export function httpStatusOf(code: number): number {
  return code >= 1000 ? Math.floor(code / 100) : code;
}

/** The listener's errorBody hook: the HTTP layer's own errors (404, 405, 413, 400) in Confluent's shape. */
export function registryErrorBody(status: number, message: string): unknown {
  return { error_code: status, message };
}

export const subjectNotFound = (subject: string) =>
  new RegistryError(ErrorCode.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number | string) =>
  new RegistryError(ErrorCode.VERSION_NOT_FOUND, `Version ${version} not found.`);
export const schemaNotFound = (what = 'Schema not found') =>
  new RegistryError(ErrorCode.SCHEMA_NOT_FOUND, what);
export const unprocessable = (message: string) => new RegistryError(ErrorCode.UNPROCESSABLE, message);
