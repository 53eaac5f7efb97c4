/**
 * The browser demo (examples/browser): its model side under Node, its figure through Vega's
 * headless renderer, and the page bundled for a browser as `npm run demo` bundles it.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { demoChartSpec, runDemo } from '../../examples/browser/lyapunov-demo.ts';

const root = resolve(import.meta.dirname, '../..');
const page = resolve(root, 'examples/browser');
const demoScript = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['demo']!;
/** A `--name=value` option of the `demo` script. */
const demoOption = (name: string) => demoScript.match(new RegExp(`--${name}=(\\S+)`))![1]!;

describe('browser demo', () => {
  it('DPRA keeps C6 where latency-greedy breaks it, on the same trace, and the series agree with the summaries', async () => {
    const result = await runDemo({ V: 10, seed: 1, slots: 200 });
    const [dpra, greedy] = result.runs;
    assert.deepEqual(result.runs.map((r) => r.agent), ['dpra', 'latency-greedy']);
    assert.ok(greedy!.summary.c6Violation > 0.05, `latency-greedy C6 violation ${greedy!.summary.c6Violation}`);
    assert.ok(dpra!.summary.c6Violation < greedy!.summary.c6Violation / 5, `DPRA ${dpra!.summary.c6Violation} vs greedy ${greedy!.summary.c6Violation}`);
    assert.ok(greedy!.summary.meanLatency < dpra!.summary.meanLatency, 'ignoring the queues buys latency');
    for (const run of result.runs) {
      assert.equal(run.latency.length, 200);
      const meanLatency = run.latency.reduce((a, b) => a + b, 0) / 200;
      assert.ok(Math.abs(meanLatency - run.summary.meanLatency) < 1e-12);
      const last = Array.from(run.averageReputation.subarray(199 * result.J));
      last.forEach((u, j) => assert.ok(Math.abs(u - run.summary.avgReputation[j]!) < 1e-12));
    }
  });

  it('reports progress and yields to the event loop between slices of slots, so a page stays responsive', async () => {
    const reports: string[] = [];
    let timersRun = 0;
    const tick = setInterval(() => timersRun++, 0);
    try {
      await runDemo({ V: 10, seed: 1, slots: 120 }, (agent, slotsDone) => reports.push(`${agent} ${slotsDone}`));
    } finally {
      clearInterval(tick);
    }
    assert.deepEqual(reports, ['dpra 50', 'dpra 100', 'latency-greedy 50', 'latency-greedy 100']);
    assert.ok(timersRun >= 4, `a timer ran ${timersRun} times during the run: it yields to timer tasks`);
  });

  it('its figure compiles and renders to SVG with both panels', async () => {
    const result = await runDemo({ V: 1, seed: 2, slots: 30 });
    const view = new vega.View(vega.parse(compile(demoChartSpec(result)).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    assert.match(svg, /^<svg/);
    assert.match(svg, /virtual-queue backlog/);
    assert.match(svg, /C6 asks for \[0\.3, 0\.65\]/);
    // the C6 band: one faint rect per agent's panel (not one per data row, stacked solid)
    assert.equal(svg.match(/fill="#2ca02c"[^>]*opacity="0\.12"|opacity="0\.12"[^>]*fill="#2ca02c"/g)?.length, result.runs.length);
    // two legends: agents for the backlog, APs for the reputations
    assert.match(svg, />agent</);
    assert.match(svg, />AP</);
  });

  it('its figure of one slot draws points on an axis of slots, as a line of one point draws nothing', async () => {
    const result = await runDemo({ V: 1, seed: 2, slots: 1 });
    const view = new vega.View(vega.parse(compile(demoChartSpec(result)).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    // a symbol per agent's backlog, per agent and AP for the reputations
    const symbols = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/g)?.join('').match(/<path /g)?.length;
    assert.equal(symbols, result.runs.length * (1 + result.J));
    assert.doesNotMatch(svg, /1\.000000/);
    const many = await runDemo({ V: 1, seed: 2, slots: 30 });
    assert.doesNotMatch(JSON.stringify(compile(demoChartSpec(many)).spec), /"symbol"/, 'no points on a line of 30');
  });

  it('the page bundles for a browser as `npm run demo` bundles it, without warnings', async () => {
    assert.match(demoScript, /^esbuild examples\/browser\/main\.ts --bundle --minify --keep-names .*--format=esm --platform=browser /);
    const bundle = await build({ entryPoints: [resolve(page, 'main.ts')], bundle: true, minify: true, keepNames: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    // a warning (a Node global, a require, an eval) is a page that may break in a browser
    assert.deepEqual(bundle.warnings.map((warning) => warning.text), []);
    assert.ok(bundle.outputFiles[0]!.contents.length > 100_000, 'env, baselines and vega are inside');
  });

  it('the page loads what `npm run demo` serves and has every element main.ts reads', () => {
    const html = readFileSync(resolve(page, 'index.html'), 'utf8');
    const served = relative(resolve(root, demoOption('servedir')), resolve(root, demoOption('outdir')));
    assert.equal(html.match(/<script type="module" src="([^"]+)"/)?.[1], `./${served}/main.js`);
    // and nothing else: without an icon of its own the browser asks a static server for /favicon.ico (a 404 in its log)
    assert.match(html, /<link rel="icon" href="data:," \/>/);
    const main = readFileSync(resolve(page, 'main.ts'), 'utf8');
    const ids = [...main.matchAll(/querySelector<\w+>\('#([\w-]+)/g)].map((match) => match[1]!);
    const inputs = [...main.matchAll(/value\('(\w+)'\)/g)].map((match) => match[1]!);
    assert.deepEqual([ids.length, inputs.length], [4, 3]);
    for (const id of ids) assert.match(html, new RegExp(`id="${id}"`), `#${id}`);
    for (const name of inputs) assert.match(html, new RegExp(`<input name="${name}"`), `input ${name}`);
  });

  it('the page is laid out at a phone\'s width, where its table and figure scroll sideways', () => {
    const html = readFileSync(resolve(page, 'index.html'), 'utf8');
    // without it a phone lays the page out 980 px wide and shrinks it, text and all
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1" \/>/);
  });
});
