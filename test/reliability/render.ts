/**
 * Renders RELIABILITY.md from the results files the fault, fuzz and storage tests (and the
 * long benches) write, with the hand-written explanation kept in test/reliability/notes/.
 * Pure apart from `notes`: the same inputs give the same text. Rows are ordered by the source
 * that recorded them (SOURCE_ORDER, so the tables read from the simplest attack to the worst),
 * then in the order that source recorded them.
 */
export interface Machine {
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

export interface RecordedFigure {
  section: string;
  name: string;
  figure: string;
  command: string;
  numbers: Record<string, string | number | boolean>;
}

export interface ResultsFile {
  /** The recording file, e.g. "test/faults/crash-loop", or "bench/crash-loop (power-loss)". */
  source: string;
  finishedAt: string;
  machine: Machine;
  figures: RecordedFigure[];
}

/** The document's sections and, per section, the notes files shown before and after its table. */
export const SECTIONS: { title: string; before: string[]; after: string[] }[] = [
  { title: 'Hostile clients', before: ['hostile-intro.md'], after: ['hostile-limits.md', 'hostile-history.md', 'hostile-gaps.md'] },
  {
    title: 'Durability, crashes and disk faults',
    before: ['durability-intro.md'],
    after: ['durability-by-hand.md', 'durability-how.md', 'durability-gaps.md'],
  },
];

/** Where each source's rows go in its table; unlisted sources follow, by name. */
export const SOURCE_ORDER = [
  'test/faults/hostile-framing',
  'test/faults/hostile-lengths',
  'test/fuzz/decoder',
  'test/fuzz/live-broker',
  'bench/fuzz-long',
  'test/faults/hostile-slow-reader',
  'test/faults/hostile-idle',
  'test/faults/hostile-connections',
  'bench/connections',
  'test/faults/hostile-topics',
  'test/faults/crash-loop',
  'bench/crash-loop',
  'test/faults/power-loss',
  'bench/crash-loop (power-loss)',
  'test/faults/group-commit',
  'test/storage/group-commit',
  'test/faults/offset-commit-durable',
  'test/storage/torn-tail',
  'test/storage/recovery',
  'test/faults/sealed-segment-damage',
  'test/faults/disk-full',
  'bench/restart-time',
];

export function renderReliability(files: ResultsFile[], notes: (name: string) => string | undefined): string {
  const rank = (source: string) => {
    const i = SOURCE_ORDER.indexOf(source);
    return i === -1 ? SOURCE_ORDER.length : i;
  };
  const ordered = [...files].sort((a, b) => rank(a.source) - rank(b.source) || a.source.localeCompare(b.source));
  const rows = ordered.flatMap((f) => f.figures);

  const out: string[] = [
    '# Reliability',
    '',
    'Generated: every figure below was recorded by the test or bench named in its Reproduce column',
    '(each writes test/reliability/results/*.json and renders this file); the prose comes from',
    'test/reliability/notes/. Do not edit by hand. Build first with `npx tsc -p tsconfig.json`: the',
    'child-process tests and the benches run `dist/`. A row is missing when its test did not run or',
    'did not pass in the run that rendered this file.',
    '',
    ...provenance(ordered),
    '',
  ];
  const known = new Set(SECTIONS.map((s) => s.title));
  const extra = [...new Set(rows.map((r) => r.section).filter((s) => !known.has(s)))].sort()
    .map((title) => ({ title, before: [] as string[], after: [] as string[] }));
  for (const section of [...SECTIONS, ...extra]) {
    out.push(`## ${section.title}`, '');
    for (const n of section.before) pushNotes(out, notes(n));
    const sectionRows = rows.filter((r) => r.section === section.title);
    if (sectionRows.length === 0) out.push('_No figures recorded in this run._', '');
    else {
      out.push('| What | Figure | Reproduce |', '|---|---|---|');
      for (const r of sectionRows) out.push(`| ${cell(r.name)} | ${cell(r.figure)} | \`${cell(r.command)}\` |`);
      out.push('');
    }
    for (const n of section.after) pushNotes(out, notes(n));
  }
  out.push('Results files: ' + ordered.map((f) => `${f.source} (${f.finishedAt})`).join(', '), '');
  return out.join('\n');
}

/** Which run produced the figures: its dates and the machine, or each machine if they differ. */
function provenance(files: ResultsFile[]): string[] {
  if (files.length === 0) return ['No results files were present when this was rendered.'];
  const describe = (m: Machine) => `${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}`;
  const dates = files.map((f) => f.finishedAt.slice(0, 10)).sort();
  const when = dates[0] === dates.at(-1) ? dates[0] : `${dates[0]} to ${dates.at(-1)}`;
  const machines = new Set(files.map((f) => describe(f.machine)));
  if (machines.size === 1) return [`Recorded ${when} on one machine: ${[...machines][0]}.`];
  return [`Recorded ${when} on more than one machine:`, '', ...files.map((f) => `- ${f.source}: ${describe(f.machine)}`)];
}

function pushNotes(out: string[], text: string | undefined): void {
  if (text) out.push(text, '');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
