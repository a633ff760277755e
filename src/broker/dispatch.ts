/**
 * Every route in one place: API key -> handler. ApiVersions is built from this table, so the
 * advertised ranges can never drift from what is implemented.
 */
import type { ApiHandler } from './handler.js';
import { produce } from './handlers/00-produce.js';
import { fetch } from './handlers/01-fetch.js';
import { listOffsets } from './handlers/02-list-offsets.js';
import { metadata } from './handlers/03-metadata.js';
import { apiVersions } from './handlers/18-api-versions.js';
import { createTopics } from './handlers/19-create-topics.js';
import { deleteTopics } from './handlers/20-delete-topics.js';
import { initProducerId } from './handlers/22-init-producer-id.js';
import { offsetForLeaderEpoch } from './handlers/23-offset-for-leader-epoch.js';

const HANDLERS: readonly ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  createTopics,
  deleteTopics,
  initProducerId,
  offsetForLeaderEpoch,
];

export const ROUTES: ReadonlyMap<number, ApiHandler> = new Map(HANDLERS.map((h) => [h.apiKey, h]));

export function supportedApiVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...ROUTES.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.versions.min, maxVersion: h.versions.max }));
}
