/**
 * `npx tsx bench/bdt-cpu-time.ts [id] [--reuse] [--full] [--num-envs N [--no-copy]] [--barrel]`:
 * raw BdtEnv steps per CPU-second, or with `--num-envs` env-steps of the native vector env
 * (`makeVec`), best of 3 runs. On a shared, loaded machine wall-clock rates swing by several times
 * between runs; CPU time (process.cpuUsage, user + system) counts only the time this process ran,
 * so it is the steadier figure to compare code changes with (contention still inflates it).
 *
 * The script imports only the registry and the env. `--barrel` first imports the whole `bdt-gym`
 * barrel, as the CLI and `npm run bench` do: under tsx, a process that has loaded some CommonJS
 * packages (rxjs, commander, tslib) runs the same env code measurably slower (docs/BENCHMARKS.md,
 * Record), and this flag reproduces that condition.
 */
import { scriptArgs } from './script-args.ts';

const { values: options, positionals } = scriptArgs(
  'usage: npx tsx bench/bdt-cpu-time.ts [id] [--reuse] [--full] [--num-envs N [--no-copy]] [--barrel]',
  { reuse: { type: 'boolean' }, full: { type: 'boolean' }, 'num-envs': { type: 'string' }, 'no-copy': { type: 'boolean' }, barrel: { type: 'boolean' } },
  true,
);
if (options.barrel) await import('../env/index.ts');
await import('../env/envs.ts'); // registers the ids
const { make } = await import('../env/registration.ts');
const { makeVec } = await import('../env/vector/make-vec.ts');
type Bdt = typeof import('../env/index.ts');

const id = positionals[0] ?? 'BDT-v0';

/** Best rate of 3 runs of `run(calls)`, each call worth `perCall` steps. */
function bestRate(calls: number, perCall: number, run: (calls: number) => void): number {
  let best = 0;
  for (let r = 0; r < 3; r++) {
    const start = process.cpuUsage();
    run(calls);
    const used = process.cpuUsage(start);
    best = Math.max(best, (calls * perCall) / ((used.user + used.system) / 1e6));
  }
  return best;
}

const format = (rate: number) => Math.round(rate).toLocaleString('en-US');
const suffix = `${options.barrel ? ' (barrel loaded)' : ''} on Node ${process.version}`;

if (options['num-envs'] !== undefined) {
  const numEnvs = Number(options['num-envs']);
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`--num-envs: expected a positive integer, got ${options['num-envs']}`);
  const env = makeVec(id, numEnvs, { copy: !options['no-copy'] }) as InstanceType<Bdt['BdtVectorEnv']>;
  env.actionSpace.seed(0);
  const actions = Array.from({ length: 16 }, () => env.actionSpace.sample());
  env.reset({ seed: 0 });
  const rate = bestRate(Math.ceil((env.system.N > 50 ? 100_000 : 1_000_000) / numEnvs), numEnvs, (calls) => {
    for (let i = 0; i < calls; i++) env.step(actions[i & 15]!);
  });
  process.stdout.write(`${id} vector x${numEnvs}${options['no-copy'] ? ' copy=false' : ''}${suffix}: ${format(rate)} env-steps per CPU-second\n`);
} else {
  const reuseObservation = options.reuse === true;
  const infoLevel = options.full ? 'full' : 'summary';
  const env = make(id, { infoLevel, reuseObservation }).unwrapped as InstanceType<Bdt['BdtEnv']>;
  env.actionSpace.seed(0);
  const actions = Array.from({ length: 256 }, () => env.actionSpace.sample());
  env.reset({ seed: 0 });
  let sink = 0;
  const rate = bestRate(env.system.N > 50 ? 100_000 : 1_000_000, 1, (steps) => {
    for (let i = 0; i < steps; i++) {
      const [, reward, , truncated] = env.step(actions[i & 255]!);
      sink += reward;
      if (truncated) env.reset();
    }
  });
  process.stdout.write(`${id} infoLevel=${infoLevel} reuseObservation=${reuseObservation}${suffix}: ${format(rate)} steps per CPU-second${Number.isFinite(sink) ? '' : ' (non-finite reward seen)'}\n`);
}
