/**
 * A Vega-Lite chart drawn as SVG, headless (no canvas). Vega and Vega-Lite load on the first
 * chart, not with the command: they take about a third of a second to load, and vega-canvas, which
 * Vega imports, awaits at its top level, which V8 cannot stop safely: a worker thread terminated
 * then aborts the whole process (nodejs/node#43182), and `compare --jobs`/`sweep-v --jobs`
 * terminate the other workers when one fails.
 */
import type { TopLevelSpec } from 'vega-lite';

/** `spec` compiled and rendered to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
