/**
 * ApiVersions (key 18), versions 0-4.
 * Answers with the version range of every registered handler. v3+ carry the client's software
 * name and version (logged at debug). No supported or finalized features are returned, so Java
 * clients use the classic transaction flow. A version above 4 never reaches this handler: the
 * request processor answers it with UNSUPPORTED_VERSION in the v0 body (KIP-511).
 */
import { ErrorCode, type ApiVersionsRequest, type ApiVersionsResponse } from '../../../protocol/index.js';
import { supportedApiVersions } from '../dispatch.js';
import { defineHandler } from '../handler.js';

export const apiVersions = defineHandler<ApiVersionsRequest, ApiVersionsResponse>({
  apiKey: 18,
  name: 'ApiVersions',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    if (ctx.apiVersion >= 3) {
      ctx.broker.log.debug(
        { client: ctx.header.clientId, software: request.clientSoftwareName, softwareVersion: request.clientSoftwareVersion },
        'client connected',
      );
    }
    return { errorCode: ErrorCode.NONE, apiKeys: supportedApiVersions(), throttleTimeMs: 0 };
  },
  errorResponse: (_request, errorCode) => ({ errorCode, apiKeys: supportedApiVersions() }),
});
