/**
 * Keyed one-shot timers at absolute deadlines, for session, rebalance, sync and retention
 * expiry. Deadlines are timestamps (Date.now()), never tick counts, so a busy event loop only
 * makes a timer fire late, never makes a deadline drift. Every timer is unref'd (it never keeps
 * the process alive) and `clearAll` removes them at shutdown.
 */
/** Node turns longer delays into 1 ms; a deadline further out fires (early) at this bound. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class DeadlineTimers {
  private readonly timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  private closed = false;

  /** Runs `fn` once at `deadline` (ms since epoch), replacing any timer under `key`. */
  set(key: string, deadline: number, fn: () => void): void {
    if (this.closed) return;
    this.clear(key);
    const handle = setTimeout(() => {
      if (this.timers.get(key)?.handle !== handle) return;
      this.timers.delete(key);
      fn();
    }, Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now())));
    handle.unref();
    this.timers.set(key, { at: deadline, handle });
  }

  /** When the timer under `key` is due, or undefined when there is none. */
  dueAt(key: string): number | undefined {
    return this.timers.get(key)?.at;
  }

  clear(key: string): void {
    const timer = this.timers.get(key);
    if (!timer) return;
    clearTimeout(timer.handle);
    this.timers.delete(key);
  }

  /** Clears every timer whose key starts with `prefix` (a whole group's timers). */
  clearPrefix(prefix: string): void {
    for (const key of [...this.timers.keys()]) if (key.startsWith(prefix)) this.clear(key);
  }

  get size(): number {
    return this.timers.size;
  }

  clearAll(): void {
    for (const key of [...this.timers.keys()]) this.clear(key);
    this.closed = true;
  }
}
