/**
 * `bdt-gym run`: one episode of a B-DT env with an agent, printing the episode summary.
 *
 *   bdt-gym run --agent dpra                          # BDT-v0, seed 0
 *   bdt-gym run --env BDT-small-v0 --agent random --seed 1 --slots 100 --json
 *   bdt-gym run --scenario configs/small.json --agent random
 *   bdt-gym run --env BDT-v0 --agent ppo --checkpoint runs/ppo-bdt --json
 *   bdt-gym run --env BDT-v0 --agent random --seed 7 --save-trace trace.json   # then replay it:
 *   bdt-gym run --env BDT-v0 --agent dpra --trace trace.json
 *   bdt-gym run --agent dpra --slots 2000 --plot episode.svg                   # reputations, queues, latency over t
 */
import type { Command } from 'commander';
import { registeredBdtScenarioIds } from '../../env/index.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { EpisodeSummary } from '../../env/bdt/episode-metrics.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { CliError, FailureWithNote } from '../errors.ts';
import { examplesHelp, optionWithDefault } from '../help-text.ts';
import { agentNames, agentScenario, scriptedAgentNames } from '../../baselines/create-agent.ts';
import { AgentEpisodeError, runAgentEpisode } from '../../baselines/harness/run-episode.ts';
import { SolverAgent, type SolverAgentStats } from '../../baselines/dpra/solver-agent.ts';
import { isLearnedAgent, LEARNED_AGENT_LIST } from '../../agents/learned-agents.ts';
import { CHECKPOINT_DIR_EXPECTED, checkCheckpointEnv, checkCommittedModel, checkpointInputs } from '../committed-models.ts';
import { bdtEnvOption, checkNotAnInput, checkOutputPath, checkSvgPath, fileInputs, integerOption, jsonObjectOption, sameWrittenFile, scenarioInputs, slotsOption } from '../options.ts';
import { shellQuote } from '../invocation.ts';
import { plural } from '../plural.ts';
import { TrajectoryRecorder, episodeChartSvg } from '../plot/episode-chart.ts';
import { agentEntryOrCliError, createAgentOrCliError } from '../agents-by-name.ts';
import { readJsonObjectFile } from '../json-files.ts';
import { checkEnvOrScenario, openEnv, SCENARIO_FILE_HELP, SCENARIO_OVERRIDE_HELP } from '../scenario-input.ts';
import { checkTraceFile, replayedSlots, traceJson } from '../trace-files.ts';

interface RunOptions {
  env?: string;
  scenario?: string;
  agent: string;
  seed: string;
  slots?: string;
  json?: boolean;
  agentOptions?: string;
  checkpoint?: string;
  trace?: string;
  saveTrace?: string;
  scenarioOverride?: string;
  plot?: string;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run one episode of a B-DT env with an agent and print the episode summary')
    // the B-DT ids registered when the help is built (for --help, after the --import modules: cli/main.ts);
    // listed without making any env (making each compiled BDT-large-v0, and ran a user's constructors)
    .option('--env <id>', `registered B-DT env id (${registeredBdtScenarioIds().join(', ')}) (default: BDT-v0)`)
    .option('--scenario <file>', SCENARIO_FILE_HELP)
    .addOption(optionWithDefault('--agent <name>', `agent (${agentNames().join(', ')})`, 'random'))
    .option('--agent-options <json>', 'agent options as a JSON object (e.g. \'{"partition":"best-static"}\' for wdpo)')
    .option('--checkpoint <dir>', `trained agent (${LEARNED_AGENT_LIST}): its run or checkpoint directory; a models/... path not in the working directory is read from the package\'s models/, as by every command (default: the committed models/<agent>-<env>)`)
    .addOption(optionWithDefault('--seed <n>', 'seed of the exogenous streams and of the agent (integer)', '0'))
    .option('--slots <n>', "episode length T in slots (default: the scenario's)")
    .option('--scenario-override <json>', SCENARIO_OVERRIDE_HELP)
    .option('--save-trace <file>', "write the episode's exogenous trace (arrivals, fades, budgets, mining draws) as JSON, to replay with --trace; written before the episode runs, so an episode that fails leaves its trace there too (to replay the failure)")
    .option('--trace <file>', 'replay this exogenous trace (from --save-trace or drawTrace) instead of drawing one from --seed, which then seeds the agent only; without --slots (or slots in --scenario-override), it replays the scenario\'s T slots when it holds T slot states or more (an episode of S slots saves S + 1), else the S slots of the episode it was saved from; - reads it from stdin')
    .option('--plot <file>', "write an SVG of the episode slot by slot: each AP's time-average reputation against [U^min, U^max] (C6), its virtual queues H_j and G_j, and the latency")
    .option('--json', 'print the summary as one JSON object: env (the id) or scenario (the file), scenarioName, scenarioOverride when given, agent, seed, trace when given, the episode summary (slots, meanLatency, meanReward, avgReputation, c6Violation, energyViolations, meanBacklog, ...) and solver for the agents that solve each slot (dpra, wdpo, wtcm, latency-greedy, all-local, oracle)')
    .addHelpText(
      'after',
      examplesHelp(
        'bdt-gym run --agent dpra --json                       # BDT-v0, seed 0',
        'bdt-gym run --env BDT-small-v0 --agent random --seed 1 --slots 100',
        'bdt-gym run --seed 7 --save-trace trace.json          # then replay it:',
        'bdt-gym run --agent dpra --trace trace.json',
      ),
    )
    .action(async (options: RunOptions) => {
      checkEnvOrScenario(options);
      // resolved once (`BDT` is BDT-v0, with one warning): the committed model, the JSON and the messages name that id
      const envId = options.scenario === undefined ? bdtEnvOption(options.env ?? 'BDT-v0') : undefined;
      const seed = integerOption('seed', options.seed, 0);
      const slots = options.slots === undefined ? undefined : slotsOption(options.slots);
      if (options.saveTrace !== undefined && options.trace !== undefined) throw new CliError('--save-trace and --trace: the replayed trace is already in a file; give one of them');
      checkOutputPath('save-trace', options.saveTrace);
      checkSvgPath('plot', options.plot);
      if (options.plot !== undefined && options.saveTrace !== undefined && sameWrittenFile(options.plot, options.saveTrace)) throw new CliError('--plot and --save-trace name the same file; give each its own');
      const entry = agentEntryOrCliError(options.agent);
      const agentOptions = withCheckpoint(options.agent, jsonObjectOption('agent-options', options.agentOptions), options.checkpoint);
      // the files this command reads (--trace excludes --save-trace, refused above)
      const inputs = [
        ...scenarioInputs(options.scenario),
        ...fileInputs('--trace', options.trace),
        ...checkpointInputs('--agent', options.agent, agentOptions['checkpoint'], options.checkpoint === undefined ? '--agent-options checkpoint' : '--checkpoint', envId),
      ];
      checkNotAnInput('save-trace', options.saveTrace, inputs);
      checkNotAnInput('plot', options.plot, inputs);
      checkCommittedModel('--agent', options.agent, envId, 'checkpoint' in agentOptions, '--checkpoint DIR (a train run or its checkpoint directory)');
      const traceInput = options.trace === undefined ? undefined : readJsonObjectFile('--trace', options.trace, 'a trace from --save-trace');
      const scenarioOverride = jsonObjectOption('scenario-override', options.scenarioOverride);
      // Agents defined on a scenario variant (WTCM: plain PoW) run on that variant, which the
      // override may not contradict
      agentScenario(options.agent, scenarioOverride);
      const open = (episodeSlots: number | undefined) => openEnv({ env: envId, scenario: options.scenario, slots: episodeSlots, scenarioOverride, override: entry.scenarioOverride });
      let env = open(slots);
      const replayed = traceInput === undefined ? undefined : replayedSlots(slots, scenarioOverride, [traceInput], (env.unwrapped as BdtEnv).system.slots);
      if (replayed !== undefined) {
        env.close();
        env = open(replayed);
      }
      const system = (env.unwrapped as BdtEnv).system;
      const trace = traceInput === undefined ? undefined : checkTraceFile(options.trace!, traceInput, system);
      // the trace reset({seed}) draws (the exogenous streams do not depend on the actions): its
      // size checked before the agent is created, and drawn after (bad --agent-options are refused first)
      const drawSavedTrace = options.saveTrace === undefined ? undefined : traceJson(options.saveTrace, system, seed);
      const checkpoint = agentOptions['checkpoint'];
      if (envId !== undefined && isLearnedAgent(options.agent) && typeof checkpoint === 'string') {
        checkCheckpointEnv(`${options.checkpoint === undefined ? '--agent-options checkpoint' : '--checkpoint'} ${checkpoint}`, checkpoint, envId, env, 'run', 'run');
      }
      const agent = await createAgentOrCliError(options.agent, env, agentOptions);
      // the recorder outermost: the agent sees the env it was made for, the episode's slots are kept
      const recorder = options.plot === undefined ? undefined : new TrajectoryRecorder(env);
      if (drawSavedTrace !== undefined) writeFileAtomic(options.saveTrace!, drawSavedTrace());
      let summary: EpisodeSummary;
      try {
        summary = runAgentEpisode(options.agent, recorder ?? env, agent, seed, trace === undefined ? undefined : { trace });
      } catch (error) {
        // the trace was written before the episode (it does not depend on the actions): it replays the failing one
        if (options.saveTrace === undefined || !(error instanceof AgentEpisodeError)) throw error;
        throw new FailureWithNote(error, `the episode's trace was saved to ${options.saveTrace}: to replay the failing episode, give --trace ${shellQuote(options.saveTrace)} in place of --save-trace`);
      }
      // Solver agents report the slots they could only solve to least violation.
      const solverStats = agent instanceof SolverAgent ? { solver: { ...agent.stats } } : {};
      agent.dispose?.();
      // keyed as compare's results: `env` an id, `scenario` a file, the scenario's own name apart
      const result = { ...(envId === undefined ? { scenario: options.scenario! } : { env: envId }), scenarioName: system.scenario.name, ...(Object.keys(scenarioOverride).length > 0 ? { scenarioOverride } : {}), agent: options.agent, seed, ...(options.trace ? { trace: options.trace } : {}), ...summary, ...solverStats };
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(formatSummary(result, system.reward.latencyCap));
      // written before the episode; said after the summary, as the plot is (--json keeps stdout one JSON line)
      if (options.saveTrace !== undefined && !options.json) process.stdout.write(`  trace: ${options.saveTrace}\n`);
      // after the summary is out: a plot write that fails (a full disk) does not lose it
      if (recorder !== undefined) {
        const title = `${options.agent} on ${envId ?? options.scenario}, seed ${seed}, ${plural(recorder.trajectory.length, 'slot')}`;
        writeFileAtomic(options.plot!, await episodeChartSvg(title, recorder.trajectory, system.uMin, system.uMax));
        if (!options.json) process.stdout.write(`  plot: ${options.plot}\n`);
      }
      env.close();
    });
}

/** `--checkpoint DIR` as the learned agents' `checkpoint` option (refused for scripted agents and when given twice). */
function withCheckpoint(agent: string, agentOptions: Record<string, unknown>, checkpoint: string | undefined): Record<string, unknown> {
  if (checkpoint === undefined) return agentOptions;
  if (checkpoint === '') throw new CliError(CHECKPOINT_DIR_EXPECTED);
  if (scriptedAgentNames.includes(agent)) throw new CliError(`--checkpoint: agent ${agent} is scripted and takes no checkpoint (learned agents: ${LEARNED_AGENT_LIST})`);
  if ('checkpoint' in agentOptions) throw new CliError('--checkpoint: also given in --agent-options; give it once');
  return { ...agentOptions, checkpoint };
}

/** What `run` prints: the episode's summary and what it was run with. */
type RunResult = EpisodeSummary & { env?: string; scenario?: string; scenarioName: string; scenarioOverride?: Record<string, unknown>; agent: string; seed: number; trace?: string; solver?: SolverAgentStats };

/** `result` as text lines; `latencyCap`, the scenario's reward.latencyCap (s), the most a slot's latency is charged. */
function formatSummary(result: RunResult, latencyCap: number): string {
  const u = result.avgReputation.map((x) => x.toFixed(3)).join(', ');
  const parts = `inference ${result.meanInferenceLatency.toFixed(4)}, block ${result.meanBlockTime.toFixed(4)}`;
  return [
    `${result.env ?? result.scenario} (${result.scenarioName}${result.scenarioOverride ? ', overridden' : ''}), agent ${result.agent}, ${result.trace ? `trace ${String(result.trace)}, agent seed ${result.seed}` : `seed ${result.seed}`}, ${plural(result.slots, 'slot')}`,
    // the mean charges a capped slot the cap, its parts the latency itself: said, or they seem not to add up
    `  mean latency      ${result.meanLatency.toFixed(4)} s (${result.cappedSlots === 0 ? `${parts}; 0 capped` : `uncapped: ${parts}; ${plural(result.cappedSlots, 'slot')} capped at ${latencyCap} s`})`,
    `  mean reward       ${result.meanReward.toFixed(4)}`,
    `  avg reputation    [${u}]  C6 violation ${result.c6Violation.toFixed(4)}`,
    `  energy violations ${result.energyViolations} (excess ${result.energyExcess.toFixed(2)} J)`,
    `  mean backlog      ${result.meanBacklog.toFixed(3)}`,
    ...(result.solver ? [`  solver            ${formatSolverStats(result.solver)}`] : []),
    '',
  ].join('\n');
}

function formatSolverStats(stats: SolverAgentStats): string {
  // two lines: one was 118 columns
  return `${stats.infeasibleSlots} of ${plural(stats.slots, 'slot')} solved to least violation\n${' '.repeat(20)}(C4 impossible on some gateway: ${stats.gatewayBudgetSlots}; AP budgets relaxed: ${stats.apBudgetRelaxedSlots})`;
}
