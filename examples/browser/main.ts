/**
 * The browser demo's page side: reads the form, runs {@link runDemo} and shows the summary table
 * and the figure (Vega's SVG renderer). Served by `npm run demo`, which bundles this file with
 * esbuild: the env and the baselines run in the page itself, with no server computation.
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { demoChartSpec, runDemo, type DemoResult, type DemoSettings } from './lyapunov-demo.ts';

const form = document.querySelector<HTMLFormElement>('#settings')!;
const table = document.querySelector<HTMLTableSectionElement>('#summary tbody')!;
const chart = document.querySelector<HTMLDivElement>('#chart')!;
const status = document.querySelector<HTMLParagraphElement>('#status')!;
const button = form.querySelector<HTMLButtonElement>('button')!;

function readSettings(): DemoSettings {
  const value = (name: string) => Number((form.elements.namedItem(name) as HTMLInputElement).value);
  return { V: value('V'), seed: value('seed'), slots: value('slots') };
}

function showSummary(result: DemoResult): void {
  table.replaceChildren(
    ...result.runs.map(({ agent, summary }) => {
      const row = document.createElement('tr');
      const cells = [agent, summary.meanLatency.toFixed(3), summary.meanReward.toFixed(2), summary.c6Violation.toFixed(3), summary.meanBacklog.toFixed(2), String(summary.energyViolations)];
      row.replaceChildren(...cells.map((text) => Object.assign(document.createElement('td'), { textContent: text })));
      return row;
    }),
  );
}

/** "1 slot", "200 slots". */
const slotCount = (slots: number) => `${slots} slot${slots === 1 ? '' : 's'}`;

async function run(): Promise<void> {
  const settings = readSettings();
  status.textContent = `running ${slotCount(settings.slots)} with V = ${settings.V} ...`;
  button.disabled = true; // one run at a time: a second would interleave with this one
  try {
    const started = performance.now();
    const result = await runDemo(settings, (agent, slotsDone) => {
      status.textContent = `V = ${settings.V}: ${agent}, slot ${slotsDone} of ${settings.slots} ...`;
    });
    showSummary(result);
    const view = new vega.View(vega.parse(compile(demoChartSpec(result)).spec), { renderer: 'svg', container: chart });
    await view.runAsync();
    // the inputs may have changed since: say which settings the table and figure are of
    status.textContent = `V = ${settings.V}, trace ${settings.seed}, ${slotCount(settings.slots)}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  } catch (error) {
    // an earlier run's table and figure beside this error would read as its result
    table.replaceChildren();
    chart.replaceChildren();
    status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    button.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});
void run();
