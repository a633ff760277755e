/**
 * The little the coordinator reads of the consumer protocol (protocol type "consumer"): the
 * topics in each member's subscription, used to keep offsets of subscribed topics from expiring
 * and from OffsetDelete (GROUP_SUBSCRIBED_TO_TOPIC), as Kafka does.
 *
 * ConsumerProtocolSubscription, every version: version int16, topics array (int32 count) of
 * string (int16 length); later versions append user data and owned partitions, not needed here.
 */
import { Reader } from '../../protocol/index.js';
import type { Group } from './group.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The union of the members' subscribed topics; undefined if any subscription cannot be read. */
export function parseConsumerSubscriptionTopics(group: Group): Set<string> | undefined {
  if (group.protocolName === null) return undefined;
  const topics = new Set<string>();
  try {
    for (const member of group.members.values()) {
      const r = new Reader(member.metadataFor(group.protocolName));
      r.int16();
      const count = r.arrayLength() ?? 0;
      for (let i = 0; i < count; i++) topics.add(r.string());
    }
  } catch {
    return undefined;
  }
  return topics;
}
