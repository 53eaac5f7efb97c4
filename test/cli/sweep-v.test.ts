import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sweepV } from '../../cli/commands/sweep-v.ts';
import { sweepVChartSvg } from '../../cli/plot/sweep-v-chart.ts';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;
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

  it('plots latency and backlog against V as SVG, with latency-greedy as a dashed reference', async () => {
    const svg = await sweepVChartSvg('dpra', [{ v: 0.1, meanLatency: 3, meanBacklog: 0.1 }, { v: 1, meanLatency: 2, meanBacklog: 1 }, { v: 10, meanLatency: 1.5, meanBacklog: 10 }], 1.2);
    assert.match(svg, /^<svg [^>]*width="\d+"/);
    assert.ok(svg.includes('dpra: time-average latency') && svg.includes('dpra: time-average backlog'));
    assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 2, 'one line per panel');
    assert.equal((svg.match(/stroke-dasharray="6,4"/g) ?? []).length, 1, 'the greedy reference is the only dashed mark');
    assert.ok(!svg.includes('NaN'));
  });

  it('refuses a repeated V, and notes when the agent does not decide with V', () => {
    const repeated = cli('sweep-v', '--v', '1,1', '--seeds', '1', '--slots', '3');
    assert.equal(repeated.status, 1);
    assert.equal(repeated.stderr, 'bdt-gym: --v: 1 appears twice (entries 0 and 1); give each V once\n');
    const ppo = cli('sweep-v', '--env', 'BDT-small-v0', '--agent', 'ppo', '--seeds', '1', '--slots', '3');
    assert.equal(ppo.status, 1);
    assert.match(ppo.stderr, /^bdt-gym: --agent ppo: no ppo model is committed for BDT-small-v0 \(there is one for BDT-v0 only, in models\/\); give --agent-options '\{"checkpoint":"DIR"\}'/);
    const random = cli('sweep-v', '--agent', 'random', '--v', '1,10', '--seeds', '1', '--slots', '3', '--json');
    assert.equal(random.status, 0, random.stderr);
    assert.equal(random.stderr, 'bdt-gym: note: agent random played the same episodes for every V: it does not decide with V (dpra does)\n');
  });
});
