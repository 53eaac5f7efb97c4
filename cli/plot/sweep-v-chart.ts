/**
 * The `sweep-v` figure: time-average latency and backlog against V (log scale), side by side,
 * with latency-greedy's latency as a dashed reference. Declared in Vega-Lite and rendered to SVG
 * by Vega's headless renderer (no browser, no canvas): the grammar-of-graphics standard, so users
 * can restyle the figure by editing a spec rather than drawing code.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface SweepChartPoint {
  readonly v: number;
  readonly meanLatency: number;
  readonly meanBacklog: number;
}

/** SVG text of the figure for `agent`'s sweep, with `greedyLatency` as the V -> infinity level. */
export async function sweepVChartSvg(agent: string, points: readonly SweepChartPoint[], greedyLatency: number): Promise<string> {
  const x = { field: 'v', type: 'quantitative', title: 'V', scale: { type: 'log' } } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points.map((p) => ({ v: p.v, latency: p.meanLatency, backlog: p.meanBacklog, greedy: greedyLatency })) },
    hconcat: [
      {
        title: `${agent}: time-average latency`,
        width: 320,
        height: 240,
        layer: [
          { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'latency', type: 'quantitative', title: 'latency (s)', scale: { zero: false } } } },
          { mark: { type: 'rule', strokeDash: [6, 4], color: '#d62728' }, encoding: { y: { field: 'greedy', aggregate: 'mean', title: 'latency (s)' } } },
          { mark: { type: 'text', align: 'left', dy: -6, color: '#d62728' }, encoding: { x: { aggregate: 'min', field: 'v', type: 'quantitative' }, y: { aggregate: 'mean', field: 'greedy' }, text: { value: 'latency-greedy (V -> inf)' } } },
        ],
      },
      {
        title: `${agent}: time-average backlog`,
        width: 320,
        height: 240,
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'backlog', type: 'quantitative', title: 'sum_j (H_j + G_j)' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
