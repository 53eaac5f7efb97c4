/**
 * `bdt-gym sweep-v`: the [O(1/V), O(V)] trade-off. For each V, the agent runs the given seeds (the same
 * exogenous traces for every V: the trace depends on the seed only); per V the time-average
 * latency, time-average backlog sum_j (H_j + G_j) and C6 violation, averaged over seeds. The
 * latency-greedy policy (V -> infinity) on the same seeds gives the level latency should approach.
 *
 *   bdt-gym sweep-v --agent dpra --v 0.1,1,10,100 --seeds 1,2,3 --slots 500 --json --plot sweep.svg
 *   bdt-gym sweep-v --scenario-override '{"lyapunov":{"uMin":0.35}}'   # every V on that scenario
 */
import type { Command } from 'commander';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';
import { make, type Env } from '../../env/index.ts';
import { agentScenario } from '../../baselines/create-agent.ts';
import { runAgentEpisode } from '../../baselines/harness/run-episode.ts';
import type { EpisodeSummary } from '../../env/bdt/episode-metrics.ts';
import { runsInWorkers } from '../sweep-v-workers.ts';
import { formatMeanInterval, meanInterval } from '../../baselines/harness/statistics.ts';
import { CliError } from '../errors.ts';
import { examplesHelp, optionWithDefault } from '../help-text.ts';
import { sweepVChartSvg } from '../plot/sweep-v-chart.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { agentEntryOrCliError, createAgentOrCliError } from '../agents-by-name.ts';
import { checkEnvOrScenario, openEnv, SCENARIO_FILE_HELP, SCENARIO_OVERRIDE_HELP } from '../scenario-input.ts';
import { checkCheckpointEnvs, checkCommittedModel, checkpointInputs } from '../committed-models.ts';
import { LIMIT } from '../../env/bdt/scenario/limits.ts';
import { bdtEnvOption, checkNotAnInput, checkSvgPath, integerList, integerOption, integerRanges, jsonObjectOption, numberList, scenarioInputs, slotsOption } from '../options.ts';
import { plural } from '../plural.ts';
import { importedModules, type ImportedModule } from '../user-modules.ts';

/** One point of the sweep (the JSON output's `points`): means over the seeds, with their 95% CI half-widths (NaN, null in JSON, for one seed), and each seed's values. */
export interface SweepPoint {
  v: number;
  meanLatency: number;
  meanBacklog: number;
  c6Violation: number;
  latencyHalfWidth: number;
  backlogHalfWidth: number;
  c6ViolationHalfWidth: number;
  /** The episode of each seed, in the order of the seeds: what the means and intervals are of. */
  episodes: SweepEpisode[];
}

/** One seed's episode at a point: its time-average latency and backlog and its C6 violation (as compare's episodes' summaries). */
export interface SweepEpisode {
  seed: number;
  meanLatency: number;
  meanBacklog: number;
  c6Violation: number;
}

/** What each point's mean and half-width are, for a reader of `--json`. */
const SWEEP_INTERVAL = "mean ± ...HalfWidth (meanLatency ± latencyHalfWidth, ...) is the 95% Student-t confidence interval of the mean over the seeds' traces (n - 1 degrees of freedom), one episode per seed; the half-widths null with one seed";

export interface SweepSpec {
  agent: string;
  vs: readonly number[];
  /** Trace seeds, one episode each per V (as `compare --seeds`). */
  seeds: readonly number[];
  slots?: number | undefined;
  env?: string | undefined;
  scenario?: string | undefined;
  /** A partial scenario deep-merged into every point's (and the reference's); the swept V wins over its lyapunov.V. */
  scenarioOverride?: Record<string, unknown>;
  agentOptions?: Record<string, unknown>;
}

/** The env agent `agentName` plays in the sweep: the spec's scenario with `override` (a point's V) and the agent's own scenario merged last. */
function openSweepEnv(spec: SweepSpec, agentName: string, override: Record<string, unknown>): Env<BdtObservation, BdtAction> {
  agentEntryOrCliError(agentName); // an unknown name as a CliError listing the agents
  return openEnv({ env: spec.env, scenario: spec.scenario, slots: spec.slots, scenarioOverride: spec.scenarioOverride, override: agentScenario(agentName, override) });
}

/** One agent's episodes for the sweep: `agentName` with its options in its scenario with `override` (a point's V, or the reference's). */
export interface SweepRun {
  readonly agent: string;
  readonly override: Record<string, unknown>;
  readonly agentOptions: Record<string, unknown>;
}

/** Agents whose options latency-greedy takes too (DPRA's), so the reference mirrors them. */
const DPRA_OPTION_AGENTS = new Set(['dpra', 'wtcm']);

/**
 * The sweep's runs: one per V, then the latency-greedy reference on the same seeds, in the swept
 * agent's scenario (WTCM's plain PoW) and, for a DPRA-like agent, with its options.
 */
function sweepRuns(spec: SweepSpec): SweepRun[] {
  const agentOptions = spec.agentOptions ?? {};
  const greedyScenario = agentEntryOrCliError(spec.agent).scenarioOverride ?? {};
  return [
    ...spec.vs.map((v) => ({ agent: spec.agent, override: { lyapunov: { V: v } }, agentOptions })),
    { agent: 'latency-greedy', override: greedyScenario, agentOptions: DPRA_OPTION_AGENTS.has(spec.agent) ? agentOptions : {} },
  ];
}

/** The episodes of `run` on `seeds`, one agent playing them in turn. */
export async function runEpisodes(spec: SweepSpec, run: SweepRun, seeds: readonly number[]): Promise<EpisodeSummary[]> {
  const env = openSweepEnv(spec, run.agent, run.override);
  try {
    const agent = await createAgentOrCliError(run.agent, env, run.agentOptions);
    try {
      return seeds.map((seed) => runAgentEpisode(run.agent, env, agent, seed));
    } finally {
      agent.dispose?.();
    }
  } finally {
    env.close();
  }
}

/** A point's figures from its episodes, one per seed in the order of `seeds`. */
function pointOf(seeds: readonly number[], summaries: readonly EpisodeSummary[]): Omit<SweepPoint, 'v'> {
  const episodes = summaries.map(({ meanLatency, meanBacklog, c6Violation }, i) => ({ seed: seeds[i]!, meanLatency, meanBacklog, c6Violation }));
  // compare's statistics, so a point equals compare's row for the same episodes to the last digit
  const latency = meanInterval(episodes.map((e) => e.meanLatency));
  const backlog = meanInterval(episodes.map((e) => e.meanBacklog));
  const c6 = meanInterval(episodes.map((e) => e.c6Violation));
  return {
    meanLatency: latency.mean,
    meanBacklog: backlog.mean,
    c6Violation: c6.mean,
    latencyHalfWidth: latency.halfWidth,
    backlogHalfWidth: backlog.halfWidth,
    c6ViolationHalfWidth: c6.halfWidth,
    episodes,
  };
}

/**
 * The sweep: one point per V, plus the latency-greedy reference on the same seeds (`sweepRuns`);
 * with `jobs` > 1, their episodes on that many worker threads (sweep-v-workers.ts), which give the
 * same episodes. `modules` are the modules the workers import first (`--import`'s).
 */
export async function sweepV(spec: SweepSpec, jobs = 1, modules: readonly ImportedModule[] = []): Promise<{ points: SweepPoint[]; greedy: Omit<SweepPoint, 'v'> }> {
  const runs = sweepRuns(spec);
  // only the reference plays the override's own lyapunov.V: a bad one is refused before the sweep, not after it
  openSweepEnv(spec, 'latency-greedy', runs.at(-1)!.override).close();
  const summaries: EpisodeSummary[][] = [];
  if (jobs > 1) summaries.push(...(await runsInWorkers(spec, runs, jobs, modules)));
  else for (const run of runs) summaries.push(await runEpisodes(spec, run, spec.seeds));
  const points = spec.vs.map((v, i) => ({ v, ...pointOf(spec.seeds, summaries[i]!) }));
  return { points, greedy: pointOf(spec.seeds, summaries.at(-1)!) };
}

interface SweepCliOptions {
  agent: string;
  v: string;
  seeds: string;
  slots?: string;
  env?: string;
  scenario?: string;
  agentOptions?: string;
  scenarioOverride?: string;
  json?: boolean;
  plot?: string;
  jobs?: string;
}

export function register(program: Command): void {
  program
    .command('sweep-v')
    .description('latency and queue backlog against the Lyapunov weight V (the [O(1/V), O(V)] trade-off), on the same traces for every V')
    .addOption(optionWithDefault('--agent <name>', 'agent whose V is swept', 'dpra'))
    .addOption(optionWithDefault('--v <list>', 'comma-separated values of V', '0.1,1,10,100'))
    .addOption(optionWithDefault('--seeds <list>', 'comma-separated trace seeds and ranges of them (1,4-13), one episode per V each (as compare)', '1,2,3'))
    .option('--slots <t>', "slots per episode (default: the scenario's)")
    .option('--env <id>', 'registered env id (default: BDT-v0)')
    .option('--scenario <file>', SCENARIO_FILE_HELP)
    .option('--agent-options <json>', 'agent options as a JSON object')
    .option('--scenario-override <json>', `${SCENARIO_OVERRIDE_HELP}; each swept V wins over its lyapunov.V`)
    .option('--json', 'print the sweep as JSON: {n (seeds), interval (what the half-widths are), scenarioOverride (when given), points}, each point {v, meanLatency, meanBacklog, c6Violation} with the 95% CI half-widths latencyHalfWidth, backlogHalfWidth, c6ViolationHalfWidth (null for one seed) and its per-seed values (episodes: {seed, meanLatency, meanBacklog, c6Violation})')
    .option('--plot <file>', 'write an SVG plot of latency, backlog and C6 violation against V')
    .option('--jobs <n>', "play the episodes (every V's on every seed, and the reference's) on n worker threads at once (default: 1, this thread): the same results, bit for bit; each thread builds its own agents")
    .addHelpText(
      'after',
      examplesHelp(
        'bdt-gym sweep-v --v 0.1,1,10,100,1000 --seeds 1,2,3 --plot sweep-v.svg',
        'bdt-gym sweep-v --env BDT-small-v0 --seeds 1-5 --jobs 2 --json',
        'bdt-gym sweep-v --agent wtcm --v 1,10 --slots 500',
        `bdt-gym sweep-v --scenario-override '{"lyapunov":{"uMin":0.35}}'`,
      ),
    )
    .action(async (options: SweepCliOptions) => {
      checkEnvOrScenario(options);
      checkSvgPath('plot', options.plot);
      const seeds = integerList('seeds', options.seeds, 0);
      const vs = vList(options.v);
      if (options.plot !== undefined && vs.includes(0)) throw new CliError(`--plot: the plot's V axis is logarithmic, where V = 0 has no place; leave 0 out of --v for the plot (the table and --json take it)`);
      const slots = options.slots === undefined ? undefined : slotsOption(options.slots);
      const jobs = options.jobs === undefined ? 1 : integerOption('jobs', options.jobs, 1);
      const spec: SweepSpec = {
        agent: options.agent,
        vs,
        seeds,
        slots,
        // resolved once (`BDT` is BDT-v0, with one warning, not one an episode), as run does
        env: options.scenario === undefined ? bdtEnvOption(options.env ?? 'BDT-v0') : undefined,
        scenario: options.scenario,
        scenarioOverride: jsonObjectOption('scenario-override', options.scenarioOverride),
        agentOptions: jsonObjectOption('agent-options', options.agentOptions),
      };
      // the agent's own scenario (WTCM's plain PoW), which the override may not contradict, as in run
      agentEntryOrCliError(spec.agent);
      agentScenario(spec.agent, spec.scenarioOverride);
      if ((spec.scenarioOverride?.['lyapunov'] as Record<string, unknown> | undefined)?.['V'] !== undefined) process.stderr.write('bdt-gym: note: --scenario-override sets lyapunov.V, which each swept V of --v replaces\n');
      checkCommittedModel('--agent', spec.agent, spec.env, 'checkpoint' in (spec.agentOptions ?? {}), `--agent-options '{"checkpoint":"DIR"}' (a train run or its checkpoint directory)`);
      checkNotAnInput('plot', options.plot, [...scenarioInputs(spec.scenario), ...checkpointInputs('--agent', spec.agent, spec.agentOptions?.['checkpoint'], '--agent-options checkpoint', spec.env)]);
      checkSweptCheckpointEnv(spec);
      const { points, greedy } = await sweepV(spec, jobs, importedModules());
      const same = (p: SweepPoint) => p.meanLatency === points[0]!.meanLatency && p.meanBacklog === points[0]!.meanBacklog && p.c6Violation === points[0]!.c6Violation;
      if (points.length > 1 && points.every(same)) process.stderr.write(`bdt-gym: note: agent ${spec.agent} played the same episodes for every V: ${sameEpisodesReason(spec)}\n`);
      // the results first: a plot write that fails (a full disk) does not lose the sweep
      process.stdout.write(options.json ? `${JSON.stringify(sweepJson(spec, points))}\n` : formatTable(spec, points, greedy));
      if (options.plot) {
        writeFileAtomic(options.plot, await sweepVChartSvg(spec.agent, points, greedy));
        // only once it is there: a write that failed said so on stderr
        if (!options.json) process.stdout.write(`  plot: ${options.plot}\n`);
      }
    });
}

/** A checkpoint trained on another env id than the swept --env refused in one line with the --env to give, as run and compare refuse it. */
function checkSweptCheckpointEnv(spec: SweepSpec): void {
  const checkpoint = spec.agentOptions?.['checkpoint'];
  const { env } = spec;
  if (env === undefined || typeof checkpoint !== 'string') return;
  checkCheckpointEnvs([{ option: `--agent-options checkpoint ${checkpoint}`, dir: checkpoint }], env, () => make(env, { scenario: spec.scenarioOverride ?? {} }, { disableEnvChecker: true }), 'swept', 'sweep-v');
}

/** The sweep as --json prints it: the number of seeds and what the intervals are, stated once, the --scenario-override every point was played under when one was given (as run and compare record it), the points. */
function sweepJson(spec: SweepSpec, points: readonly SweepPoint[]): object {
  const scenarioOverride = spec.scenarioOverride ?? {};
  return { n: spec.seeds.length, interval: SWEEP_INTERVAL, ...(Object.keys(scenarioOverride).length === 0 ? {} : { scenarioOverride }), points };
}

/** `--v`: distinct values of V that a scenario takes (0 to LIMIT.V), or a CliError naming the option and the value. */
function vList(value: string): number[] {
  const vs = numberList('v', value, (v) => v >= 0, 'a number >= 0');
  const tooBig = vs.findIndex((v) => v > LIMIT.V);
  if (tooBig >= 0) throw new CliError(`--v: expected a number from 0 to ${LIMIT.V} (the largest V a scenario takes), got ${JSON.stringify(value.split(',')[tooBig]!.trim())}`);
  return vs;
}

/** Agents that decide with V (they minimise drift-plus-penalty), and agents that do not. */
const V_AGENTS = new Set(['dpra', 'wdpo', 'wtcm', 'oracle']);
// the -solved agents' DPRA shares are solved for a fixed partition, where V ranks nothing (as
// WDPO's), unless they weigh several partitions (option candidates), which Psi ranks with V
const V_BLIND_AGENTS = new Set(['latency-greedy', 'all-local', 'random', 'ppo', 'dqn', 'ppo-solved', 'dqn-solved']);

/** Why `spec.agent` played the same episodes for every V (an agent of the user's may be either kind). */
function sameEpisodesReason(spec: SweepSpec): string {
  const { agent } = spec;
  const identical = 'the Vs gave identical decisions on these traces (try a wider range of V or longer episodes)';
  const partition = spec.agentOptions?.['partition'] ?? 'middle';
  // U depends on the partition alone, so over the frequencies Psi = V tau + a constant: V ranks nothing
  if (agent === 'wdpo' && partition !== 'best-static') {
    return `its partition is fixed (${partition === 'middle' ? 'the middle cut' : 'the given one'}), and with a fixed partition V cannot change its decisions: Psi over the frequencies is V tau + a constant; only --agent-options '{"partition":"best-static"}' chooses the partition with V`;
  }
  if (V_AGENTS.has(agent) || Number(spec.agentOptions?.['candidates'] ?? 1) > 1) return identical;
  if (V_BLIND_AGENTS.has(agent)) return 'it does not decide with V (dpra does)';
  return `either it does not decide with V or ${identical}`;
}

/** The sweep as a table, with the latency-greedy reference. */
function formatTable(spec: SweepSpec, points: readonly SweepPoint[], greedy: Omit<SweepPoint, 'v'>): string {
  const cells = points.map((p) => [
    String(p.v), // V as given: 4 significant digits printed 1000 and 1000.4 alike
    formatMeanInterval({ mean: p.meanLatency, halfWidth: p.latencyHalfWidth }, 4),
    formatMeanInterval({ mean: p.meanBacklog, halfWidth: p.backlogHalfWidth }, 2),
    formatMeanInterval({ mean: p.c6Violation, halfWidth: p.c6ViolationHalfWidth }, 4),
  ]);
  const header = ['V', 'latency (s)', 'backlog', 'C6 violation'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => row.map((c, i) => c.padStart(widths[i]!)).join('   ');
  const overridden = Object.keys(spec.scenarioOverride ?? {}).length > 0 ? ' (overridden)' : '';
  const lines = [`sweep-v: ${spec.agent} on ${spec.scenario ?? spec.env}${overridden}, seeds ${integerRanges(spec.seeds)}${spec.slots ? `, ${plural(spec.slots, 'slot')}` : ''}${spec.seeds.length > 1 ? ' (mean ± 95% CI over the seeds)' : ''}`, line(header), ...cells.map(line)];
  lines.push(`  latency-greedy: latency ${greedy.meanLatency.toFixed(4)} s, C6 violation ${greedy.c6Violation.toFixed(4)}`);
  return `${lines.join('\n')}\n`;
}
