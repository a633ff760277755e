/**
 * The figure text for a crash-loop report, shared by test/faults/crash-loop.test.ts,
 * test/faults/power-loss.test.ts and bench/crash-loop.ts, so the CI and long-run rows of
 * RELIABILITY.md say the same things in the same words.
 */
import type { CrashLoopReport } from '../faults/crash-harness.js';
import { fmt } from './record.js';

/** The report's counters, for the results JSON (the problem list is summarised by its length). */
export function numbersOf(report: CrashLoopReport): Record<string, number> {
  const { problems, ...counts } = report;
  return { ...counts, problems: problems.length };
}

export function killLoopFigure(r: CrashLoopReport, seconds: number): string {
  return `${fmt(r.cycles)} cycles, ${fmt(r.kills)} kills in ${fmt(seconds)} s; ${fmt(r.acknowledged)} records acknowledged, `
    + `${fmt(r.recordsChecked)} read back and checked, ${fmt(r.consumed)} consumed; ${fmt(r.lostAcknowledged)} lost, `
    + `${fmt(r.duplicates)} duplicated, ${fmt(r.offsetProblems)} offsets out of place, ${fmt(r.consumerWentBackwards)} consumer offsets moved`;
}

export function powerCutFigure(r: CrashLoopReport, seconds: number): string {
  return `${fmt(r.powerCuts)} cuts in ${fmt(seconds)} s; ${fmt(r.acknowledged)} acknowledged, ${fmt(r.recordsChecked)} checked, `
    + `${fmt(r.bytesCut)} unsynced bytes cut; ${fmt(r.lostAcknowledged)} acknowledged lost, ${fmt(r.duplicates)} duplicated, `
    + `${fmt(r.offsetProblems)} offsets out of place`;
}
