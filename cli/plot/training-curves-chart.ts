/**
 * The `curves` figure: one panel per metric tag, one colour per run, the trailing moving average
 * drawn over the raw values (faint), as TensorBoard shows a smoothed scalar, with a dot where a
 * point has no finite neighbour for a line to reach. Vega-Lite rendered
 * to SVG by Vega's headless renderer, as the sweep-v figure (sweep-v-chart.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg.ts';

/** One run's series of one tag, raw and smoothed (same length, by record). */
export interface CurveSeries {
  readonly run: string;
  readonly tag: string;
  readonly steps: Float64Array;
  readonly raw: Float64Array;
  readonly smoothed: Float64Array;
}

/** Points drawn per series at most: longer ones keep every k-th record and the last (an SVG of 20k-point paths is slow to open and no clearer). */
const MAX_POINTS = 1000;

/** SVG text of the figure; `tags` in panel order, `window` names the smoothing in the titles. */
export async function trainingCurvesSvg(series: readonly CurveSeries[], tags: readonly string[], window: number): Promise<string> {
  const rows: Array<{ run: string; tag: string; step: number; raw: number | null; smoothed: number | null; loneRaw: number | null; loneSmoothed: number | null }> = [];
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  for (const s of series) {
    const n = s.steps.length;
    const stride = Math.ceil(n / MAX_POINTS);
    const drawn: number[] = [];
    for (let i = 0; i < n; i++) if (i % stride === 0 || i === n - 1) drawn.push(i);
    // A line mark draws nothing for a point with no finite neighbour (a one-record run, a value
    // between NaNs): such points are drawn as dots too.
    const lone = (values: Float64Array, k: number): number | null => {
      const neighbour = (j: number | undefined): boolean => j !== undefined && Number.isFinite(values[j]!);
      return neighbour(drawn[k - 1]) || neighbour(drawn[k + 1]) ? null : finite(values[drawn[k]!]!);
    };
    drawn.forEach((i, k) => {
      rows.push({ run: s.run, tag: s.tag, step: s.steps[i]!, raw: finite(s.raw[i]!), smoothed: finite(s.smoothed[i]!), loneRaw: lone(s.raw, k), loneSmoothed: lone(s.smoothed, k) });
    });
  }
  // Both layers share the colour scale, so one legend (Vega-Lite merges them; `legend: null` on either
  // layer drops it for both). Its symbols would take the first layer's faint raw line: draw them as the smoothed one.
  // runs in the order given (the table's), not sorted by name
  const runs = [...new Set(series.map((s) => s.run))];
  const color = { field: 'run', type: 'nominal', title: 'run', scale: { domain: runs }, legend: { symbolOpacity: 1, symbolStrokeWidth: 2 } } as const;
  const x = { field: 'step', type: 'quantitative', title: 'env steps' } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    vconcat: tags.map((tag) => ({
      title: window > 1 ? `${tag} (moving average of ${window})` : tag,
      width: 480,
      height: 200,
      transform: [{ filter: { field: 'tag', equal: tag } }],
      layer: [
        { mark: { type: 'line', opacity: 0.2, strokeWidth: 1 }, encoding: { x, y: { field: 'raw', type: 'quantitative', title: tag, scale: { zero: false } }, color } },
        { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'smoothed', type: 'quantitative', title: tag }, color } },
        { mark: { type: 'point', filled: true, opacity: 0.2 }, encoding: { x, y: { field: 'loneRaw', type: 'quantitative', title: tag }, color } },
        { mark: { type: 'point', filled: true, opacity: 1 }, encoding: { x, y: { field: 'loneSmoothed', type: 'quantitative', title: tag }, color } },
      ],
    })),
  };
  return renderSvg(spec);
}
