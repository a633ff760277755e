/** Median and spread of repeated measurements; the Brooklet/Kafka ratio of two medians. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
  samples: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export function summarize(samples: number[]): Summary {
  const sorted = samples.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, n: sorted.length, samples };
}
