/**
 * Brooklet's transaction files are Kafka's: Kafka's own DumpLogSegments reads the .txnindex
 * (every aborted transaction's producer id, first, last and last stable offset) and the markers
 * in the .log (control batches, their type and coordinator epoch). Needs the real-Kafka jars
 * (scripts/install-peers.sh); without them the test skips, or fails when CI=true.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogManager } from '../../../storage/log-manager.js';
import { kafkaJarsDir, pinnedKafkaVersion } from '../../harness/repo-paths.js';
import { buildBatch, tempDirForTest } from '../helpers.js';

const jars = kafkaJarsDir();
const haveJars = fs.existsSync(path.join(jars, `kafka_2.13-${pinnedKafkaVersion()}.jar`));
if (!haveJars && process.env.CI === 'true') throw new Error(`real-Kafka jars missing in ${jars}: run scripts/install-peers.sh`);

function dumpLog(file: string): string {
  const out = spawnSync('java', ['-cp', `${jars}/*`, 'kafka.tools.DumpLogSegments', '--files', file, '--print-data-log'], { encoding: 'utf8', timeout: 60_000 });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout;
}

describe.skipIf(!haveJars)('transaction files in Kafka\'s own formats', () => {
  it('DumpLogSegments reads the .txnindex entries and the commit and abort markers', () => {
    const dataDir = tempDirForTest('brooklet-txn-dump-');
    const manager = LogManager.open({ dataDir });
    manager.createTopic('t', 1);
    const log = manager.partition('t', 0)!;
    const txn = (producerId: number, sequence: number) =>
      buildBatch([{ value: `v${sequence}` }, { value: `v${sequence + 1}` }], { producerId, producerEpoch: 3, baseSequence: sequence, attributes: 0x10 });
    log.append(txn(1000, 0)); // 0-1
    log.append(txn(2000, 0)); // 2-3
    log.appendControlBatch({ producerId: 1000, producerEpoch: 3, commit: false, coordinatorEpoch: 9 }, 1_700_000_000_000); // 4
    log.append(txn(2000, 2)); // 5-6
    log.appendControlBatch({ producerId: 2000, producerEpoch: 3, commit: true, coordinatorEpoch: 9 }, 1_700_000_000_001); // 7
    log.append(txn(1000, 2)); // 8-9
    log.appendControlBatch({ producerId: 1000, producerEpoch: 3, commit: false, coordinatorEpoch: 9 }, 1_700_000_000_002); // 10
    manager.close();
    const dir = path.join(dataDir, 't-0');

    const index = dumpLog(path.join(dir, '00000000000000000000.txnindex'));
    const entries = index.split('\n').filter((l) => l.startsWith('version:'));
    expect(entries).toEqual([
      'version: 0 producerId: 1000 firstOffset: 0 lastOffset: 4 lastStableOffset: 2',
      'version: 0 producerId: 1000 firstOffset: 8 lastOffset: 10 lastStableOffset: 11',
    ]);

    const segment = dumpLog(path.join(dir, '00000000000000000000.log'));
    const markers = segment.split('\n').filter((l) => l.includes('endTxnMarker'));
    expect(markers).toHaveLength(3);
    expect(markers[0]).toMatch(/offset: 4 .*endTxnMarker: ABORT coordinatorEpoch: 9/);
    expect(markers[1]).toMatch(/offset: 7 .*endTxnMarker: COMMIT coordinatorEpoch: 9/);
    expect(markers[2]).toMatch(/offset: 10 .*endTxnMarker: ABORT coordinatorEpoch: 9/);
    const batches = segment.split('\n').filter((l) => l.startsWith('baseOffset:'));
    expect(batches.filter((l) => / isControl: true/.test(l)).map((l) => /baseOffset: (\d+)/.exec(l)![1])).toEqual(['4', '7', '10']);
    for (const line of batches) {
      expect(line).toMatch(/isTransactional: true/);
      expect(line).toMatch(/isvalid: true/);
    }
  }, 90_000);
});
