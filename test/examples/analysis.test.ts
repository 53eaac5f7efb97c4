/**
 * The analysis scripts (examples/analysis/) run as the docs run them, on a small real `compare
 * --out` file and `sweep-v --json` output, and every number they print is checked against the
 * same statistic computed here from the JSON directly.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(command: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, command, { cwd: root, encoding: 'utf8' });
}

/** Runs examples/analysis/<name>.ts with `args`; returns stdout after asserting a clean exit. */
function runScript(name: string, ...args: string[]): string {
  const result = run(['--import', 'tsx', `examples/analysis/${name}.ts`, ...args]);
  assert.equal(result.status, 0, `examples/analysis/${name}.ts exited with ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

function bdtGym(...args: string[]): string {
  const result = run(['bin/bdt-gym.js', ...args]);
  assert.equal(result.status, 0, `bdt-gym ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** The 95% half-width over three samples, by hand: t(2) = 4.30265 (Student's t, 0.975; scipy's t.ppf) times the standard error. */
function halfWidth3(xs: readonly number[]): number {
  assert.equal(xs.length, 3);
  const m = mean(xs);
  return (4.302652729749462 * Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / 2)) / Math.sqrt(3);
}
/** `text` as a number printed to 4 decimals equals `x`. */
function printed(text: string | undefined, x: number, what: string): void {
  assert.ok(text !== undefined, `${what}: not printed`);
  assert.ok(Math.abs(Number(text) - x) <= 0.5e-4 + 1e-12, `${what}: printed ${text}, computed ${x}`);
}

interface Episode {
  agent: string;
  seed: number;
  summary: Record<string, number>;
}
interface SweepPoint {
  v: number;
  meanLatency: number;
  episodes: Array<{ seed: number } & Record<string, number>>;
}

describe('analysis scripts', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'bdt-analysis-'));
  const comparisonFile = join(dir, 'compare.json');
  const sweepFile = join(dir, 'sweep-v.json');
  let episodes: Episode[];
  let rows: Array<Record<string, { mean: number; halfWidth: number | null }> & { agent: string }>;
  let points: SweepPoint[];

  before(() => {
    bdtGym('compare', '--agents', 'dpra,wdpo,wtcm,latency-greedy', '--seeds', '1,2,3', '--slots', '12', '--no-timing', '--out', comparisonFile);
    ({ episodes, agents: rows } = JSON.parse(readFileSync(comparisonFile, 'utf8')));
    writeFileSync(sweepFile, bdtGym('sweep-v', '--v', '1,10,100', '--seeds', '1,2,3', '--slots', '12', '--json'));
    ({ points } = JSON.parse(readFileSync(sweepFile, 'utf8')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** `label`'s value of `metric` on each seed 1, 2, 3. */
  const valuesOf = (label: string, metric: string) => [1, 2, 3].map((seed) => episodes.find((e) => e.agent === label && e.seed === seed)!.summary[metric]!);

  it("paired-differences: each metric's mean and interval of the per-trace differences, each agent's mean, each trace's difference; against the first agent, compare's own ...VsFirst", () => {
    const metrics = ['meanLatency', 'meanReward', 'c6Violation', 'meanBacklog', 'energyViolations'];
    const vsFirst: Record<string, string> = { meanLatency: 'latencyVsFirst', meanReward: 'rewardVsFirst', c6Violation: 'c6ViolationVsFirst', meanBacklog: 'backlogVsFirst', energyViolations: 'energyViolationsVsFirst' };
    for (const [agent, ref, args] of [['wdpo', 'dpra', ['wdpo']], ['latency-greedy', 'wtcm', ['latency-greedy', 'wtcm']]] as const) {
      const out = runScript('paired-differences', comparisonFile, ...args);
      assert.ok(out.startsWith(`${agent} - ${ref} in ${comparisonFile}, paired on 3 trace(s): seed 1, seed 2, seed 3\n`), out);
      assert.equal(out.includes("as compare's ...VsFirst"), ref === 'dpra', 'says when its intervals are compare\'s own');
      for (const metric of metrics) {
        const line = new RegExp(`^${metric}: +(\\S+)(?: ± (\\S+))? +\\((\\S+) vs (\\S+)\\)  per trace: (\\S+) (\\S+) (\\S+)$`, 'm').exec(out);
        assert.ok(line, `no ${metric} line in:\n${out}`);
        const [mine, theirs] = [valuesOf(agent, metric), valuesOf(ref, metric)];
        const d = mine.map((x, i) => x - theirs[i]!);
        printed(line[1], mean(d), `${agent} - ${ref} ${metric}`);
        printed(line[2] ?? '0', halfWidth3(d), `${agent} - ${ref} ${metric} half-width`);
        printed(line[3], mean(mine), `${agent} ${metric}`);
        printed(line[4], mean(theirs), `${ref} ${metric}`);
        d.forEach((x, i) => printed(line[5 + i], x, `${metric} on seed ${i + 1}`));
        if (ref === 'dpra') {
          const row = rows.find((r) => r.agent === agent)![vsFirst[metric]!]!;
          printed(line[1], row.mean, `compare's ${vsFirst[metric]}`);
          printed(line[2] ?? '0', row.halfWidth ?? 0, `compare's ${vsFirst[metric]} half-width`);
        }
      }
    }
  });

  it('paired-differences: a null in the file (how JSON writes a NaN C6 violation) is NaN for that metric, and the other metrics still print', () => {
    const withNaN = join(dir, 'nan-c6.json');
    const first = episodes.findIndex((e) => e.agent === 'wdpo');
    writeFileSync(withNaN, JSON.stringify({ episodes: episodes.map((e, i) => (i === first ? { ...e, summary: { ...e.summary, c6Violation: null } } : e)) }));
    const out = runScript('paired-differences', withNaN, 'wdpo');
    assert.match(out, /^c6Violation: +NaN /m);
    assert.match(out, /^meanBacklog: +[-+]?\d/m, 'the metrics after it still print');
    assert.match(out, /^energyViolations: +[-+]?\d/m);
  });

  it('sweep-v-pairs: each V minus the V before it, paired by seed, from the per-seed values of one sweep-v --json', () => {
    const out = runScript('sweep-v-pairs', sweepFile);
    assert.ok(out.startsWith(`${sweepFile}: each V minus the V before it on the traces of 3 seed(s), 1, 2, 3\n`), out);
    const lines = [...out.matchAll(/^V (\S+) -> (\S+) (\w+): +(\S+) ± (\S+) +per seed: (\S+) (\S+) (\S+)$/gm)];
    assert.equal(lines.length, 2 * 3, 'two pairs of V, three metrics each');
    for (const [, before, after, metric, m, hw, ...perSeed] of lines) {
      const [p, q] = [points.find((x) => x.v === Number(before))!, points.find((x) => x.v === Number(after))!];
      assert.deepEqual([p.v, q.v], [Number(before), Number(after)]);
      assert.equal(points.indexOf(q), points.indexOf(p) + 1, 'consecutive V');
      const d = q.episodes.map((e, i) => e[metric!]! - p.episodes[i]![metric!]!);
      printed(m, mean(d), `V ${before} -> ${after} ${metric}`);
      printed(hw, halfWidth3(d), `V ${before} -> ${after} ${metric} half-width`);
      d.forEach((x, i) => printed(perSeed[i], x, `V ${before} -> ${after} ${metric} on seed ${i + 1}`));
    }
    // a point's own mean is its seeds': what is paired is what sweep-v summarised
    for (const point of points) assert.ok(Math.abs(mean(point.episodes.map((e) => e['meanLatency']!)) - point.meanLatency) < 1e-12, `V ${point.v}: the mean of its seeds`);
  });

  it('training-seeds: each label\'s paired gap to the reference, a t interval over the labels\' mean gaps and the interquartile mean over labels x traces', () => {
    for (const metric of ['meanReward', 'meanLatency']) {
      const out = runScript('training-seeds', comparisonFile, ...(metric === 'meanReward' ? [] : ['dpra', metric]));
      const labels = ['wdpo', 'wtcm', 'latency-greedy'];
      const gaps = labels.map((label) => valuesOf(label, metric).map((x, i) => x - valuesOf('dpra', metric)[i]!));
      labels.forEach((label, k) => {
        const [, m, hw] = new RegExp(`^  ${label}: (\\S+) ± (\\S+) over 3 trace\\(s\\)$`, 'm').exec(out) ?? [];
        printed(m, mean(gaps[k]!), `${label} ${metric} gap`);
        printed(hw, halfWidth3(gaps[k]!), `${label} ${metric} gap half-width`);
      });
      const [, m, hw] = /^over 3 training seed\(s\) \(Student-t over their mean gaps, 2 degrees of freedom\): (\S+) ± (\S+)$/m.exec(out) ?? [];
      const seedMeans = gaps.map(mean);
      printed(m, mean(seedMeans), `${metric} over seeds`);
      printed(hw, halfWidth3(seedMeans), `${metric} over seeds half-width`);
      // 9 gaps: 2 cut from each end once sorted, the middle 5 averaged
      const [, iqm] = /^IQM over 3 seed\(s\) x their traces \(the middle half of 9 gaps\): (\S+)$/m.exec(out) ?? [];
      printed(iqm, mean(gaps.flat().sort((a, b) => a - b).slice(2, 7)), `${metric} IQM`);
    }
  });

  it('training-seeds: one label against the reference gives its gap with no interval, and says so', () => {
    const twoAgents = join(dir, 'two-agents.json');
    writeFileSync(twoAgents, JSON.stringify({ episodes: episodes.filter((e) => e.agent === 'dpra' || e.agent === 'wdpo') }));
    const out = runScript('training-seeds', twoAgents);
    const gap = mean(valuesOf('wdpo', 'meanReward').map((x, i) => x - valuesOf('dpra', 'meanReward')[i]!));
    const [, m, rest] = /^over 1 training seed\(s\) \(no interval from one seed\): (\S+)(.*)$/m.exec(out) ?? [];
    printed(m, gap, 'the one label\'s mean gap');
    assert.equal(rest, '', 'no ± after the figure');
  });

  it('bad input: one line naming what is wrong and where, exit 1, no stack trace', () => {
    const compareJson = join(dir, 'compare-stdout.json');
    writeFileSync(compareJson, bdtGym('compare', '--agents', 'dpra,wdpo', '--seeds', '1', '--slots', '3', '--no-timing', '--json', '--out', join(dir, 'unused.json')));
    const oldSweep = join(dir, 'old-sweep.json');
    writeFileSync(oldSweep, JSON.stringify(points.map(({ episodes: _, ...point }) => point)));
    const badEpisode = join(dir, 'bad-episode.json');
    writeFileSync(badEpisode, JSON.stringify({ episodes: [...episodes.slice(0, 2), { ...episodes[2], summary: { ...episodes[2]!.summary, meanLatency: 'fast' } }] }));
    const emptySweep = join(dir, 'empty-sweep.json');
    writeFileSync(emptySweep, JSON.stringify({ points: points.map((point) => ({ ...point, episodes: [] })) }));
    const missing = join(dir, 'missing.json');
    for (const [name, args, message] of [
      ['paired-differences', [missing, 'wdpo'], `${missing}: no such file`],
      ['paired-differences', [comparisonFile, 'ppo'], `${comparisonFile}: no episodes of "ppo" (its labels: dpra, wdpo, wtcm, latency-greedy)`],
      ['paired-differences', [comparisonFile, 'wdpo', 'dqn'], `${comparisonFile}: no episodes of "dqn" (its labels: dpra, wdpo, wtcm, latency-greedy)`],
      ['paired-differences', [compareJson, 'wdpo'], `${compareJson}: not the result compare --out writes (no "episodes" array): compare --json prints the rows only; give the file compare --out writes (results/compare.json by default)`],
      ['paired-differences', [badEpisode, 'dpra', 'dpra'], `${badEpisode}: episodes[2].summary.meanLatency is "fast", not a number`],
      ['sweep-v-pairs', [oldSweep], `${oldSweep}: a JSON array, as sweep-v --json printed before it gave per-seed values; run sweep-v --json again`],
      ['sweep-v-pairs', [comparisonFile], `${comparisonFile}: not what sweep-v --json prints (no "points" array)`],
      ['sweep-v-pairs', ['README.md'], 'README.md: not JSON ('],
      ['sweep-v-pairs', [emptySweep], `${emptySweep}: points[0]: no per-seed episodes to pair`],
      ['training-seeds', [comparisonFile, 'ppo'], `${comparisonFile}: no episodes of "ppo" (its labels: dpra, wdpo, wtcm, latency-greedy)`],
      ['training-seeds', [comparisonFile, 'dpra', 'latency'], `METRIC "latency": not a number in ${comparisonFile}'s episode summaries (`],
    ] as const) {
      const result = run(['--import', 'tsx', `examples/analysis/${name}.ts`, ...args]);
      assert.equal(result.status, 1, `${name} ${args.join(' ')}: ${result.stderr}`);
      assert.ok(result.stderr.startsWith(message) && result.stderr.split('\n').length === 2, `${name} ${args.join(' ')}: ${JSON.stringify(result.stderr)}`);
      assert.equal(result.stdout, '', 'nothing printed before the error');
    }
    const usage = run(['--import', 'tsx', 'examples/analysis/paired-differences.ts', comparisonFile]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^expected 2 to 3 arguments, got 1\nusage: npx tsx examples\/analysis\/paired-differences\.ts F\.json AGENT \[REF\]/);
  });
});
