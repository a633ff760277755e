/**
 * RELIABILITY.md's bookkeeping. A test file (or a bench) records the figures it measured with
 * recordFigure; writeFigures, called when the file ends (afterAll, or the bench's last line),
 * stores them in test/reliability/results/<file>.json and re-renders RELIABILITY.md from every
 * results file present. Test files run in parallel, so each renders: the last one to finish
 * writes the complete document. A figure is recorded only after the test's assertions held, so
 * a failing test leaves its row out rather than quoting a figure it did not stand behind.
 *
 * No vitest in here: the benches import it from dist/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../harness/repo-paths.js';
import { renderReliability, type Machine, type RecordedFigure, type ResultsFile } from './render.js';

/** The sections of RELIABILITY.md (render.ts orders them and adds their notes). */
export const HOSTILE = 'Hostile clients';
export const DURABILITY = 'Durability, crashes and disk faults';

export const RESULTS_DIR = path.join(repoRoot, 'test', 'reliability', 'results');

export interface FigureFields {
  /** The figure as the table shows it: numbers with their units and what they mean. */
  figure: string;
  /** The command that reproduces it, from the repository root. */
  command: string;
  /** The raw numbers behind `figure`, kept in the JSON for anyone comparing runs. */
  [number: string]: string | number | boolean;
}

// Module state is per test file: vitest evaluates modules afresh for each file it runs.
const figures = new Map<string, RecordedFigure>();

/** Records (or replaces) one row of a RELIABILITY.md table. */
export function recordFigure(section: string, name: string, fields: FigureFields): void {
  const { figure, command, ...numbers } = fields;
  figures.set(`${section}\u0000${name}`, { section, name, figure, command, numbers });
}

/**
 * Writes this file's figures and renders RELIABILITY.md. `moduleUrl` is the caller's
 * import.meta.url, which names the results file; `variant` tells apart runs of one bench with
 * different options (e.g. the crash loop with and without power loss) so neither overwrites the other.
 */
export function writeFigures(moduleUrl: string, variant?: string): void {
  const source = sourceName(moduleUrl);
  const id = [source.replace(/\//g, '.'), variant].filter(Boolean).join('.');
  const out: ResultsFile = {
    source: variant ? `${source} (${variant})` : source,
    finishedAt: new Date().toISOString(),
    machine: machine(),
    figures: [...figures.values()],
  };
  figures.clear();
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${id}.json`), JSON.stringify(out, null, 2) + '\n');
  renderAll();
}

/** Renders RELIABILITY.md from every results file present. */
export function renderAll(): void {
  const files = fs.existsSync(RESULTS_DIR)
    ? fs.readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as ResultsFile)
    : [];
  const notesDir = path.join(repoRoot, 'test', 'reliability', 'notes');
  const notes = (name: string) => {
    const file = path.join(notesDir, name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  };
  fs.writeFileSync(path.join(repoRoot, 'RELIABILITY.md'), renderReliability(files, notes));
}

/** "test/faults/crash-loop" for the source or the compiled file (dist/ and the extension dropped). */
function sourceName(moduleUrl: string): string {
  const rel = path.relative(repoRoot, fileURLToPath(moduleUrl)).split(path.sep).join('/');
  return rel.replace(/^dist\//, '').replace(/\.(test\.)?[cm]?[jt]s$/, '');
}

function machine(): Machine {
  return {
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** 12345.6 -> "12,346"; with `digits`, that many decimals. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
