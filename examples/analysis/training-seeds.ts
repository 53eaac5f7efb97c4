/**
 * Pooling training seeds: one compare with a label per trained policy (one per training seed),
 * each label's gap to a reference paired by trace, then pooled over the labels.
 *
 * Every interval compare prints is over traces with the policy fixed: it says how the figure would
 * move on other traces, not with another training seed. Here each seed's gap to REF (default: the
 * comparison's first agent) is its mean over the traces (paired: each trace's difference); the
 * t interval over those seed-level gaps (n - 1 degrees of freedom, n the number of seeds) is the
 * one for a claim about the training recipe, on these traces, which every seed plays. The
 * interquartile mean over all seeds x traces (Agarwal et al. 2021) is the robust point estimate
 * for few runs; its stratified-bootstrap interval is rliable's (Python), from the same values.
 *
 * Run: npx bdt-gym compare --agents dpra --checkpoint s1=runs/seed1 --checkpoint s2=runs/seed2 ... --out seeds.json
 *      npx tsx examples/analysis/training-seeds.ts seeds.json [REF] [METRIC]   (METRIC: meanReward unless given)
 */
import { fail, positionalArgs } from '../args.ts';
import { formatSignedMeanInterval, interquartileMean, meanInterval } from 'bdt-gym/baselines';
import { pairedDifference, readComparison } from './results.ts';

const [file, refArg, metric = 'meanReward'] = positionalArgs(
  'usage: npx tsx examples/analysis/training-seeds.ts F.json [REF] [METRIC]   (F.json: what compare --out writes, one label per training seed; REF: its first agent; METRIC: a field of its episodes\' summaries, meanReward unless given)',
  1,
  3,
) as [string, string?, string?];
const comparison = readComparison(file);
const ref = refArg ?? comparison.labels[0]!;
const labels = comparison.labels.filter((label) => label !== ref);
if (!comparison.labels.includes(ref)) fail(`${file}: no episodes of "${ref}" (its labels: ${comparison.labels.join(', ')})`);
if (labels.length === 0) fail(`${file}: no label but "${ref}": nothing to pool`);
// null counts: it is how JSON writes a NaN (an undefined C6 violation), which metricOf reads back
const numeric = Object.keys(comparison.episodes[0]!.summary).filter((key) => typeof comparison.episodes[0]!.summary[key] === 'number' || comparison.episodes[0]!.summary[key] === null);
if (!numeric.includes(metric)) fail(`METRIC ${JSON.stringify(metric)}: not a number in ${file}'s episode summaries (${numeric.join(', ')})`);

console.log(`${metric}, each label minus ${ref}, paired by trace in ${file} (mean ± 95% Student-t CI over the traces):`);
const gaps = labels.map((label) => {
  const { differences } = pairedDifference(comparison, label, ref, metric);
  console.log(`  ${label}: ${formatSignedMeanInterval(meanInterval(differences), 4)} over ${differences.length} trace(s)`);
  return differences;
});
const seedGaps = gaps.map((d) => meanInterval(d).mean);
const all = gaps.flat();
const across = labels.length === 1 ? 'no interval from one seed' : `Student-t over their mean gaps, ${labels.length - 1} degree${labels.length === 2 ? '' : 's'} of freedom`;
console.log(`over ${labels.length} training seed(s) (${across}): ${formatSignedMeanInterval(meanInterval(seedGaps), 4)}`);
console.log(`IQM over ${labels.length} seed(s) x their traces (the middle half of ${all.length} gaps): ${interquartileMean(all).toFixed(4)}`);
