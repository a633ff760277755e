/**
 * Every route in one place: API key -> handler. ApiVersions is built from this table, so the
 * advertised ranges can never drift from what is implemented.
 */
import type { ApiHandler } from './handler.js';
import { produce } from './handlers/00-produce.js';
import { fetch } from './handlers/01-fetch.js';
import { listOffsets } from './handlers/02-list-offsets.js';
import { metadata } from './handlers/03-metadata.js';
import { offsetCommit } from './handlers/08-offset-commit.js';
import { offsetFetch } from './handlers/09-offset-fetch.js';
import { findCoordinator } from './handlers/10-find-coordinator.js';
import { joinGroup } from './handlers/11-join-group.js';
import { heartbeat } from './handlers/12-heartbeat.js';
import { leaveGroup } from './handlers/13-leave-group.js';
import { syncGroup } from './handlers/14-sync-group.js';
import { describeGroups } from './handlers/15-describe-groups.js';
import { listGroups } from './handlers/16-list-groups.js';
import { apiVersions } from './handlers/18-api-versions.js';
import { createTopics } from './handlers/19-create-topics.js';
import { deleteTopics } from './handlers/20-delete-topics.js';
import { deleteRecords } from './handlers/21-delete-records.js';
import { initProducerId } from './handlers/22-init-producer-id.js';
import { offsetForLeaderEpoch } from './handlers/23-offset-for-leader-epoch.js';
import { addPartitionsToTxn } from './handlers/24-add-partitions-to-txn.js';
import { addOffsetsToTxn } from './handlers/25-add-offsets-to-txn.js';
import { endTxn } from './handlers/26-end-txn.js';
import { txnOffsetCommit } from './handlers/28-txn-offset-commit.js';
import { describeConfigs } from './handlers/32-describe-configs.js';
import { alterConfigs } from './handlers/33-alter-configs.js';
import { describeLogDirs } from './handlers/35-describe-log-dirs.js';
import { createPartitions } from './handlers/37-create-partitions.js';
import { deleteGroups } from './handlers/42-delete-groups.js';
import { electLeaders } from './handlers/43-elect-leaders.js';
import { incrementalAlterConfigs } from './handlers/44-incremental-alter-configs.js';
import { offsetDelete } from './handlers/47-offset-delete.js';
import { describeProducers } from './handlers/61-describe-producers.js';
import { describeTransactions } from './handlers/65-describe-transactions.js';
import { listTransactionsHandler } from './handlers/66-list-transactions.js';
import { describeCluster } from './handlers/60-describe-cluster.js';
import { describeTopicPartitions } from './handlers/75-describe-topic-partitions.js';

const HANDLERS: readonly ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  offsetForLeaderEpoch,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  txnOffsetCommit,
  describeConfigs,
  alterConfigs,
  describeLogDirs,
  createPartitions,
  deleteGroups,
  electLeaders,
  incrementalAlterConfigs,
  offsetDelete,
  describeProducers,
  describeTransactions,
  listTransactionsHandler,
  describeCluster,
  describeTopicPartitions,
];

export const ROUTES: ReadonlyMap<number, ApiHandler> = new Map(HANDLERS.map((h) => [h.apiKey, h]));

export function supportedApiVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...ROUTES.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.versions.min, maxVersion: h.versions.max }));
}
