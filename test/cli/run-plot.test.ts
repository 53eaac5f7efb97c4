import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { make } from '../../env/index.ts';
import { Trajectory, TrajectoryRecorder, episodeChartSpec, episodeChartSvg } from '../../cli/plot/episode-chart.ts';
import { EpisodeMetrics } from '../../env/bdt/episode-metrics.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym run --plot', () => {
  it("records each decided slot's latency, reputations and the queues it leaves, afresh at each reset", () => {
    const recorder = new TrajectoryRecorder(make('BDT-small-v0'));
    recorder.reset({ seed: 2 });
    const infos = [0, 1, 2].map(() => recorder.step(recorder.actionSpace.sample())[4] as { latency: number; chargedLatency: number; reputation: Float64Array; queues: { nextH: Float64Array; nextG: Float64Array } });
    const { trajectory } = recorder;
    assert.equal(trajectory.length, 3);
    const J = 2; // BDT-small-v0's APs
    infos.forEach((info, t) => {
      const row = (values: number[]) => values.slice(t * J, (t + 1) * J);
      assert.equal(trajectory.latency[t], info.latency);
      assert.equal(trajectory.chargedLatency[t], info.chargedLatency);
      assert.deepEqual(row(trajectory.reputation), [...info.reputation]);
      assert.deepEqual([row(trajectory.H), row(trajectory.G)], [[...info.queues.nextH], [...info.queues.nextG]], `slot ${t}: the queues after the step, kept as they were then`);
    });
    recorder.reset({ seed: 2 });
    assert.equal(trajectory.length, 0);
    assert.equal(trajectory.H.length, 0);
    recorder.close();
  });

  it('draws the average reputations against the C6 bounds, the queues and the latency; a slot that cannot finish leaves a gap, not NaN', async () => {
    const trajectory = new Trajectory(2);
    for (const [latency, u] of [[0.5, 0.4], [Infinity, 0.6], [0.7, 0.5]] as const) trajectory.add(latency, latency, [u, 1 - u], [u, 0], [0, u]);
    const svg = await episodeChartSvg('dpra on BDT-v0', trajectory, 0.3, 0.65);
    assert.match(svg, /^<svg [^>]*width="\d+"/);
    for (const title of ['dpra on BDT-v0', 'C6: time-average reputation', 'virtual queues H_j(t+1)', 'latency tau(t)']) assert.ok(svg.includes(title), title);
    assert.equal((svg.match(/stroke-dasharray="6,4"/g) ?? []).length, 2, 'U^min and U^max are the dashed rules');
    assert.ok(!svg.includes('NaN'));
  });

  it("draws the running mean of the latency as charged, capped, so that it ends at the summary's mean latency (it averaged tau, above it, with a gap after a slot that never finishes)", () => {
    // a cap below most slots' latency: the charged latency is the cap there
    const env = make('BDT-small-v0', { scenario: { reward: { latencyCap: 1.2 } } });
    const recorder = new TrajectoryRecorder(env);
    const metrics = new EpisodeMetrics({ J: 2, uMin: 0.3, uMax: 0.65 });
    recorder.reset({ seed: 4 });
    recorder.actionSpace.seed(4);
    for (let t = 0; t < 40; t++) {
      const [, reward, , , info] = recorder.step(recorder.actionSpace.sample());
      metrics.add(reward, info);
    }
    const summary = metrics.summary();
    assert.ok(summary.cappedSlots > 0 && summary.cappedSlots < 40, `${summary.cappedSlots} capped`);
    const spec = episodeChartSpec('random', recorder.trajectory, 0.3, 0.65) as unknown as { vconcat: Array<{ data?: { values: Array<{ meanLatency: number | null }> } }> };
    const rows = spec.vconcat[2]!.data!.values;
    assert.ok(Math.abs(rows.at(-1)!.meanLatency! - summary.meanLatency) <= 1e-12 * summary.meanLatency, `${rows.at(-1)!.meanLatency} vs ${summary.meanLatency}`);
    // a slot that never finishes, charged the cap: a gap in tau, none in the mean
    const trajectory = new Trajectory(1);
    for (const [latency, charged] of [[0.5, 0.5], [Infinity, 2], [0.7, 0.7]] as const) trajectory.add(latency, charged, [0.5], [0], [0]);
    const latencyRows = (episodeChartSpec('t', trajectory, 0.3, 0.65) as unknown as { vconcat: Array<{ data: { values: unknown[] } }> }).vconcat[2]!.data.values;
    assert.deepEqual(latencyRows, [{ t: 1, latency: 0.5, meanLatency: 0.5 }, { t: 2, latency: null, meanLatency: 1.25 }, { t: 3, latency: 0.7, meanLatency: 3.2 / 3 }]);
    recorder.close();
  });

  it('writes the SVG after the summary (also with --json, which stays one JSON line), and refuses a name that is not .svg', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-run-plot-'));
    try {
      const plot = join(dir, 'episode.svg');
      const json = cli('run', '--env', 'BDT-small-v0', '--agent', 'latency-greedy', '--seed', '1', '--slots', '40', '--plot', plot, '--json');
      assert.equal(json.status, 0, json.stderr);
      assert.equal(JSON.parse(json.stdout).slots, 40);
      assert.ok(readFileSync(plot, 'utf8').includes('latency-greedy on BDT-small-v0, seed 1, 40 slots'));
      const text = cli('run', '--env', 'BDT-small-v0', '--agent', 'latency-greedy', '--seed', '1', '--slots', '40', '--plot', plot);
      assert.equal(text.status, 0, text.stderr);
      assert.ok(text.stdout.endsWith(`  plot: ${plot}\n`), text.stdout);
      const png = cli('run', '--env', 'BDT-small-v0', '--slots', '5', '--plot', join(dir, 'episode.png'));
      assert.equal(png.status, 1);
      assert.match(png.stderr, /--plot .*episode\.png: figures are written as SVG; give a file name ending in \.svg/);
      assert.ok(!existsSync(join(dir, 'episode.png')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
