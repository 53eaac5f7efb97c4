/**
 * Paired differences for every metric between two agents of one comparison: AGENT minus REF on
 * each trace both played, from the full result `bdt-gym compare --out F.json` writes.
 *
 * Every agent of a comparison plays the same traces (common random numbers), so most of each
 * agent's spread over the traces is how hard each trace is; the difference on each trace cancels
 * it, and its mean's interval is the one to cite. `compare` itself pairs every metric with its
 * first agent (its second table's "vs" columns; `latencyVsFirst`, `rewardVsFirst`, ... in --out and
 * --json): with REF the first agent this script prints those same intervals, plus each trace's
 * difference. Use it for two agents neither of which is first, or to read the per-trace values.
 *
 * Run: npx tsx examples/analysis/paired-differences.ts F.json AGENT [REF]   (REF: F's first agent)
 */
import { positionalArgs } from '../args.ts';
import { formatSigned, formatSignedMeanInterval, meanInterval } from 'bdt-gym/baselines';
import { COMPARED_METRICS, pairedDifference, readComparison } from './results.ts';

const [file, agent, refArg] = positionalArgs('usage: npx tsx examples/analysis/paired-differences.ts F.json AGENT [REF]   (F.json: what compare --out writes; REF: its first agent unless given)', 2, 3) as [string, string, string?];
const comparison = readComparison(file);
const ref = refArg ?? comparison.labels[0]!;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const { traces } = pairedDifference(comparison, agent, ref, COMPARED_METRICS[0]);
console.log(`${agent} - ${ref} in ${file}, paired on ${traces.length} trace(s): ${traces.join(', ')}`);
console.log(
  `mean ± 95% CI of the differences (Student-t over the traces, n - 1 degrees of freedom)${ref === comparison.labels[0] ? `, as compare's ...VsFirst (${ref} is the first agent)` : ''}; each agent's mean; each trace's difference`,
);
for (const metric of COMPARED_METRICS) {
  const paired = pairedDifference(comparison, agent, ref, metric);
  const perTrace = paired.differences.map((x) => formatSigned(x, 4)).join(' ');
  console.log(`${`${metric}:`.padEnd(18)}${formatSignedMeanInterval(meanInterval(paired.differences), 4).padEnd(20)}(${mean(paired.mine).toFixed(4)} vs ${mean(paired.theirs).toFixed(4)})  per trace: ${perTrace}`);
}
