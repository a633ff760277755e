/**
 * The broker's Prometheus metrics (prom-client), counted on the request path.
 *
 * Hot-path cost is the point of this file's shape. Every labelled child is a plain object bound
 * once and kept (requests by [apiKey][version], topics in a Map keyed by the name string the
 * request already holds, errors by code), so counting a request allocates no label object,
 * concatenates no string and hashes nothing; prom-client's registry reads the numbers only when
 * scraped (families.ts). Records are counted from batch headers (batch-counts.ts), never decoded;
 * a Fetch of a dense log brings its count from the handler (the read's offset span), so its
 * answer is not walked at all. Everything that is a level rather than an event (log sizes,
 * segments, lag, connections, memory) is read at scrape time by the gauges in scrape-gauges.ts,
 * so it costs nothing between scrapes.
 *
 * Errors per code: the top-level error code of every answer, and the per-partition codes of
 * Produce and Fetch (the two APIs whose partitions fail one by one on the hot path). Per-partition
 * codes of the other APIs are not walked.
 */
import { Registry } from 'prom-client';
import { ErrorCode } from '../../protocol/index.js';
import { bytesOf, recordsInBatches, recordsOf, type RecordCountHint, type RecordData } from './batch-counts.js';
import { HistogramCells, scrapedFamily, scrapedHistogram } from './families.js';

const PRODUCE = 0;
const FETCH = 1;

/** Seconds; from sub-millisecond answers to long polls (a consumer's default max.wait is 500 ms). */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** One topic's counters: plain numbers, bound once per topic (see families.ts for why). */
interface TopicCounters {
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  recordsOut: number;
}

interface RequestCells {
  api: string;
  version: string;
  count: number;
  seconds: HistogramCells;
}

/** The parts of Produce and Fetch messages counted here (structural, so any version fits). */
interface ProduceShape {
  topicData: readonly { name: string; partitionData: readonly { records: RecordData }[] }[];
}
interface ProduceAnswerShape {
  responses: readonly { partitionResponses: readonly { errorCode: number }[] }[];
}
interface FetchAnswerShape {
  responses: readonly { topic: string; partitions: readonly ({ errorCode: number; records?: RecordData } & RecordCountHint)[] }[];
}

export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly topics = new Map<string, TopicCounters>();
  private readonly requestCells: (RequestCells | undefined)[][] = [];
  private readonly errors = new Map<number, { code: string; count: number }>();

  constructor() {
    const r = this.registry;
    const perTopic = (field: keyof TopicCounters) => () => Array.from(this.topics, ([topic, c]) => [{ topic }, c[field]] as [Record<string, string>, number]);
    scrapedFamily(r, 'brooklet_topic_produced_bytes_total', 'Record bytes appended by Produce, per topic', 'counter', perTopic('bytesIn'));
    scrapedFamily(r, 'brooklet_topic_produced_records_total', 'Records appended by Produce, per topic (from batch headers)', 'counter', perTopic('recordsIn'));
    scrapedFamily(r, 'brooklet_topic_fetched_bytes_total', 'Record bytes returned by Fetch, per topic', 'counter', perTopic('bytesOut'));
    scrapedFamily(r, 'brooklet_topic_fetched_records_total', 'Records returned by Fetch, per topic (from batch headers)', 'counter', perTopic('recordsOut'));
    const requests = () => this.requestCells.flatMap((byVersion) => byVersion.filter((c): c is RequestCells => c !== undefined));
    scrapedFamily(r, 'brooklet_requests_total', 'Kafka requests answered, per API and version', 'counter',
      () => requests().map((c) => [{ api: c.api, version: c.version }, c.count]));
    scrapedHistogram(r, 'brooklet_request_duration_seconds', 'Time from decoded request to encoded answer, per API and version (long polls included)',
      LATENCY_BUCKETS, () => requests().map((c) => [{ api: c.api, version: c.version }, c.seconds]));
    scrapedFamily(r, 'brooklet_errors_total', 'Error codes answered (top-level, and per partition for Produce and Fetch)', 'counter',
      () => Array.from(this.errors.values(), (e) => [{ code: e.code }, e.count]));
  }

  /**
   * One answered request: counts, latency, errors, and for Produce/Fetch bytes and records per
   * topic. `response` is null for a Produce with acks=0 (no answer: its records count as appended).
   */
  requestAnswered(apiKey: number, apiName: string, version: number, startedMs: number, request: unknown, response: unknown): void {
    const cells = this.requestCellsOf(apiKey, apiName, version);
    cells.count++;
    cells.seconds.observe((performance.now() - startedMs) / 1000);
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
      let counters: TopicCounters | undefined;
      for (let p = 0; p < topic.partitionData.length; p++) {
        const code = answers?.[p]?.errorCode ?? 0;
        if (code !== 0) {
          this.error(code);
          continue;
        }
        const records = topic.partitionData[p]!.records;
        if (!records) continue;
        counters ??= this.topic(topic.name);
        counters.bytesIn += bytesOf(records);
        counters.recordsIn += Buffer.isBuffer(records) ? recordsInBatches(records) : recordsOf(records);
      }
    }
  }

  private fetched(response: FetchAnswerShape): void {
    for (const topic of response.responses) {
      let counters: TopicCounters | undefined;
      for (const partition of topic.partitions) {
        if (partition.errorCode !== 0) {
          this.error(partition.errorCode);
          continue;
        }
        const bytes = bytesOf(partition.records);
        if (bytes === 0) continue;
        counters ??= this.topic(topic.topic);
        counters.bytesOut += bytes;
        counters.recordsOut += partition.countedRecords ?? recordsOf(partition.records);
      }
    }
  }

  private error(code: number): void {
    let cell = this.errors.get(code);
    if (cell === undefined) {
      cell = { code: ERROR_NAMES.get(code) ?? String(code), count: 0 };
      this.errors.set(code, cell);
    }
    cell.count++;
  }

  private topic(name: string): TopicCounters {
    let counters = this.topics.get(name);
    if (counters === undefined) {
      counters = { bytesIn: 0, recordsIn: 0, bytesOut: 0, recordsOut: 0 };
      this.topics.set(name, counters);
    }
    return counters;
  }

  /** A deleted topic's series go with it (a topic re-created under the name starts from zero). */
  topicDeleted(name: string): void {
    this.topics.delete(name);
  }

  private requestCellsOf(apiKey: number, apiName: string, version: number): RequestCells {
    const byVersion = (this.requestCells[apiKey] ??= []);
    let cells = byVersion[version];
    if (cells === undefined) {
      cells = { api: apiName, version: String(version), count: 0, seconds: new HistogramCells(LATENCY_BUCKETS) };
      byVersion[version] = cells;
    }
    return cells;
  }
}
