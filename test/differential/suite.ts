/**
 * One differential suite: a Kafka and a Brooklet started once for the file, every scenario run on
 * both and compared (compare.ts), the results recorded for COMPATIBILITY.md. Without real Kafka the
 * suite skips and says why, except with CI=true, where it fails.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Recorder } from '../matrix/results.js';
import { realKafkaMissing, startPair, type BrokerPair, type Side } from './brokers.js';
import { differential } from './compare.js';

export type Scenario = [name: string, run: (side: Side) => Promise<unknown>];

export function differentialSuite(title: string, rec: Recorder, client: string, scenarios: readonly Scenario[]): void {
  const missing = realKafkaMissing();
  const mustRun = process.env.CI === 'true';
  if (missing && !mustRun) {
    console.warn(`skipping ${title}: ${missing}`);
    rec.skipped(client, scenarios.map(([n]) => n), missing);
    rec.flush();
  }
  describe.skipIf(missing !== null && !mustRun)(title, () => {
    let pair: BrokerPair | undefined;
    beforeAll(async () => {
      if (missing) throw new Error(`real Kafka is required when CI=true: ${missing}`);
      pair = await startPair();
    }, 180_000);
    afterAll(async () => {
      await pair?.close();
      rec.flush();
    }, 60_000);

    for (const [name, scenario] of scenarios) {
      it(name, () => differential(rec, client, name, pair!, scenario), 120_000);
    }
  });
}
