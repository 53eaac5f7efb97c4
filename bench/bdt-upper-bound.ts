/**
 * `npx tsx bench/bdt-upper-bound.ts [none|math|rng|math+rng] [id] [--reuse]`: a what-if bound, not
 * a benchmark of the product. It measures `BdtEnv.step` (steps per CPU-second, best of 3, as
 * bdt-cpu-time.ts) after replacing the costs that only an output-changing rewrite could remove:
 * `math` swaps Math.log2, log10, log1p, exp and log for linear stubs (free "transcendentals"),
 * `rng` swaps seedrandom's Alea for an inline xorshift128 (a near-free generator). The episodes
 * it plays are meaningless (non-finite rewards are expected with `math`); only the rate counts.
 */
import seedrandom from 'seedrandom';
import { scriptArgs } from './script-args.ts';

const USAGE = 'usage: npx tsx bench/bdt-upper-bound.ts [none|math|rng|math+rng] [id] [--reuse]';
const { values: options, positionals } = scriptArgs(USAGE, { reuse: { type: 'boolean' } }, true);
const mode = positionals[0] ?? 'none';
if (!['none', 'math', 'rng', 'math+rng'].includes(mode)) {
  process.stderr.write(`unknown mode ${JSON.stringify(mode)}\n${USAGE}\n`);
  process.exit(2);
}
if (mode.includes('math')) {
  const math = Math as unknown as Record<string, (x: number) => number>;
  math['log2'] = (x) => (x - 1) * Math.LOG2E;
  math['log10'] = (x) => (x - 1) * Math.LOG10E;
  math['log1p'] = (x) => x;
  math['exp'] = (x) => 1 + x;
  math['log'] = (x) => x - 1;
}
if (mode.includes('rng')) {
  (seedrandom as unknown as Record<string, unknown>)['alea'] = () => {
    let x = 123456789, y = 362436069, z = 521288629, w = 88675123;
    const prng = (): number => {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = w;
      w = (w ^ (w >>> 19) ^ t ^ (t >>> 8)) | 0;
      return (w >>> 0) / 4294967296;
    };
    return Object.assign(prng, { state: () => ({ x, y, z, w }) });
  };
}
// imported after the patches so the env's modules see them
const { make } = await import('../env/index.ts');
const id = positionals[1] ?? 'BDT-v0';
const env = make(id, { infoLevel: 'summary', reuseObservation: options.reuse === true }).unwrapped; // raw env, as bdt-cpu-time.ts
env.actionSpace.seed(0);
const actions = Array.from({ length: 256 }, () => env.actionSpace.sample());
env.reset({ seed: 0 });
const steps = id === 'BDT-large-v0' ? 100_000 : 1_000_000;
let best = 0;
for (let run = 0; run < 3; run++) {
  const start = process.cpuUsage();
  for (let i = 0; i < steps; i++) if (env.step(actions[i & 255])[3]) env.reset();
  const used = process.cpuUsage(start);
  best = Math.max(best, steps / ((used.user + used.system) / 1e6));
}
process.stdout.write(`${id} ${mode}${options.reuse === true ? ' reuseObservation' : ''}: ${Math.round(best).toLocaleString('en-US')} steps per CPU-second\n`);
