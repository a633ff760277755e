/** The machine a run was made on: CPU model and cores (lscpu), memory, the disk under the temp dir, Node, Java, Kafka. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { kafkaVersion } from './paths.js';
import { pinning } from './pinning.js';

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

function lscpu(field: string): string | undefined {
  const out = sh('lscpu', []).stdout ?? '';
  return new RegExp(`^${field}:\\s*(.+)$`, 'm').exec(out)?.[1]?.trim();
}

function disk(): string {
  const df = (sh('df', ['-hT', os.tmpdir()]).stdout ?? '').trim().split('\n')[1]?.split(/\s+/);
  if (!df) return 'unknown';
  const dev = df[0]!;
  const name = dev.replace('/dev/', '').replace(/\d+$/, '');
  const rota = sh('cat', [`/sys/block/${name}/queue/rotational`]).stdout?.trim();
  const kind = rota === '0' ? 'non-rotational' : rota === '1' ? 'rotational' : 'unknown kind';
  return `${dev} (${df[1]}, ${df[2]}, ${kind}; virtual disk "${name}")`;
}

export function machine(): Record<string, unknown> {
  const java = sh('java', ['-version']).stderr?.split('\n')[0]?.trim();
  return {
    cpu: lscpu('Model name') ?? os.cpus()[0]?.model,
    cores: os.cpus().length,
    threadsPerCore: lscpu('Thread\\(s\\) per core'),
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    disk: disk(),
    kernel: `${os.platform()} ${os.release()}`,
    node: process.version,
    java,
    kafka: kafkaVersion(),
    loadAverage1mAtStart: os.loadavg()[0],
    pinning: pinning.enabled ? `brokers on CPU ${pinning.brokerCpus}, clients on CPU ${pinning.clientCpus} (taskset)` : 'none',
  };
}
