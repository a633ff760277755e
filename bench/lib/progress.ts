/** A line per step on stderr with the time since the run began, so a long run shows where it is. */
const t0 = Date.now();

export function step(message: string): void {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s] ${message}\n`);
}

export function elapsedSeconds(): number {
  return (Date.now() - t0) / 1000;
}
