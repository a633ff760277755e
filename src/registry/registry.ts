/**
 * The registry service's core: the state kept level with the `_schemas` log, writes that go
 * through the log, and the lookups every route shares. Routes (routes-*.ts) and the operations
 * (register.ts, deletes.ts, settings.ts) take a Registry.
 *
 * Writes: a request decides from the state, appends its records and applies them by reading the
 * log back (catchUp) all in one synchronous step, so two requests never decide on the same
 * state, and then waits, outside that step, for the sync the flush policy asks for. Records that
 * other writers put into the topic (a Kafka client, a Confluent registry) are read the same way
 * before each request. A record that is not a registry record is logged once and skipped.
 */
import type { Logger } from 'pino';
import type { PartitionLog } from '../../storage/log-manager.js';
import { ErrorCode, RegistryError, subjectNotFound, versionNotFound } from './errors.js';
import type { RegistryRecord, SchemaReference } from './records.js';
import type { SchemaTools } from './schema-tools.js';
import { SchemasLog } from './schemas-log.js';
import { RegistryState, splitUse, type VersionEntry } from './store.js';
import {
  DEFAULT_COMPATIBILITY, DEFAULT_MODE, type CompatibilityLevel, type Mode, type ParsedSchema,
  type ResolvedReference, type SchemaRules,
} from './types.js';

/** References nest at most this deep (a cycle written by another writer stops here). */
const MAX_REFERENCE_DEPTH = 32;
/** Records skipped in one catch-up that get a log line each. */
const MAX_SKIP_LINES = 10;
/** Parsed forms of stored schemas kept for compatibility checks. */
const PARSED_CACHE_ENTRIES = 10_000;

export class Registry {
  state = new RegistryState();
  private partitionLog: PartitionLog | undefined;
  private readonly parsed = new Map<number, ParsedSchema>();
  /** Subject names with a version, sorted: [live only, soft-deleted too]; rebuilt after a change. */
  private sortedSubjects: [string[], string[]] | null = null;

  private loadedTools: SchemaTools | undefined;
  private loadingTools: Promise<SchemaTools> | undefined;

  constructor(
    readonly log: SchemasLog,
    readonly logger: Logger,
    private readonly importTools: () => Promise<SchemaTools> = async () => (await import('./schema-tools.js')).tools,
  ) {}

  /** Loads the schema library (once); a request that parses schemas awaits this first. */
  async loadTools(): Promise<SchemaTools> {
    this.loadingTools ??= this.importTools().then((t) => (this.loadedTools = t));
    return this.loadingTools;
  }

  /** The schema library, once loadTools() has resolved. */
  get tools(): SchemaTools {
    if (!this.loadedTools) throw new Error('schema registry: the schema library is used before it was loaded');
    return this.loadedTools;
  }

  get rules(): SchemaRules {
    return this.tools.rules;
  }

  get clusterId(): string {
    return this.log.clusterId;
  }

  /** Applies whatever the log holds past what was applied (all of it at startup). */
  catchUp(): void {
    const partition = this.log.partition();
    if (partition !== this.partitionLog) {
      // `_schemas` was deleted (and perhaps made again) by an admin client: start over from it.
      if (this.partitionLog !== undefined) {
        this.logger.warn('schema registry: the _schemas topic was deleted; state starts over from the topic as it is now');
        this.reset();
      }
      this.partitionLog = partition;
    }
    if (!partition || partition.logEndOffset <= this.state.nextOffset) return;
    this.sortedSubjects = null;
    let skipped = 0;
    this.state.nextOffset = this.log.readFrom(
      this.state.nextOffset,
      (record, offset) => {
        if (record.kind === 'SCHEMA') this.parsed.delete(record.value?.id ?? -1);
        this.state.apply(record, offset);
      },
      (where, err) => {
        // One line per record for the first few, then a count: junk in bulk must not flood the log.
        if (++skipped <= MAX_SKIP_LINES) {
          this.logger.warn({ where, err: (err as Error).message }, 'schema registry: skipped a record of _schemas that is not a registry record');
        }
      },
    );
    if (skipped > MAX_SKIP_LINES) {
      this.logger.warn({ skipped }, `schema registry: skipped ${skipped} records of _schemas that are not registry records (the first ${MAX_SKIP_LINES} logged)`);
    }
  }

  /** Appends records and applies them; the promise settles once they are durable by policy. */
  write(records: RegistryRecord[]): { lastOffset: number; durable: Promise<void> } {
    this.catchUp();
    let appended;
    try {
      appended = this.log.append(records);
    } catch (err) {
      this.logger.error({ err }, 'schema registry: write to _schemas failed');
      throw new RegistryError(ErrorCode.STORE_ERROR, `Error while storing the schema registry record: ${(err as Error).message}`);
    }
    this.catchUp();
    return { lastOffset: appended.lastOffset, durable: this.whenDurable(appended.durable) };
  }

  /** Waits until the record at `offset` is synced (`always` policy): an answer never gets ahead of its record. */
  durableAt(offset: number): Promise<void> {
    return this.whenDurable(this.log.durableUpTo(offset));
  }

  private whenDurable(wait: Promise<void> | null): Promise<void> {
    if (wait === null) return Promise.resolve();
    return wait.catch((err: unknown) => {
      this.logger.error({ err }, 'schema registry: sync of _schemas failed');
      throw new RegistryError(ErrorCode.STORE_ERROR, `Error while syncing the schema registry record: ${(err as Error).message}`);
    });
  }

  private reset(): void {
    this.state = new RegistryState();
    this.parsed.clear();
    this.sortedSubjects = null;
  }

  /**
   * Subject names with at least one version (soft-deleted ones counted when asked), sorted, and
   * only those starting with `prefix`: the lists are kept between changes and a prefix is found
   * by binary search, so listing 10,000 subjects costs a slice, not a scan and a sort.
   */
  subjectNames(includeDeleted: boolean, prefix = ''): string[] {
    this.sortedSubjects ??= this.sortSubjects();
    const names = this.sortedSubjects[includeDeleted ? 1 : 0];
    if (prefix === '') return names;
    let low = 0;
    let high = names.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (names[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    let end = low;
    while (end < names.length && names[end]!.startsWith(prefix)) end++;
    return names.slice(low, end);
  }

  private sortSubjects(): [string[], string[]] {
    const all: string[] = [];
    const live: string[] = [];
    for (const [name, subject] of this.state.subjects) {
      if (subject.versions.size === 0) continue;
      all.push(name);
      for (const v of subject.versions.values()) {
        if (!v.deleted) {
          live.push(name);
          break;
        }
      }
    }
    return [live.sort(), all.sort()];
  }

  /** The versions of a subject (ascending); 40401 when it has none to show. */
  versions(subject: string, includeDeleted: boolean): VersionEntry[] {
    const versions = this.state.versionsOf(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions;
  }

  /** One version by number or 'latest' (-1); 40401 / 40402 as Confluent answers. */
  version(subject: string, version: number | 'latest', includeDeleted: boolean): VersionEntry {
    const all = this.versions(subject, includeDeleted);
    if (version === 'latest' || version === -1) return all[all.length - 1]!;
    const entry = this.state.subjects.get(subject)!.versions.get(version);
    if (!entry || (entry.deleted && !includeDeleted)) throw versionNotFound(version);
    return entry;
  }

  /** Ids of live schemas that reference this version (/referencedby, the delete guard). */
  referencesBy(entry: { subject: string; version: number }): number[] {
    return this.state.referencesTo(entry.subject, entry.version).filter((id) => {
      for (const use of this.state.schemas.get(id)?.uses ?? []) {
        const { subject, version } = splitUse(use);
        if (this.state.subjects.get(subject)?.versions.get(version)?.deleted === false) return true;
      }
      return false;
    });
  }

  compatibilityOf(subject: string | null): CompatibilityLevel {
    const own = subject === null ? undefined : this.state.subjects.get(subject)?.compatibility;
    return own ?? this.state.globalCompatibility ?? DEFAULT_COMPATIBILITY;
  }

  modeOf(subject: string | null): Mode {
    const own = subject === null ? undefined : this.state.subjects.get(subject)?.mode;
    return own ?? this.state.globalMode ?? DEFAULT_MODE;
  }

  /** The references of a schema as the schema library needs them (each with its own, recursively). */
  resolveReferences(references: readonly SchemaReference[], depth = 0): ResolvedReference[] {
    if (depth > MAX_REFERENCE_DEPTH) {
      throw new RegistryError(ErrorCode.INVALID_SCHEMA, `Invalid schema: references nest deeper than ${MAX_REFERENCE_DEPTH}`);
    }
    return references.map((ref) => {
      const entry = this.state.subjects.get(ref.subject)?.versions.get(ref.version);
      if (!entry || entry.deleted) {
        throw new RegistryError(ErrorCode.INVALID_SCHEMA, `Invalid schema: reference '${ref.name}' names subject '${ref.subject}' version ${ref.version}, which does not exist`);
      }
      return {
        name: ref.name, subject: ref.subject, version: ref.version, schemaType: entry.schemaType,
        schema: entry.schema, references: this.resolveReferences(entry.references, depth + 1),
      };
    });
  }

  /** The parsed form of a stored schema (cached by id); null when the library refuses it. */
  parsedById(id: number): ParsedSchema | null {
    const hit = this.parsed.get(id);
    if (hit) return hit;
    const stored = this.state.schemas.get(id);
    if (!stored) return null;
    try {
      const parsed = this.rules.parseSchema(stored.schemaType, stored.schema, this.resolveReferences(stored.references));
      if (this.parsed.size >= PARSED_CACHE_ENTRIES) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(id, parsed);
      return parsed;
    } catch (err) {
      this.logger.warn({ id, err: (err as Error).message }, 'schema registry: a stored schema does not parse; left out of compatibility checks');
      return null;
    }
  }
}
