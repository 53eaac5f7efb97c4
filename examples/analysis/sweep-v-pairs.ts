/**
 * V against V, paired: each V of a `bdt-gym sweep-v --json` minus the V before it, seed by seed.
 *
 * sweep-v plays every V on the same seeds' traces, but the interval it prints for each V is that
 * V's own, over the traces, and includes how hard each trace is. The difference between two V on
 * the same trace cancels that, so its interval resolves far smaller changes; sweep-v's --json
 * gives each point's per-seed values (`points[i].episodes`), which this script pairs.
 *
 * Run: npx bdt-gym sweep-v --v 0.1,1,10,100,1000 --seeds 1,2,3 --json > sweep-v.json
 *      npx tsx examples/analysis/sweep-v-pairs.ts sweep-v.json
 */
import { fail, positionalArgs } from '../args.ts';
import { formatSigned, formatSignedMeanInterval, meanInterval } from 'bdt-gym/baselines';
import { readSweep, SWEPT_METRICS } from './results.ts';

const [file] = positionalArgs('usage: npx tsx examples/analysis/sweep-v-pairs.ts SWEEP.json   (what sweep-v --json prints)', 1, 1) as [string];
const points = readSweep(file);
const seeds = points[0]!.episodes.map((e) => e.seed);
if (points.length < 2) fail(`${file}: one V (${points[0]!.v}): nothing to pair it with`);
points.forEach((point, i) => {
  const theirs = point.episodes.map((e) => e.seed).join(',');
  if (theirs !== seeds.join(',')) fail(`${file}: points[${i}] (V = ${point.v}) has the episodes of seeds ${theirs}, points[0] of ${seeds.join(',')}: not paired`);
});

console.log(`${file}: each V minus the V before it on the traces of ${seeds.length} seed(s), ${seeds.join(', ')}`);
console.log('mean ± 95% CI of the differences (Student-t over the seeds, n - 1 degrees of freedom); each seed\'s difference');
for (let i = 1; i < points.length; i++) {
  const [before, after] = [points[i - 1]!, points[i]!];
  for (const metric of SWEPT_METRICS) {
    const d = after.episodes.map((e, k) => e[metric] - before.episodes[k]![metric]);
    const m = meanInterval(d);
    console.log(`V ${before.v} -> ${after.v} ${`${metric}:`.padEnd(13)}${formatSignedMeanInterval(m, 4).padEnd(20)}per seed: ${d.map((x) => formatSigned(x, 4)).join(' ')}`);
  }
}
