/**
 * The long fuzz run: half the time against the request decoder in process (every API key and
 * version the protocol layer decodes), half against a live broker in a child process over
 * sockets (every version it advertises). Prints one JSON line of figures; exits 1 on a failure.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/fuzz-long.js --seconds 600 [--seed N]
 */
import { parseArgs } from 'node:util';
import { allDecodableRanges, fixtureSeeds, sampleSeeds } from '../test/fuzz/corpus.js';
import { decodeTarget } from '../test/fuzz/decoder-target.js';
import { Fuzzer } from '../test/fuzz/engine.js';
import { startChildBroker } from '../test/fuzz/child-broker.js';
import { fuzzLiveBroker, unexpectedErrors } from '../test/fuzz/live.js';
import { HOSTILE, fmt, recordFigure, writeFigures } from '../test/reliability/record.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string' } } });
const seconds = Number(values.seconds);
const seed = Number(values.seed ?? Date.now() % 2 ** 31);

const ranges = allDecodableRanges();
const decoder = new Fuzzer([...fixtureSeeds(), ...sampleSeeds(ranges)], ranges, seed);
// in slices, so progress shows on long runs
for (let left = seconds * 500; left > 0; left -= 10_000) decoder.runFor(Math.min(left, 10_000), decodeTarget);
const d = decoder.stats;

const broker = await startChildBroker();
let live;
try {
  live = await fuzzLiveBroker(broker, seconds * 500, seed);
} finally {
  broker.stop();
}
const unexpected = unexpectedErrors(broker.errors);

console.log(JSON.stringify({
  seconds, seed, cores: (await import('node:os')).availableParallelism(),
  decoder: { executions: d.executions, seeds: d.seeds, corpus: d.corpusSize, outcomes: d.outcomes, slowestMs: Number(d.slowestMs.toFixed(1)), failures: d.failures.length },
  live: { requests: live.executions, seeds: live.seeds, corpus: live.corpusSize, answered: live.answered, closed: live.closedByBroker, held: live.heldOpen, probes: live.probes, brokerErrorLines: broker.errors.length, knownBugLines: broker.errors.length - unexpected.length, unexpected: unexpected.length },
}));
for (const f of d.failures) console.error(`decoder failure: ${f.message}\n  frame ${f.frameHex}`);
for (const line of unexpected.slice(0, 10)) console.error(`broker: ${line}`);
if (d.failures.length === 0 && unexpected.length === 0) {
  recordFigure(HOSTILE, 'Long fuzz run: the decoder fuzz and the live fuzz above, half the time each', {
    figure: `${fmt(seconds)} s: ${fmt(d.executions)} decoder executions (corpus ${fmt(d.seeds)} -> ${fmt(d.corpusSize)}, slowest ${fmt(d.slowestMs, 1)} ms) `
      + `+ ${fmt(live.executions)} live requests (${fmt(live.answered)} answered, ${fmt(live.closedByBroker)} closed, ${fmt(live.probes)} probes); no failure`,
    command: `node dist/bench/fuzz-long.js --seconds ${seconds} --seed ${seed}`,
    seconds, seed, decoderExecutions: d.executions, decoderCorpus: d.corpusSize, liveRequests: live.executions, liveCorpus: live.corpusSize,
  });
  writeFigures(import.meta.url);
}
process.exit(d.failures.length > 0 || unexpected.length > 0 ? 1 : 0);
