/** The group coordinator's settings, with Kafka's names and (except the initial delay) defaults. */
export interface CoordinatorConfig {
  /**
   * group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for
   * more members (extended while members keep arriving, up to the rebalance timeout). Kafka's
   * default is 3000; Brooklet's is 0 so a dev loop's first message arrives at once.
   */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms: outside is INVALID_SESSION_TIMEOUT. */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** offsets.retention.minutes, in ms: offsets of a group that stayed Empty this long are removed. */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms: how often expired offsets are looked for. */
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: longer commit metadata is OFFSET_METADATA_TOO_LARGE. */
  offsetMetadataMaxBytes: number;
}

export const COORDINATOR_DEFAULTS: CoordinatorConfig = {
  initialRebalanceDelayMs: 0,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  offsetsRetentionMs: 7 * 24 * 60 * 60 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
};

/**
 * A member that joined but has not completed its first rebalance cannot heartbeat (it has no
 * generation yet), so it is only expired after this long (Kafka's NewMemberJoinTimeoutMs).
 */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
