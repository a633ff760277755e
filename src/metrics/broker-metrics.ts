/**
 * The broker's Prometheus metrics (prom-client), counted on the request path.
 *
 * Hot-path cost is the point of this file's shape. Every labelled child is bound once and kept
 * (requests by [apiKey][version], topics in a Map keyed by the name string the request already
 * holds, errors by code), so counting a request allocates no label object and concatenates no
 * string. Records are counted from batch headers (batch-counts.ts), never decoded. Everything
 * that is a level rather than an event (log sizes, segments, lag, connections, memory) is read
 * at scrape time by the gauges in scrape-gauges.ts, so it costs nothing between scrapes.
 *
 * Errors per code: the top-level error code of every answer, and the per-partition codes of
 * Produce and Fetch (the two APIs whose partitions fail one by one on the hot path). Per-partition
 * codes of the other APIs are not walked.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { ErrorCode } from '../../protocol/index.js';
import { bytesOf, recordsInBatches, recordsOf, type RecordData } from './batch-counts.js';

const PRODUCE = 0;
const FETCH = 1;

/** Seconds; from sub-millisecond answers to long polls (a consumer's default max.wait is 500 ms). */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

interface TopicChildren {
  bytesIn: Counter.Internal;
  recordsIn: Counter.Internal;
  bytesOut: Counter.Internal;
  recordsOut: Counter.Internal;
}

interface RequestChildren {
  count: Counter.Internal;
  seconds: Histogram.Internal<string>;
}

/** The parts of Produce and Fetch messages counted here (structural, so any version fits). */
interface ProduceShape {
  topicData: readonly { name: string; partitionData: readonly { records: RecordData }[] }[];
}
interface ProduceAnswerShape {
  responses: readonly { partitionResponses: readonly { errorCode: number }[] }[];
}
interface FetchAnswerShape {
  responses: readonly { topic: string; partitions: readonly { errorCode: number; records?: RecordData }[] }[];
}

export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly bytesIn: Counter;
  private readonly recordsIn: Counter;
  private readonly bytesOut: Counter;
  private readonly recordsOut: Counter;
  private readonly requests: Counter;
  private readonly requestSeconds: Histogram;
  private readonly errors: Counter;
  private readonly topics = new Map<string, TopicChildren>();
  private readonly requestChildren: (RequestChildren | undefined)[][] = [];
  private readonly errorChildren = new Map<number, Counter.Internal>();

  constructor() {
    const registers = [this.registry];
    this.bytesIn = new Counter({ name: 'brooklet_topic_produced_bytes_total', help: 'Record bytes appended by Produce, per topic', labelNames: ['topic'], registers });
    this.recordsIn = new Counter({ name: 'brooklet_topic_produced_records_total', help: 'Records appended by Produce, per topic (from batch headers)', labelNames: ['topic'], registers });
    this.bytesOut = new Counter({ name: 'brooklet_topic_fetched_bytes_total', help: 'Record bytes returned by Fetch, per topic', labelNames: ['topic'], registers });
    this.recordsOut = new Counter({ name: 'brooklet_topic_fetched_records_total', help: 'Records returned by Fetch, per topic (from batch headers)', labelNames: ['topic'], registers });
    this.requests = new Counter({ name: 'brooklet_requests_total', help: 'Kafka requests answered, per API and version', labelNames: ['api', 'version'], registers });
    this.requestSeconds = new Histogram({
      name: 'brooklet_request_duration_seconds', help: 'Time from decoded request to encoded answer, per API and version (long polls included)',
      labelNames: ['api', 'version'], buckets: LATENCY_BUCKETS, registers,
    });
    this.errors = new Counter({ name: 'brooklet_errors_total', help: 'Error codes answered (top-level, and per partition for Produce and Fetch)', labelNames: ['code'], registers });
  }

  /**
   * One answered request: counts, latency, errors, and for Produce/Fetch bytes and records per
   * topic. `response` is null for a Produce with acks=0 (no answer: its records count as appended).
   */
  requestAnswered(apiKey: number, apiName: string, version: number, startedMs: number, request: unknown, response: unknown): void {
    const children = this.requestChildrenOf(apiKey, apiName, version);
    children.count.inc();
    children.seconds.observe((performance.now() - startedMs) / 1000);
    if (response !== null && typeof response === 'object') {
      const code = (response as { errorCode?: unknown }).errorCode;
      if (typeof code === 'number' && code !== 0) this.error(code);
    }
    if (apiKey === PRODUCE) this.produced(request as ProduceShape, response as ProduceAnswerShape | null);
    else if (apiKey === FETCH && response !== null) this.fetched(response as FetchAnswerShape);
  }

  private produced(request: ProduceShape, response: ProduceAnswerShape | null): void {
    for (let t = 0; t < request.topicData.length; t++) {
      const topic = request.topicData[t]!;
      const answers = response?.responses[t]?.partitionResponses;
      let children: TopicChildren | undefined;
      for (let p = 0; p < topic.partitionData.length; p++) {
        const code = answers?.[p]?.errorCode ?? 0;
        if (code !== 0) {
          this.error(code);
          continue;
        }
        const records = topic.partitionData[p]!.records;
        if (!records) continue;
        children ??= this.topic(topic.name);
        children.bytesIn.inc(bytesOf(records));
        children.recordsIn.inc(Buffer.isBuffer(records) ? recordsInBatches(records) : recordsOf(records));
      }
    }
  }

  private fetched(response: FetchAnswerShape): void {
    for (const topic of response.responses) {
      let children: TopicChildren | undefined;
      for (const partition of topic.partitions) {
        if (partition.errorCode !== 0) {
          this.error(partition.errorCode);
          continue;
        }
        const bytes = bytesOf(partition.records);
        if (bytes === 0) continue;
        children ??= this.topic(topic.topic);
        children.bytesOut.inc(bytes);
        children.recordsOut.inc(recordsOf(partition.records));
      }
    }
  }

  private error(code: number): void {
    let child = this.errorChildren.get(code);
    if (child === undefined) {
      child = this.errors.labels(ERROR_NAMES.get(code) ?? String(code));
      this.errorChildren.set(code, child);
    }
    child.inc();
  }

  private topic(name: string): TopicChildren {
    let children = this.topics.get(name);
    if (children === undefined) {
      children = {
        bytesIn: this.bytesIn.labels(name),
        recordsIn: this.recordsIn.labels(name),
        bytesOut: this.bytesOut.labels(name),
        recordsOut: this.recordsOut.labels(name),
      };
      this.topics.set(name, children);
    }
    return children;
  }

  /** A deleted topic's series go with it (a topic re-created under the name starts from zero). */
  topicDeleted(name: string): void {
    if (!this.topics.delete(name)) return;
    for (const metric of [this.bytesIn, this.recordsIn, this.bytesOut, this.recordsOut]) metric.remove(name);
  }

  private requestChildrenOf(apiKey: number, apiName: string, version: number): RequestChildren {
    const byVersion = (this.requestChildren[apiKey] ??= []);
    let children = byVersion[version];
    if (children === undefined) {
      const v = String(version);
      children = { count: this.requests.labels(apiName, v), seconds: this.requestSeconds.labels(apiName, v) };
      byVersion[version] = children;
    }
    return children;
  }
}
