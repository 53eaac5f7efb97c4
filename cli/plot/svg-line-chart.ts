/**
 * A minimal SVG line chart (one or more panels, log-scale x, linear y): enough for `sweep-v`'s
 * latency and backlog against V. Written here rather than pulling in vega + vega-lite (about 30
 * packages and several MB for two polylines); the output is plain SVG 1.1 any browser renders.
 */

export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Dashed line (e.g. a reference level). */
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Log10 x axis (all x > 0). */
  logX: boolean;
  series: Series[];
}

const WIDTH = 420; // px per panel
const HEIGHT = 300; // px
const MARGIN = { left: 64, right: 16, top: 32, bottom: 48 }; // px
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

/** "Nice" linear ticks covering [lo, hi]. */
function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function panelSvg(panel: Panel, offsetX: number): string {
  const xs = panel.series.flatMap((s) => s.x);
  const ys = panel.series.flatMap((s) => s.y).filter((y) => Number.isFinite(y));
  const tx = (x: number) => (panel.logX ? Math.log10(x) : x);
  let xLo = Math.min(...xs.map(tx));
  let xHi = Math.max(...xs.map(tx));
  if (xHi === xLo) (xLo -= 1), (xHi += 1);
  let yLo = Math.min(0, ...ys);
  let yHi = Math.max(...ys);
  if (yHi === yLo) yHi = yLo + 1;
  yHi += (yHi - yLo) * 0.05;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => offsetX + MARGIN.left + ((tx(x) - xLo) / (xHi - xLo)) * plotW;
  const py = (y: number) => MARGIN.top + (1 - (y - yLo) / (yHi - yLo)) * plotH;
  const parts: string[] = [];
  const left = offsetX + MARGIN.left;
  const bottom = MARGIN.top + plotH;
  parts.push(`<text x="${left + plotW / 2}" y="20" text-anchor="middle" font-size="14">${escape(panel.title)}</text>`);
  parts.push(`<rect x="${left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  const xTicks = panel.logX ? Array.from({ length: Math.floor(xHi) - Math.ceil(xLo) + 1 }, (_, k) => 10 ** (Math.ceil(xLo) + k)) : linearTicks(xLo, xHi);
  for (const t of xTicks) {
    const x = px(t);
    parts.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#888"/><text x="${x}" y="${bottom + 18}" text-anchor="middle" font-size="11">${fmt(t)}</text>`);
  }
  for (const t of linearTicks(yLo, yHi)) {
    const y = py(t);
    parts.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#888"/><text x="${left - 8}" y="${y + 4}" text-anchor="end" font-size="11">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle" font-size="12">${escape(panel.xLabel)}</text>`);
  parts.push(`<text transform="translate(${offsetX + 16},${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escape(panel.yLabel)}</text>`);
  panel.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    const points = s.x.map((x, i) => `${px(x).toFixed(1)},${py(s.y[i]!).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (!s.dashed) for (let i = 0; i < s.x.length; i++) parts.push(`<circle cx="${px(s.x[i]!).toFixed(1)}" cy="${py(s.y[i]!).toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<text x="${left + 8}" y="${MARGIN.top + 16 + 14 * k}" font-size="11" fill="${color}">${escape(s.label)}</text>`);
  });
  return parts.join('\n');
}

/** An SVG document with `panels` side by side. */
export function lineChartSvg(panels: readonly Panel[]): string {
  const width = WIDTH * panels.length;
  const body = panels.map((p, i) => panelSvg(p, i * WIDTH)).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}
