/**
 * CPU pinning. The machine has 2 cores and client and broker compete for them; to keep the
 * comparison fair the broker under test (either one) runs on core 0 and every load-generating
 * client on core 1, through taskset. BENCH_PIN=0 turns it off (and it is off where taskset or a
 * second core is missing).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const available = process.env.BENCH_PIN !== '0' && os.cpus().length >= 2
  && spawnSync('taskset', ['--version']).status === 0;

export const pinning = { enabled: available, brokerCpus: '0', clientCpus: '1' };

/** [command, args] prefixed with taskset when pinning is on. */
export function pinned(role: 'broker' | 'client', command: string, args: string[]): [string, string[]] {
  if (!available) return [command, args];
  const cpus = role === 'broker' ? pinning.brokerCpus : pinning.clientCpus;
  return ['taskset', ['-c', cpus, command, ...args]];
}
