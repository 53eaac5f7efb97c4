import assert from 'node:assert/strict';
import { sweepV } from '../../cli/commands/sweep-v.ts';
import { lineChartSvg } from '../../cli/plot/svg-line-chart.ts';

describe('cli: sweep-v', () => {
  it('shows the [O(1/V), O(V)] trade-off on BDT-v0: latency falls towards latency-greedy, backlog grows', async () => {
    const { points, greedy } = await sweepV({ agent: 'dpra', vs: [0.3, 3, 300], seeds: 1, slots: 150, env: 'BDT-v0' });
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

  it('plots both panels as SVG with the reference line dashed', () => {
    const svg = lineChartSvg([
      { title: 'latency', xLabel: 'V', yLabel: 's', logX: true, series: [{ label: 'dpra', x: [0.1, 1, 10], y: [3, 2, 1] }, { label: 'greedy', x: [0.1, 10], y: [1, 1], dashed: true }] },
      { title: 'backlog', xLabel: 'V', yLabel: 'q', logX: true, series: [{ label: 'dpra', x: [0.1, 1, 10], y: [0.1, 1, 10] }] },
    ]);
    assert.match(svg, /^<\?xml[^]*<svg [^>]*width="840"/);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 3);
    assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 1);
    assert.ok(!svg.includes('NaN'));
  });
});
