/**
 * The `sweep-v` figure: time-average latency, backlog and C6 violation against V (log scale),
 * side by side, with latency-greedy's latency and C6 violation (its V -> infinity limit) as
 * dashed references. Declared in Vega-Lite and rendered to SVG by Vega's headless renderer (no
 * browser, no canvas): the grammar-of-graphics standard, so users can restyle the figure by
 * editing a spec rather than drawing code.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg.ts';

export interface SweepChartPoint {
  readonly v: number;
  readonly meanLatency: number;
  readonly meanBacklog: number;
  readonly c6Violation: number;
}

/** latency-greedy's figures: the level the sweep tends to as V grows. */
export interface SweepChartReference {
  readonly meanLatency: number;
  readonly c6Violation: number;
}

const PANEL = { width: 260, height: 220 } as const;
const REFERENCE_COLOR = '#d62728';

/** A line of `field` against V, with `reference` as a dashed, labelled level when given. */
function panel(title: string, field: string, axisTitle: string, reference?: { field: string; label: string }): object {
  const x = { field: 'v', type: 'quantitative', title: 'V', scale: { type: 'log' } } as const;
  // padding keeps a reference level at the edge of the data off the axis line
  const y = { field, type: 'quantitative', title: axisTitle, scale: { zero: false, padding: 12 } } as const;
  const line = { mark: { type: 'line', point: true }, encoding: { x, y } };
  if (reference === undefined) return { title, ...PANEL, ...line };
  return {
    title,
    ...PANEL,
    layer: [
      line,
      { mark: { type: 'rule', strokeDash: [6, 4], color: REFERENCE_COLOR }, encoding: { y: { field: reference.field, aggregate: 'mean', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: REFERENCE_COLOR },
        encoding: { x: { aggregate: 'min', field: 'v', type: 'quantitative' }, y: { aggregate: 'mean', field: reference.field, type: 'quantitative' }, text: { value: reference.label } },
      },
    ],
  };
}

/** SVG text of the figure for `agent`'s sweep, with latency-greedy's figures as the V -> infinity levels. */
export async function sweepVChartSvg(agent: string, points: readonly SweepChartPoint[], greedy: SweepChartReference): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points.map((p) => ({ v: p.v, latency: p.meanLatency, backlog: p.meanBacklog, c6: p.c6Violation, greedyLatency: greedy.meanLatency, greedyC6: greedy.c6Violation })) },
    hconcat: [
      panel(`${agent}: time-average latency`, 'latency', 'latency (s)', { field: 'greedyLatency', label: 'latency-greedy (V -> inf)' }),
      panel(`${agent}: time-average backlog`, 'backlog', 'sum_j (H_j + G_j)'),
      panel(`${agent}: C6 violation (worst AP)`, 'c6', 'avg U_j outside [U^min, U^max]', { field: 'greedyC6', label: 'latency-greedy' }),
    ],
  } as TopLevelSpec;
  return renderSvg(spec);
}
