/** The "Read path" section of BENCHMARKS.md from bench/results/read-path.json (made by bench/read-path.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { barChart, writeSvg, type Bar } from './lib/charts.js';
import { chartsDir, repoRoot, resultsDir } from './lib/paths.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const rate = (g: number) => (!Number.isFinite(g) ? 'n/a' : g >= 1 ? `${g.toFixed(2)} GiB/s` : `${((g * GIB) / MIB).toFixed(0)} MiB/s`);
const note = (name: string) => fs.readFileSync(path.join(repoRoot, 'bench', 'notes', name), 'utf8').trim();

/** Parses '3.9 GiB/s' / '990 MiB/s' into GiB/s. */
function refGiBps(text?: string): number {
  const m = /([\d.]+)\s*(GiB|MiB)\/s/.exec(text ?? '');
  return m ? Number(m[1]) / (m[2] === 'MiB' ? 1024 : 1) : NaN;
}

interface Row {
  name: string; maxBytes: number; medianGiBps: number; p25GiBps: number; p75GiBps: number; minGiBps: number; maxGiBps: number;
  medianFetchUs: number; readOnlyMedianGiBps: number; readOnlyMedianFetchUs: number; reference?: string;
}
/** The extra tables (segment size, cold/warm cache, concurrent readers, access order). */
interface ExtraRow { table: string; case: string; medianGiBps: number; p25GiBps: number; p75GiBps: number; minGiBps: number; maxGiBps: number; samples: number; reference?: string; note?: string }
interface ReadPathJson {
  date: string; machine: Record<string, unknown>; rows: Row[]; extra?: ExtraRow[]; extraNotes?: Record<string, string>;
  /** set when the extra tables come from a later run than the headline rows */
  extraRun?: { date: string; loadAverage1m: number; command: string };
}

export async function readPathSection(): Promise<string> {
  const file = path.join(resultsDir, 'read-path.json');
  if (!fs.existsSync(file)) return '## Read path\n\nNo results yet: run `npm run bench:read`.\n';
  const res = JSON.parse(fs.readFileSync(file, 'utf8')) as ReadPathJson;
  const m = res.machine;
  const out = ['## Read path', '', note('read-path-intro.md'), '',
    `This run: ${res.date}; ${String(m.cpu)}, ${String(m.cores)} cores, ${String(m.memoryGiB)} GiB, Node ${String(m.node)}, 1-minute load average ${Number(m.loadAverage1m).toFixed(1)} at the end.`, '',
    '| benchmark | max_bytes | read + copy, median | p25-p75 | min-max | per fetch | read only, median | per fetch | reference | Brooklet / reference |',
    '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of res.rows) {
    const ratio = r.medianGiBps / refGiBps(r.reference);
    out.push(`| ${r.name} | ${r.maxBytes} | **${rate(r.medianGiBps)}** | ${rate(r.p25GiBps)} - ${rate(r.p75GiBps)} | ${rate(r.minGiBps)} - ${rate(r.maxGiBps)} | `
      + `${r.medianFetchUs.toFixed(2)} µs | ${rate(r.readOnlyMedianGiBps)} | ${r.readOnlyMedianFetchUs.toFixed(2)} µs | ${r.reference ?? ''} | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : ''} |`);
  }
  out.push('');
  const bars: Bar[] = [];
  for (const r of res.rows) {
    bars.push({ group: r.name, series: 'Brooklet', value: r.medianGiBps, low: r.minGiBps, high: r.maxGiBps });
    if (Number.isFinite(refGiBps(r.reference))) bars.push({ group: r.name, series: 'reference', value: refGiBps(r.reference) });
  }
  if (res.extraRun) {
    out.push(`The tables below (segment size, page cache, concurrency, access order) come from a later run: ${res.extraRun.date}, `
      + `\`${res.extraRun.command}\` (0.5 s per case), 1-minute load average ${res.extraRun.loadAverage1m.toFixed(1)}.`, '');
  }
  for (const table of [...new Set((res.extra ?? []).map((e) => e.table))]) {
    const rows = res.extra!.filter((e) => e.table === table);
    out.push(`### ${table}`, '');
    if (res.extraNotes?.[table]) out.push(res.extraNotes[table]!, '');
    out.push('| case | read + copy, median | p25-p75 | min-max | samples | reference | Brooklet / reference |', '|---|---|---|---|---|---|---|');
    for (const e of rows) {
      const ratio = e.medianGiBps / refGiBps(e.reference);
      out.push(`| ${e.case} | **${rate(e.medianGiBps)}** | ${rate(e.p25GiBps)} - ${rate(e.p75GiBps)} | ${rate(e.minGiBps)} - ${rate(e.maxGiBps)} | ${e.samples} | ${e.reference ?? ''} | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : ''} |`);
      bars.push({ group: `${table}: ${e.case}`, series: 'Brooklet', value: e.medianGiBps, low: e.minGiBps, high: e.maxGiBps });
      if (Number.isFinite(refGiBps(e.reference))) bars.push({ group: `${table}: ${e.case}`, series: 'reference', value: refGiBps(e.reference) });
    }
    out.push('');
  }
  await writeSvg(barChart('Read path: Brooklet (read + copy) and the reference', 'GiB/s (log scale)', bars, { log: true }), path.join(chartsDir, 'read-path.svg'));
  out.push('![read path](bench/charts/read-path.svg)', '', note('read-path-findings.md'), '');
  return out.join('\n');
}
