import { OFFSETS_TOPIC } from '../coordinator/offsets-log.js';
import { TRANSACTION_STATE_TOPIC } from '../coordinator/transactions/txn-log.js';

/** Internal topics are written by the broker only: clients may read them, not produce to or delete them. */
export function isInternalTopic(name: string): boolean {
  return name === OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}

/** Kafka's topic-name rules: 1-249 characters of [a-zA-Z0-9._-], and not "." or "..". */
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Returns why `name` is not a legal topic name, or null when it is. */
export function topicNameProblem(name: string | null | undefined): string | null {
  if (name === null || name === undefined || name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL.test(name)) {
    // Kafka 4's controller words it this way in CreateTopics answers (the client-side check differs).
    return `Topic name is invalid: '${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}
