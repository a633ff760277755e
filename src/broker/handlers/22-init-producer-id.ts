/**
 * InitProducerId (key 22), versions 0-4, non-transactional.
 * Without a transactional id Kafka always hands out a fresh producer id at epoch 0, whatever id
 * and epoch the request carries (KIP-360 bumps only matter for transactional producers); so does
 * Brooklet. Ids come from a block reserved on disk, so they are never reused after a restart.
 * Transactions are not implemented yet: a transactional id is answered with
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, a fatal error clients report plainly (see README).
 */
import { ErrorCode, type InitProducerIdRequest, type InitProducerIdResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const initProducerId = defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: 22,
  name: 'InitProducerId',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    if (request.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1, producerEpoch: -1 };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.broker.producerIds.allocate(), producerEpoch: 0 };
  },
  errorResponse: (_request, errorCode) => ({ errorCode, producerId: -1, producerEpoch: -1 }),
});
