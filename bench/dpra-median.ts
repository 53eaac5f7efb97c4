/**
 * `npx tsx bench/dpra-median.ts [--slots N] [--json]`: median (and p90, max) DPRA solve time per
 * slot on BDT-v0 and BDT-large-v0, the statistic issue 4 asks for (the `dpra` bench suite reports
 * throughput, i.e. the mean). Slots are recorded from a DPRA episode (seed 0) and each re-solved
 * twice with the agent's solver and warm start; the first slot (no warm start) is included.
 */
import { DpraOptions, DpraSolver, descentSolverOptions } from '../baselines/index.ts';
import { scriptArgs } from './script-args.ts';
import { recordDpraTrajectory } from './suites/dpra.ts';

const { values } = scriptArgs('usage: npx tsx bench/dpra-median.ts [--slots N] [--json]', { slots: { type: 'string', default: '100' }, json: { type: 'boolean' } });
const slots = Number(values.slots);
if (!(Number.isInteger(slots) && slots >= 1)) throw new Error(`--slots: expected an integer >= 1, got ${values.slots}`);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const results = [];
for (const id of ['BDT-v0', 'BDT-large-v0']) {
  const { env, trajectory } = recordDpraTrajectory(id, slots);
  const solver = new DpraSolver(env.system, descentSolverOptions(DpraOptions.parse({})));
  const times: number[] = [];
  for (let rep = 0; rep < 2; rep++) {
    for (const slot of trajectory) {
      const start = performance.now();
      solver.solve(slot.state, slot.queues, slot.previous);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  results.push({ env: id, slots: times.length, medianMs: quantile(times, 0.5), p90Ms: quantile(times, 0.9), maxMs: times[times.length - 1]! });
}
if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
else for (const r of results) process.stdout.write(`${r.env}: median ${r.medianMs.toFixed(3)} ms/slot, p90 ${r.p90Ms.toFixed(3)} ms, max ${r.maxMs.toFixed(1)} ms over ${r.slots} solves\n`);
