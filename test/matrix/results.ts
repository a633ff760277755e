/**
 * The compatibility matrix's bookkeeping. Every differential or matrix test file owns one
 * Recorder: it records, per client and scenario, whether the scenario passed against real Kafka
 * and against Brooklet, writes them to test/matrix/results/<file>.json when the file ends, and
 * re-renders COMPATIBILITY.md from every results file present. Files run in parallel, so each
 * renders: the last one to finish writes the complete table. A file that skips still writes its
 * JSON (every row "skipped", with the reason) so the table never shows a stale pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../harness/repo-paths.js';
import { renderCompatibility, type ResultsFile, type Outcome, type Row } from './render.js';

export const RESULTS_DIR = path.join(repoRoot, 'test', 'matrix', 'results');

export class Recorder {
  private readonly rows = new Map<string, Row>();
  private readonly versions: Record<string, string> = {};
  private readonly notes: string[] = [];

  constructor(private readonly file: string) {}

  /** The version of a client (shown in the table's header list). */
  version(client: string, version: string): void {
    this.versions[client] = version;
  }

  /** A line printed under the table (e.g. why a client is left out). */
  note(text: string): void {
    this.notes.push(text);
  }

  record(client: string, scenario: string, broker: 'kafka' | 'brooklet', outcome: Outcome, detail?: string): void {
    const key = `${client}\u0000${scenario}`;
    const row = this.rows.get(key) ?? { client, scenario, kafka: 'not run', brooklet: 'not run' };
    row[broker] = outcome;
    if (detail) row.detail = [row.detail, `${broker}: ${detail}`].filter(Boolean).join('; ');
    this.rows.set(key, row);
  }

  /** Marks every listed scenario of a client as skipped against both brokers. */
  skipped(client: string, scenarios: string[], reason: string): void {
    for (const s of scenarios) {
      this.record(client, s, 'kafka', 'skipped', reason);
      this.record(client, s, 'brooklet', 'skipped');
    }
  }

  /** Writes this file's results and renders COMPATIBILITY.md from all results files. */
  flush(): void {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const out: ResultsFile = {
      file: this.file,
      finishedAt: new Date().toISOString(),
      versions: this.versions,
      notes: this.notes,
      rows: [...this.rows.values()],
    };
    fs.writeFileSync(path.join(RESULTS_DIR, `${this.file}.json`), JSON.stringify(out, null, 2) + '\n');
    const all = fs.readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as ResultsFile);
    fs.writeFileSync(path.join(repoRoot, 'COMPATIBILITY.md'), renderCompatibility(all));
  }
}
