/**
 * Long-polling Fetch requests wait here for new data on any of their partitions.
 *
 * A waiter registers the partitions it reads; Produce calls `notify` after each append, which
 * wakes every waiter on that partition (the Fetch handler re-reads and decides whether min_bytes
 * is met). A timer ends the wait at max_wait_ms; timers are unref'd so they never keep the
 * process alive, and `wakeAll` releases everyone at shutdown.
 */
export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<() => void>>();

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Resolves `true` when one of `keys` gets data, `false` after `timeoutMs`. */
  wait(keys: readonly string[], timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (woken: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const key of keys) {
          const set = this.byPartition.get(key);
          if (!set) continue;
          set.delete(wake);
          if (set.size === 0) this.byPartition.delete(key);
        }
        resolve(woken);
      };
      const wake = () => finish(true);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      timer.unref();
      for (const key of keys) {
        let set = this.byPartition.get(key);
        if (!set) this.byPartition.set(key, (set = new Set()));
        set.add(wake);
      }
    });
  }

  notify(key: string): void {
    const set = this.byPartition.get(key);
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  wakeAll(): void {
    for (const set of [...this.byPartition.values()]) for (const wake of [...set]) wake();
  }
}
