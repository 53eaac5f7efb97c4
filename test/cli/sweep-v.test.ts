import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, registerAgent } from '../../baselines/create-agent.ts';
import { sweepV } from '../../cli/commands/sweep-v.ts';
import { CliError } from '../../cli/errors.ts';
import { sweepVChartSvg } from '../../cli/plot/sweep-v-chart.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('cli: sweep-v', () => {
  it('shows the [O(1/V), O(V)] trade-off on BDT-v0: latency falls towards latency-greedy, backlog grows', async () => {
    const { points, greedy } = await sweepV({ agent: 'dpra', vs: [0.3, 3, 300], seeds: [0], slots: 150, env: 'BDT-v0' });
    assert.deepEqual(
      points.map((p) => p.v),
      [0.3, 3, 300],
    );
    for (let i = 1; i < points.length; i++) {
      assert.ok(points[i]!.meanLatency <= points[i - 1]!.meanLatency * (1 + 1e-3), `latency rises from V=${points[i - 1]!.v} to V=${points[i]!.v}`);
      assert.ok(points[i]!.meanBacklog > points[i - 1]!.meanBacklog, `backlog does not grow from V=${points[i - 1]!.v} to V=${points[i]!.v}`);
    }
    const last = points[points.length - 1]!;
    assert.ok(Math.abs(last.meanLatency - greedy.meanLatency) <= 0.02 * greedy.meanLatency, `V=300 latency ${last.meanLatency} vs greedy ${greedy.meanLatency}`);
    assert.ok(points[0]!.meanLatency > greedy.meanLatency * 1.05, 'small V should cost latency');
  });

  it('takes an unversioned --env as its latest version, as make does, with one warning (one a V and seed)', () => {
    const result = cli('sweep-v', '--env', 'BDT', '--agent', 'ppo', '--v', '1,10', '--seeds', '1,2', '--slots', '2', '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).points.length, 2);
    // (and the note that ppo does not decide with V)
    assert.deepEqual(result.stderr.split('\n').filter((line) => line.includes('WARN')), ['bdt-gym WARN: Using the latest versioned environment `BDT-v0` instead of the unversioned environment `BDT`.']);
  });

  it('refuses a checkpoint trained on another env id in one line with the --env to give, as run and compare (it printed the whole observation space)', () => {
    const result = cli('sweep-v', '--env', 'BDT-small-v0', '--agent', 'ppo', '--agent-options', '{"checkpoint":"models/ppo-bdt-v0"}', '--v', '1', '--seeds', '1', '--slots', '2');
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'bdt-gym: --agent-options checkpoint models/ppo-bdt-v0: trained on BDT-v0, swept on BDT-small-v0, whose observation layout differs (H.shape: the checkpoint\'s [3], this env\'s [2]); give --env BDT-v0, or train a policy on BDT-small-v0 with bdt-gym train\n');
  });

  it("draws the latency-greedy reference in the swept agent's scenario: plain PoW for WTCM, whose blocks need more work", async () => {
    const spec = { vs: [10], seeds: [0], slots: 30, env: 'BDT-small-v0' };
    const wtcm = await sweepV({ ...spec, agent: 'wtcm' });
    const dpra = await sweepV({ ...spec, agent: 'dpra' });
    // on PoW every decision's block time is at least reputation PoW's, so greedy's latency is too
    assert.ok(wtcm.greedy.meanLatency > dpra.greedy.meanLatency, `wtcm's greedy ${wtcm.greedy.meanLatency} vs dpra's ${dpra.greedy.meanLatency}`);
    assert.ok(wtcm.points[0]!.meanLatency >= wtcm.greedy.meanLatency * (1 - 1e-9), 'WTCM levels off at its own greedy latency, not below it');
  });

  it('--scenario-override merges a partial scenario into every point and the latency-greedy reference, under the swept V', async () => {
    const spec = { agent: 'dpra', vs: [1, 100], seeds: [1], slots: 20, env: 'BDT-small-v0' };
    const plain = await sweepV(spec);
    const looser = await sweepV({ ...spec, scenarioOverride: { lyapunov: { uMin: 0.25 } } });
    assert.notDeepEqual(looser.points, plain.points, 'a looser U^min changes the points');
    assert.ok(looser.greedy.c6Violation < plain.greedy.c6Violation, `the reference's C6 violation: ${looser.greedy.c6Violation} vs ${plain.greedy.c6Violation}`);
    assert.deepEqual(await sweepV({ ...spec, scenarioOverride: { lyapunov: { uMin: 0.25, V: 5 } } }), looser, "each swept V wins over the override's");
    const result = cli('sweep-v', '--env', 'BDT-small-v0', '--v', '1', '--seeds', '1', '--slots', '5', '--scenario-override', '{"lyapunov":{"V":5}}');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^sweep-v: dpra on BDT-small-v0 \(overridden\), seeds 1, 5 slots\n/);
    assert.equal(result.stderr, 'bdt-gym: note: --scenario-override sets lyapunov.V, which each swept V of --v replaces\n');
    // --json records the override (every point's), as run and compare record theirs
    const json = cli('sweep-v', '--env', 'BDT-small-v0', '--v', '1,10', '--seeds', '1', '--slots', '5', '--scenario-override', '{"lyapunov":{"uMin":0.25}}', '--json');
    assert.equal(json.status, 0, json.stderr);
    const printed = JSON.parse(json.stdout) as { scenarioOverride: unknown; points: Array<{ v: number }> };
    assert.deepEqual(printed.scenarioOverride, { lyapunov: { uMin: 0.25 } });
    assert.deepEqual(printed.points.map((p) => p.v), [1, 10]);
    const conflict = cli('sweep-v', '--agent', 'wtcm', '--env', 'BDT-small-v0', '--v', '1', '--seeds', '1', '--slots', '5', '--scenario-override', '{"consensus":{"mechanism":"reputation"}}');
    assert.equal(conflict.status, 1);
    assert.match(conflict.stderr, /^bdt-gym: agent wtcm runs on consensus\.mechanism = "pow" \(its scenario\); the scenario override sets "reputation"/);
  });

  it("refuses an override's own lyapunov.V, which only the latency-greedy reference plays, before the sweep (it failed after every point)", async () => {
    let created = 0;
    registerAgent('test-sweep-counted', { description: 'dpra, counting the agents made (a test fixture)', create: (env, options) => (created++, createAgent('dpra', env, options)) });
    await assert.rejects(
      sweepV({ agent: 'test-sweep-counted', vs: [1, 10], seeds: [1], slots: 5, env: 'BDT-small-v0', scenarioOverride: { lyapunov: { V: -1 } } }),
      (e: unknown) => e instanceof CliError && /at lyapunov\.V: Too small: expected number to be >=0 \(value: -1\)\n\(with --scenario-override merged in\)$/.test(e.message),
    );
    assert.equal(created, 0, 'no point was played');
    // checked as given too when the sweep's V replaces it (a bad V was hidden by every swept one)
    await assert.rejects(
      sweepV({ agent: 'dpra', vs: [1], seeds: [1], slots: 2, env: 'BDT-small-v0', scenarioOverride: { lyapunov: { V: 'x' } } }),
      (e: unknown) => e instanceof CliError && /at lyapunov\.V: Invalid input: expected number, received string \(value: "x"\)\n\(with --scenario-override merged in\)$/.test(e.message),
    );
  });

  it("gives each point's 95% CI half-widths over the seeds, the t-interval of the per-seed episodes (null in JSON for one seed)", async () => {
    const seeds = [1, 2, 3];
    const { points } = await sweepV({ agent: 'dpra', vs: [10], seeds, slots: 40, env: 'BDT-v0' });
    const perSeed = await Promise.all(seeds.map(async (seed) => (await sweepV({ agent: 'dpra', vs: [10], seeds: [seed], slots: 40, env: 'BDT-v0' })).points[0]!));
    const expected = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (values.length - 1));
      return (4.302652729749462 * sd) / Math.sqrt(values.length); // t(2) at 0.975
    };
    const point = points[0]!;
    assert.ok(Math.abs(point.latencyHalfWidth - expected(perSeed.map((p) => p.meanLatency))) < 1e-12);
    assert.ok(Math.abs(point.backlogHalfWidth - expected(perSeed.map((p) => p.meanBacklog))) < 1e-12);
    assert.ok(point.latencyHalfWidth > 0, 'three different traces give an interval');
    assert.ok(Number.isNaN(perSeed[0]!.latencyHalfWidth), 'one seed gives none');
    const json = cli('sweep-v', '--v', '10', '--seeds', '1', '--slots', '5', '--json');
    assert.equal(json.status, 0, json.stderr);
    const printed = JSON.parse(json.stdout) as { n: number; interval: string; points: Array<{ latencyHalfWidth: unknown }> };
    assert.equal(printed.points[0]!.latencyHalfWidth, null);
    assert.equal(printed.n, 1);
    assert.match(printed.interval, /95% Student-t .* over the seeds' traces \(n - 1 degrees of freedom\).*null with one seed/);
    assert.ok(!('scenarioOverride' in printed), 'no override, no field');
    assert.match(cli('sweep-v', '--help').stdout, /per-seed values/);
  });

  it('plots latency, backlog and C6 violation against V as SVG, with latency-greedy as dashed references', async () => {
    const points = [
      { v: 0.1, meanLatency: 3, meanBacklog: 0.1, c6Violation: 0 },
      { v: 1, meanLatency: 2, meanBacklog: 1, c6Violation: 0.01 },
      { v: 10, meanLatency: 1.5, meanBacklog: 10, c6Violation: 0.05 },
    ];
    const svg = await sweepVChartSvg('dpra', points, { meanLatency: 1.2, c6Violation: 0.07 });
    assert.match(svg, /^<svg [^>]*width="\d+"/);
    for (const title of ['dpra: time-average latency', 'dpra: time-average backlog', 'dpra: C6 violation (worst AP)']) assert.ok(svg.includes(title), title);
    assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 3, 'one line per panel');
    assert.equal((svg.match(/stroke-dasharray="6,4"/g) ?? []).length, 2, "latency-greedy's latency and C6 violation are the only dashed marks");
    assert.ok(!svg.includes('NaN'));
  });

  it('prints each V as given in the table (it printed 4 significant digits: 1000 and 1000.4 alike)', () => {
    const result = cli('sweep-v', '--v', '1000,1000.4,12345,0.00125', '--seeds', '1', '--slots', '3');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(
      result.stdout.split('\n').slice(2, 6).map((line) => line.trim().split(/\s+/)[0]),
      ['1000', '1000.4', '12345', '0.00125'],
    );
  });

  it('takes V = 0 (drift only) in the table, and refuses it with --plot, whose V axis is logarithmic', () => {
    const table = cli('sweep-v', '--v', '0,1', '--seeds', '1', '--slots', '3', '--json');
    assert.equal(table.status, 0, table.stderr);
    assert.deepEqual(
      (JSON.parse(table.stdout).points as Array<{ v: number }>).map((p) => p.v),
      [0, 1],
    );
    const plot = cli('sweep-v', '--v', '0,1', '--seeds', '1', '--slots', '3', '--plot', '/tmp/bdt-sweep-zero.svg');
    assert.equal(plot.status, 1);
    assert.match(plot.stderr, /^bdt-gym: --plot: the plot's V axis is logarithmic, where V = 0 has no place/);
    assert.equal(cli('sweep-v', '--v', '-1', '--seeds', '1').stderr, 'bdt-gym: --v: expected a number >= 0, got "-1"\n');
  });

  it('refuses an empty entry and a V that a double cannot hold (they ran as V = 0), as --seeds is parsed', () => {
    for (const [v, message] of [
      ['1,,2', 'bdt-gym: --v: expected a comma-separated list of numbers, got "1,,2"\n'],
      ['', 'bdt-gym: --v: expected a comma-separated list of numbers, got ""\n'],
      [' ', 'bdt-gym: --v: expected a comma-separated list of numbers, got " "\n'],
      ['1e-400', 'bdt-gym: --v: expected a number >= 0, got "1e-400" (beyond the range of a double: it reads as 0)\n'],
      ['1,1e400', 'bdt-gym: --v: expected a number >= 0, got "1e400" (beyond the range of a double: it reads as Infinity)\n'],
      ['0x10', 'bdt-gym: --v: expected a number >= 0, got "0x10" (write numbers in decimal)\n'],
    ]) {
      const result = cli('sweep-v', '--v', v!, '--seeds', '1', '--slots', '3');
      assert.equal(result.status, 1, v);
      assert.equal(result.stderr, message, v);
    }
  });

  it('refuses a repeated V, and notes when the agent does not decide with V', () => {
    const repeated = cli('sweep-v', '--v', '1,1', '--seeds', '1', '--slots', '3');
    assert.equal(repeated.status, 1);
    assert.equal(repeated.stderr, 'bdt-gym: --v: 1 appears twice; give each value once\n');
    const dqn = cli('sweep-v', '--scenario', 'configs/small.json', '--agent', 'dqn', '--seeds', '1', '--slots', '3');
    assert.equal(dqn.status, 1);
    assert.match(dqn.stderr, /^bdt-gym: --agent dqn: no dqn model is committed for a --scenario file \(there is one for BDT-small-v0, BDT-v0, BDT-large-v0 only, in models\/\); give --agent-options '\{"checkpoint":"DIR"\}'/);
    const random = cli('sweep-v', '--agent', 'random', '--v', '1,10', '--seeds', '1', '--slots', '3', '--json');
    assert.equal(random.status, 0, random.stderr);
    assert.equal(random.stderr, 'bdt-gym: note: agent random played the same episodes for every V: it does not decide with V (dpra does)\n');
  });

  it('refuses a V or --slots beyond what a scenario takes at once, naming the option (they failed at their turn, naming the scenario field)', () => {
    const v = cli('sweep-v', '--v', '1,2e12', '--seeds', '1', '--slots', '3');
    assert.equal(v.status, 1);
    assert.equal(v.stdout, '');
    assert.equal(v.stderr, 'bdt-gym: --v: expected a number from 0 to 1000000000000 (the largest V a scenario takes), got "2e12"\n');
    assert.equal(cli('sweep-v', '--v', '1e12', '--seeds', '1', '--slots', '1', '--json').status, 0, 'LIMIT.V itself is taken');
    const slots = cli('sweep-v', '--v', '1', '--seeds', '1', '--slots', '1e10');
    assert.equal(slots.stderr, 'bdt-gym: --slots: expected an integer from 1 to 1000000000 (the longest episode a scenario takes), got "1e10"\n');
  });

  it('for an agent that decides with V, notes that the Vs gave identical decisions (it said the agent does not decide with V)', () => {
    const dpra = cli('sweep-v', '--v', '10,11', '--seeds', '1', '--slots', '1', '--json');
    assert.equal(dpra.status, 0, dpra.stderr);
    assert.equal(dpra.stderr, 'bdt-gym: note: agent dpra played the same episodes for every V: the Vs gave identical decisions on these traces (try a wider range of V or longer episodes)\n');
  });

  it("for wdpo with a fixed partition, notes that V cannot change its decisions (it suggested trying a wider range of V), and points to 'best-static'", () => {
    const reason = (cut: string) => `bdt-gym: note: agent wdpo played the same episodes for every V: its partition is fixed (${cut}), and with a fixed partition V cannot change its decisions: Psi over the frequencies is V tau + a constant; only --agent-options '{"partition":"best-static"}' chooses the partition with V\n`;
    const middle = cli('sweep-v', '--agent', 'wdpo', '--env', 'BDT-small-v0', '--v', '0,1,1000', '--seeds', '1', '--slots', '5', '--json');
    assert.equal(middle.status, 0, middle.stderr);
    assert.equal(middle.stderr, reason('the middle cut'));
    const given = cli('sweep-v', '--agent', 'wdpo', '--env', 'BDT-small-v0', '--agent-options', '{"partition":[1,1,1,1]}', '--v', '1,1000', '--seeds', '1', '--slots', '5', '--json');
    assert.equal(given.status, 0, given.stderr);
    assert.equal(given.stderr, reason('the given one'));
  });

  it('prints the table before writing the plot, and where the plot went once it is written: a plot write that fails keeps the sweep', function () {
    if (process.platform !== 'linux') this.skip(); // /dev/full
    const dir = mkdtempSync(join(tmpdir(), 'bdt-sweep-'));
    const plot = join(dir, 'full.svg');
    symlinkSync('/dev/full', plot); // passes the checks (a device is written through), then the disk is full
    const result = cli('sweep-v', '--v', '1,10', '--seeds', '1', '--slots', '2', '--plot', plot);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^sweep-v: dpra on BDT-v0, seeds 1, 2 slots\n/);
    assert.match(result.stdout, /latency-greedy: latency /);
    assert.doesNotMatch(result.stdout, /plot:/, 'the plot was not written');
    const written = join(dir, 'sweep.svg');
    const plotted = cli('sweep-v', '--v', '1,10', '--seeds', '1', '--slots', '2', '--plot', written);
    assert.equal(plotted.status, 0, plotted.stderr);
    assert.deepEqual(plotted.stdout.split('\n').slice(-3), [plotted.stdout.split('\n').find((line) => line.startsWith('  latency-greedy: ')), `  plot: ${written}`, ''], plotted.stdout);
    assert.match(result.stderr, /^bdt-gym: cannot write .*full\.svg: ENOSPC/);
    const json = cli('sweep-v', '--v', '1,10', '--seeds', '1', '--slots', '1', '--plot', plot, '--json');
    assert.equal(json.status, 1);
    assert.deepEqual((JSON.parse(json.stdout).points as Array<{ v: number }>).map((p) => p.v), [1, 10]);
  });

  it("gives the same means and half-widths as compare for the same episodes, to the last digit, and in --json each seed's values, compare's episodes'", async () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    // BDT-small-v0's own V is 10, so both play the same episodes
    const { points } = await sweepV({ agent: 'dpra', vs: [10], seeds, slots: 40, env: 'BDT-small-v0' });
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-sweep-')), 'compare.json');
    const compared = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--seeds', seeds.join(','), '--slots', '40', '--json', '--out', out);
    assert.equal(compared.status, 0, compared.stderr);
    const [row] = JSON.parse(compared.stdout).agents as Array<Record<'meanLatency' | 'meanBacklog' | 'c6Violation', { mean: number; halfWidth: number }>>;
    const point = points[0]!;
    assert.deepEqual(
      [point.meanLatency, point.latencyHalfWidth, point.meanBacklog, point.backlogHalfWidth, point.c6Violation, point.c6ViolationHalfWidth],
      [row!.meanLatency.mean, row!.meanLatency.halfWidth, row!.meanBacklog.mean, row!.meanBacklog.halfWidth, row!.c6Violation.mean, row!.c6Violation.halfWidth],
    );
    const swept = cli('sweep-v', '--env', 'BDT-small-v0', '--v', '10', '--seeds', seeds.join(','), '--slots', '40', '--json');
    assert.equal(swept.status, 0, swept.stderr);
    const printed = JSON.parse(swept.stdout) as { n: number; points: Array<{ episodes: Array<Record<string, number>> }> };
    assert.equal(printed.n, seeds.length);
    const episodes = (JSON.parse(readFileSync(out, 'utf8')) as { episodes: Array<{ seed: number; summary: Record<string, number> }> }).episodes;
    assert.deepEqual(
      printed.points[0]!.episodes,
      episodes.map(({ seed, summary }) => ({ seed, meanLatency: summary['meanLatency'], meanBacklog: summary['meanBacklog'], c6Violation: summary['c6Violation'] })),
    );
  });
});
