/**
 * FindCoordinator (key 10), versions 0-4 (v3+ flexible; v4 batches keys). kafkajs sends 2,
 * librdkafka 0-2, Java 4+.
 *
 * Single node: the coordinator of every group (key type 0) and every transactional id (key
 * type 1) is this broker (its node id and advertised host/port, as in Metadata); an unknown key
 * type is INVALID_REQUEST.
 * Left out: v5-6 (share groups).
 */
import { ErrorCode, type FindCoordinatorRequest, type FindCoordinatorResponse } from '../../../protocol/index.js';
import { defineHandler, type RequestContext } from '../handler.js';

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

interface Answer {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const findCoordinator = defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
  apiKey: 10,
  name: 'FindCoordinator',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: request.coordinatorKeys.map((key) => ({ key, ...coordinatorFor(ctx, request.keyType) })),
      };
    }
    return { throttleTimeMs: 0, ...coordinatorFor(ctx, request.keyType) };
  },
  errorResponse: (request, errorCode, ctx) => {
    const failed = { errorCode, errorMessage: null, nodeId: -1, host: '', port: -1 };
    return ctx.apiVersion >= 4 ? { coordinators: request.coordinatorKeys.map((key) => ({ key, ...failed })) } : failed;
  },
});

function coordinatorFor(ctx: RequestContext, keyType: number): Answer {
  const { broker } = ctx;
  if (keyType === GROUP_KEY_TYPE || keyType === TRANSACTION_KEY_TYPE) {
    // The listener the client came in on decides the address, as in Metadata.
    const { host, port } = broker.advertisedFor(ctx.conn);
    return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: broker.nodeId, host, port };
  }
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown key type ${keyType}`, nodeId: -1, host: '', port: -1 };
}
