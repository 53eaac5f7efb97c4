/**
 * `npx tsx bench/scaling.ts [--sizes 12,40,...] [--budget SECONDS] [--json]`: how the cost of each
 * part of bdt-gym grows with the system's size (docs/BENCHMARKS.md, Scaling). For each N
 * (devices = DTs), a partial override of `BDT-large-v0` with a random topology of N devices,
 * M = ceil(N / 5) gateways and J = ceil(N / 20) APs (large.json's ratios), its four DNNs in turn
 * and Poisson rate 2. Each size runs in a fresh process (heap figures and JIT profiles do not
 * carry over) and measures, in CPU time (process.cpuUsage, user + system, as
 * bench/bdt-cpu-time.ts): `make` (parse, compile, spaces), `reset`, `BdtEnv.step` at both info
 * levels, a native `makeVec` x8 step, each scripted agent's `act` followed by the env step it
 * decides (oracle left out: exhaustive by design), an untrained PPO policy's `act` (plain JS,
 * [64, 64]), `checkEnv`, and the heap an env holds after an episode (heapUsed + arrayBuffers
 * after a forced GC, less the same before its `make`).
 *
 * Each operation runs once untimed, then repeats until `--budget` seconds of CPU (default 0.3)
 * have gone by, best of 3 batches. One that would take over 0.5 s per call at the next size,
 * extrapolated from the last two, is skipped there (`-`). The table gives the time per call
 * and, last, the log-log slope of time against N fitted over the sizes measured (least
 * squares): 1 is linear. Progress, one line per size, goes to stderr. About 2 minutes of CPU.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptArgs } from './script-args.ts';

const { values: options } = scriptArgs('usage: npx tsx bench/scaling.ts [--sizes 12,40,...] [--budget SECONDS] [--json]', {
  sizes: { type: 'string', default: '12,40,120,400,1200,4000,10000' },
  budget: { type: 'string', default: '0.3' },
  json: { type: 'boolean' },
  one: { type: 'string' }, // internal: measure one size in this process
  skip: { type: 'string', default: '' }, // internal: operations not to measure at this size
});
const budgetSeconds = Number(options.budget);

/** Per-call CPU seconds of each operation at one size (NaN, null in JSON: skipped), its heap and sum L_n. */
type SizeReport = Record<string, number>;
/** The entries of a report that are not times. */
const NOT_TIMES = ['heap MB', 'sum L_n'];

/** An operation whose call would take longer at the next size (extrapolated) is skipped there. */
const LONG_CALL_LIMIT_SECONDS = 0.5;
const DNNS = ['alexnet', 'resnet18', 'mobilenetv2', 'sensor-cnn1d'];

function scenarioOf(N: number) {
  return {
    topology: { kind: 'random', devices: N, gateways: Math.ceil(N / 5), aps: Math.ceil(N / 20), seed: 7 },
    devices: { dnn: Array.from({ length: N }, (_, n) => DNNS[n % DNNS.length]!), arrivals: { kind: 'poisson', rate: 2 } },
  } as const;
}

/**
 * CPU seconds per call of `run`, after one untimed call (JIT, a solver's cold start): a second
 * call that takes `budgetSeconds` or more counts alone; otherwise the least per-call time of 3
 * batches, each repeating until a third of the budget has gone by (the least: contention from
 * other processes only ever adds CPU time).
 */
function cpuPerCall(run: () => void): number {
  run();
  const second = cpuSeconds(run);
  if (second >= budgetSeconds) return second;
  let best = Infinity;
  for (let batch = 0; batch < 3; batch++) {
    let calls = 0;
    const start = process.cpuUsage();
    let used = 0;
    do {
      run();
      calls++;
      const spent = process.cpuUsage(start);
      used = (spent.user + spent.system) / 1e6;
    } while (used < budgetSeconds / 3);
    best = Math.min(best, used / calls);
  }
  return best;
}

function cpuSeconds(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / 1e6;
}

async function measureOne(N: number, skip: Set<string>): Promise<SizeReport> {
  await import('../env/envs.ts');
  const { make } = await import('../env/registration.ts');
  const { makeVec } = await import('../env/vector/make-vec.ts');
  const { checkEnv } = await import('../env/env-checker.ts');
  const { agentScenario, createAgent, scriptedAgentNames } = await import('../baselines/create-agent.ts');
  const scenario = scenarioOf(N);
  const report: SizeReport = {};
  const gc = globalThis.gc!;
  const heap = () => {
    gc();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const measure = (name: string, run: () => void) => {
    report[name] = skip.has(name) ? Number.NaN : cpuPerCall(run);
  };

  // the heap an env holds: after a small env's episode (modules, schemas, JIT warmed), before
  // make, then after a whole episode of sampled actions
  const warmUp = make('BDT-small-v0');
  warmUp.reset({ seed: 0 });
  for (let truncated = false; !truncated; ) truncated = warmUp.step(warmUp.actionSpace.sample())[3];
  warmUp.close();
  const heapBefore = heap();
  let env = make('BDT-large-v0', { scenario, infoLevel: 'summary' }).unwrapped as InstanceType<typeof import('../env/bdt/bdt-env.ts').BdtEnv>;
  env.actionSpace.seed(0);
  env.reset({ seed: 0 });
  for (let truncated = false; !truncated; ) truncated = env.step(env.actionSpace.sample())[3];
  report['heap MB'] = (heap() - heapBefore) / 1e6;
  report['sum L_n'] = Array.from(env.system.unitCount).reduce((a, b) => a + b, 0);

  measure('make', () => make('BDT-large-v0', { scenario }));
  measure('reset', () => env.reset({ seed: 1 }));
  for (const infoLevel of ['summary', 'full'] as const) {
    env = make('BDT-large-v0', { scenario, infoLevel }).unwrapped as typeof env;
    env.actionSpace.seed(0);
    const actions = Array.from({ length: 16 }, () => env.actionSpace.sample());
    env.reset({ seed: 0 });
    let i = 0;
    measure(`step ${infoLevel}`, () => {
      if (env.step(actions[i++ & 15]!)[3]) env.reset();
    });
  }
  const vector = makeVec('BDT-large-v0', 8, { kwargs: { scenario } });
  vector.actionSpace.seed(0);
  const vectorAction = vector.actionSpace.sample();
  vector.reset({ seed: 0 });
  measure('makeVec x8 step', () => vector.step(vectorAction));
  vector.close();

  for (const name of scriptedAgentNames) {
    if (name === 'oracle') continue; // exhaustive: exponential in N by design
    // an agent defined on another consensus mechanism (wtcm) acts in its own variant of the env
    env = make('BDT-large-v0', { scenario: agentScenario(name, scenario), infoLevel: 'summary' }).unwrapped as typeof env;
    const agent = await createAgent(name, env);
    agent.reset(0);
    let [obs, info] = env.reset({ seed: 0 });
    measure(`act ${name}`, () => {
      const result = env.step(agent.act(obs, { info, env }));
      [obs, info] = result[3] ? env.reset() : [result[0], result[4]];
    });
  }
  if (!skip.has('act ppo')) {
    const { PpoPolicy } = await import('../agents/ppo/ppo-policy.ts');
    const { PpoAgent } = await import('../agents/policy-agent.ts');
    const { initBackend } = await import('../agents/backend.ts');
    const { makeRng } = await import('../env/core/rng.ts');
    await initBackend('cpu'); // the untrained policy acts in plain JS whatever the backend
    const options = { hidden: [64, 64], activation: 'tanh', initLogStd: 0, normObs: false, clipObs: 10 } as const;
    const agent = new PpoAgent(PpoPolicy.create(env.observationSpace, env.actionSpace, options, makeRng(0)));
    const [obs] = env.reset({ seed: 0 });
    measure('act ppo', () => agent.act(obs));
    agent.dispose();
  } else report['act ppo'] = Number.NaN;
  measure('checkEnv', () => checkEnv(make('BDT-large-v0', { scenario }).unwrapped));
  return report;
}

/** Least-squares slope of log(y) against log(x) over the finite points. */
function logLogSlope(xs: number[], ys: number[]): number {
  const points = xs.map((x, i) => [Math.log(x), Math.log(ys[i]!)] as const).filter(([, y]) => Number.isFinite(y));
  if (points.length < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxy / sxx;
}

/** The parent's Node flags for a size's process: tsx once, by its loader, and --expose-gc. */
function childNodeOptions(): string[] {
  const flags = ['--expose-gc', '--import', import.meta.resolve('tsx')];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^(--import|--require|-r|--loader)$/.test(arg) && argv[i + 1]?.includes('tsx')) i++;
    else if (!/^--(import|require|loader)=.*tsx/.test(arg)) flags.push(arg);
  }
  return flags;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds >= 1) return `${seconds.toPrecision(3)} s`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toPrecision(3)} ms`;
  return `${(seconds * 1e6).toPrecision(3)} us`;
}

if (options.one !== undefined) {
  const report = await measureOne(Number(options.one), new Set(options.skip.split(',').filter((s) => s !== '')));
  process.stderr.write(`N = ${options.one}: ${Object.entries(report).map(([name, value]) => `${name} ${NOT_TIMES.includes(name) ? value.toPrecision(3) : formatSeconds(value)}`).join(', ')}\n`);
  process.stdout.write(JSON.stringify(report));
} else {
  const sizes = options.sizes.split(',').map(Number);
  const reports: SizeReport[] = [];
  for (const N of sizes) {
    // skip what would take over the limit per call, extrapolating from the last two sizes
    const skip = Object.keys(reports.at(-1) ?? {}).filter((name) => !NOT_TIMES.includes(name)).filter((name) => {
      const [a, b] = [reports.at(-2)?.[name], reports.at(-1)![name]!];
      if (!Number.isFinite(b)) return true;
      const slope = a === undefined || !Number.isFinite(a) ? 2 : Math.max(1, Math.log(b / a) / Math.log(N / sizes[reports.length - 1]!) || 1);
      return b * (N / sizes[reports.length - 1]!) ** slope > LONG_CALL_LIMIT_SECONDS;
    });
    const child = spawnSync(process.execPath, [...childNodeOptions(), fileURLToPath(import.meta.url), '--one', String(N), '--skip', skip.join(','), '--budget', options.budget], {
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`size ${N}: its process exited with ${child.status ?? child.signal}`);
    reports.push(JSON.parse(String(child.stdout)) as SizeReport);
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ sizes, reports }, null, 2)}\n`);
  else {
    const names = Object.keys(reports[0]!).filter((name) => name !== 'sum L_n');
    const header = ['N (M, J; sum L_n)', ...sizes.map((N, i) => `${N} (${Math.ceil(N / 5)}, ${Math.ceil(N / 20)}; ${reports[i]!['sum L_n']})`), 'slope'];
    const rows = names.map((name) => {
      const values = reports.map((report) => report[name]!);
      const cells = name === 'heap MB' ? values.map((v) => v.toPrecision(3)) : values.map(formatSeconds);
      return [name, ...cells, logLogSlope(sizes, values).toFixed(2)];
    });
    process.stdout.write(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`);
  }
}
