/**
 * `npx tsx bench/bdt-cpu-time.ts [id] [--reuse] [--full]`: raw BdtEnv steps per CPU-second
 * (process.cpuUsage, user + system), best of 3 runs. On a shared, loaded machine wall-clock rates
 * swing by several times between runs; CPU time counts only the time this process ran, so it is
 * the steadier figure to compare code changes with (contention still inflates it somewhat).
 */
import { make } from '../env/index.ts';
import type { BdtAction, BdtEnv, BdtObservation } from '../env/bdt/index.ts';

const id = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'BDT-v0';
const reuseObservation = process.argv.includes('--reuse');
const infoLevel = process.argv.includes('--full') ? 'full' : 'summary';
const env = make<BdtObservation, BdtAction>(id, { infoLevel, reuseObservation }).unwrapped as BdtEnv;
env.actionSpace.seed(0);
const actions = Array.from({ length: 256 }, () => env.actionSpace.sample());
env.reset({ seed: 0 });
const steps = env.system.N > 50 ? 100_000 : 1_000_000;
let sink = 0;
let best = 0;
for (let run = 0; run < 3; run++) {
  const start = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const [, reward, , truncated] = env.step(actions[i & 255]!);
    sink += reward;
    if (truncated) env.reset();
  }
  const used = process.cpuUsage(start);
  best = Math.max(best, steps / ((used.user + used.system) / 1e6));
}
process.stdout.write(`${id} infoLevel=${infoLevel} reuseObservation=${reuseObservation}: ${Math.round(best).toLocaleString('en-US')} steps per CPU-second${Number.isFinite(sink) ? '' : ' (non-finite reward seen)'}\n`);
