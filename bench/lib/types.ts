/** The shape of bench/results/side-by-side.json: every figure the report and the charts are made of. */
import type { Summary } from './stats.js';

export interface CaseResult {
  workload: string;
  case: string;
  metric: string;
  unit: string;
  /** true for throughputs; false for latencies, start times, memory */
  higherIsBetter: boolean;
  brooklet: Summary;
  kafka: Summary;
  /** Brooklet median / Kafka median */
  ratio: number;
  /** an absolute bar Brooklet must also clear, e.g. 1 GB/s or 60 MB: its text, value (in `unit`) and direction */
  target?: string;
  targetValue?: number;
  targetAtLeast?: boolean;
  note?: string;
}

export interface SkippedWorkload {
  workload: string;
  reason: string;
}

export interface SideBySideResults {
  date: string;
  mode: 'quick' | 'full';
  durationSeconds: number;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  commands: string[];
  results: CaseResult[];
  skipped: SkippedWorkload[];
  /** set by --http-pair: the two columns are Brooklet with and without its HTTP listener */
  pairing?: string;
}
