/**
 * The web console: its page and assets at /, its JSON API under /api/.
 *
 * It reads through the broker's internal interfaces (Broker, LogManager, GroupCoordinator), not
 * the Kafka protocol: it runs in the broker's process, so the logs, offsets and groups are right
 * here, and sizes, segments and configs exist only here (a Kafka client would need several
 * admin calls and a connection of its own to learn less). Every read is of in-memory state or a
 * capped log read, short enough to share the event loop with the Kafka listeners.
 *
 * Input is checked before anything is read: topic names by Kafka's rules, partitions, offsets
 * and timestamps as non-negative safe integers, limits capped (MAX_MESSAGES per browse). Writes
 * (create, delete, produce) need Content-Type application/json and, when the browser sends an
 * Origin, one matching the Host: a page elsewhere can neither post a form here nor script it.
 * On a loopback address every route also needs a loopback Host header (host-check.ts: DNS rebinding).
 */
import type { Broker } from '../broker/broker.js';
import { HttpError, type HttpRequest, type HttpResponse, type Router } from '../http/router.js';
import { browse, MAX_MESSAGES, type BrowseQuery } from './browse.js';
import { loadDecoders, type SchemaLookup } from './fields.js';
import { describeGroup, listGroups } from './groups.js';
import { hostGuarded } from './host-check.js';
import { ConsoleFiles, SECURITY_HEADERS } from './static-files.js';
import { createTopic, deleteTopic, listTopics, produceTestMessage, topicView } from './topics.js';

export interface ConsoleOptions {
  /** The in-process Schema Registry's lookup once it runs; null without one. */
  schemaLookup: () => SchemaLookup | null;
  /** The Kafka bootstrap address(es), shown on the page. */
  bootstrap: () => string;
  /** The listener is on a loopback address: only loopback Host headers are answered. */
  loopbackOnly: boolean;
  files?: ConsoleFiles;
}

const API_HEADERS = { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' };
const json = (body: unknown, status = 200): HttpResponse => ({ status, headers: API_HEADERS, body });

export function addConsoleRoutes(httpRouter: Router, broker: Broker, options: ConsoleOptions): void {
  const router = hostGuarded(httpRouter, options.loopbackOnly);
  const files = options.files ?? new ConsoleFiles();
  router.get('/', () => files.serve(''));
  router.get('/assets/:file', (req) => files.serve(req.params.file!));

  router.get('/api/overview', () => json({
    bootstrap: options.bootstrap(),
    clusterId: broker.logs.clusterId,
    nodeId: broker.nodeId,
    topics: broker.logs.listTopics().length,
    groups: broker.groups.admin.list().length,
    schemaRegistry: options.schemaLookup() !== null,
  }));
  router.get('/api/topics', () => json(listTopics(broker)));
  router.post('/api/topics', async (req) => json(createTopic(broker, await writeBody(req)), 201));
  router.get('/api/topics/:topic', (req) => json(topicView(broker, topicParam(req))));
  router.delete('/api/topics/:topic', (req) => {
    checkWrite(req);
    deleteTopic(broker, topicParam(req));
    return { status: 204, headers: API_HEADERS };
  });
  router.post('/api/topics/:topic/messages', async (req) => json(await produceTestMessage(broker, topicParam(req), await writeBody(req)), 201));
  router.get('/api/topics/:topic/partitions/:partition/messages', async (req) => {
    const topic = topicParam(req);
    const partition = integerParam(req.params.partition, 'partition');
    const query = browseQuery(req.query);
    // The schema library loads once, before the log is looked at (a topic may go meanwhile).
    const lookup = options.schemaLookup();
    await loadDecoders(lookup);
    if (!broker.logs.getTopic(topic)) throw new HttpError(404, `topic '${topic}' does not exist`);
    const log = broker.logs.partition(topic, partition);
    if (!log) throw new HttpError(404, `topic '${topic}' has no partition ${partition}`);
    return json(browse(log, query, lookup));
  });
  router.get('/api/groups', () => json(listGroups(broker)));
  router.get('/api/groups/:group', (req) => {
    const group = req.params.group!;
    if (group.length > 1000) throw new HttpError(400, 'group id is too long');
    const detail = describeGroup(broker, group);
    if (!detail) throw new HttpError(404, `group '${group}' does not exist`);
    return json(detail);
  });
}

function topicParam(req: HttpRequest): string {
  const name = req.params.topic!;
  if (name.length === 0 || name.length > 249 || !/^[a-zA-Z0-9._-]+$/.test(name)) throw new HttpError(400, 'illegal topic name');
  return name;
}

function integerParam(text: string | null | undefined, what: string): number {
  if (text === null || text === undefined || !/^\d{1,16}$/.test(text)) throw new HttpError(400, `${what} must be a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new HttpError(400, `${what} is too large`);
  return n;
}

export function browseQuery(q: URLSearchParams): BrowseQuery {
  const order = q.get('order') ?? 'newest';
  if (order !== 'newest' && order !== 'oldest') throw new HttpError(400, 'order must be newest or oldest');
  const limitText = q.get('limit');
  const limit = limitText === null ? 20 : integerParam(limitText, 'limit');
  if (limit < 1 || limit > MAX_MESSAGES) throw new HttpError(400, `limit must be from 1 to ${MAX_MESSAGES}`);
  const query: BrowseQuery = { order, limit };
  if (q.has('offset') && q.has('timestamp')) throw new HttpError(400, 'give offset or timestamp, not both');
  if (q.has('offset')) query.offset = integerParam(q.get('offset'), 'offset');
  if (q.has('timestamp')) query.timestamp = integerParam(q.get('timestamp'), 'timestamp');
  return query;
}

/** A write's body, after the checks that keep other sites' pages from making the request. */
async function writeBody(req: HttpRequest): Promise<unknown> {
  checkWrite(req);
  return req.json();
}

function checkWrite(req: HttpRequest): void {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new HttpError(403, 'unreadable Origin');
    }
    if (host !== req.headers.host) throw new HttpError(403, `requests from ${origin} are not accepted`);
  }
  if (req.method !== 'DELETE' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'Content-Type must be application/json');
  }
}
