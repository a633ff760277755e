/**
 * DeleteGroups (key 42), versions 0-2 (v2 flexible). kafkajs sends 1, librdkafka 0-2, Java 2.
 *
 * Deletes each Empty group with its committed offsets (tombstones in __consumer_offsets).
 * A group with members is NON_EMPTY_GROUP; an unknown one GROUP_ID_NOT_FOUND.
 */
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const deleteGroups = defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
  apiKey: 42,
  name: 'DeleteGroups',
  versions: { min: 0, max: 2 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      results: request.groupsNames.map((groupId) => ({ groupId, errorCode: ctx.broker.groups.admin.deleteGroup(groupId) })),
    };
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.groupsNames.map((groupId) => ({ groupId, errorCode })),
  }),
});
