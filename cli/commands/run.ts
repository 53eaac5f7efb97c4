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
import { constants, isUtf8 } from 'node:buffer';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { KwargsError, issueLines, make, registeredBdtScenarioIds, type Env } from '../../env/index.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { registerBdtScenario } from '../../env/bdt/register-scenario.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';
import type { EpisodeSummary } from '../../env/bdt/episode-metrics.ts';
import { drawTrace, explainTrace, type ExogenousTrace } from '../../env/bdt/exogenous.ts';
import { compileScenario, type CompiledScenario } from '../../env/bdt/scenario/compile.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { FileReadRefusal, FileTooLarge, formatBytes, readFileCapped } from '../../node/capped-read.ts';
import { withoutByteOrderMark } from '../../node/byte-order-mark.ts';
import { mergeDeep, missingSections, parseScenario, ScenarioError } from '../../env/bdt/scenario/parse.ts';
import { CliError, FailureWithNote } from '../errors.ts';
import { examplesHelp, optionWithDefault } from '../help-text.ts';
import { UnknownAgentError, agentEntry, agentNames, agentScenario, createAgent, scriptedAgentNames, type AgentEntry } from '../../baselines/create-agent.ts';
import { AgentEpisodeError, runAgentEpisode } from '../../baselines/harness/run-episode.ts';
import type { Agent } from '../../baselines/agent.ts';
import { SolverAgent, type SolverAgentStats } from '../../baselines/dpra/solver-agent.ts';
import { isLearnedAgent } from '../../agents/learned-agents.ts';
import { checkCheckpointEnv, checkCommittedModel, checkpointInputs } from '../committed-models.ts';
import { bdtEnvOption, checkNotAnInput, checkOutputPath, checkSvgPath, fileInputs, integerOption, jsonObjectOption, sameWrittenFile, scenarioInputs, slotsOption } from '../options.ts';
import { CONFIGS_FALLBACK_HELP, readableConfigPath } from '../package-files.ts';
import { shellQuote } from '../invocation.ts';
import { importHint } from '../user-modules.ts';
import { plural } from '../plural.ts';
import { TrajectoryRecorder, episodeChartSvg } from '../plot/episode-chart.ts';
import { duplicateKeyMessage, firstDuplicateKey } from '../duplicate-json-keys.ts';

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

/**
 * The most JSON a file may hold, in bytes: V8's longest string (2^29 - 24 characters, about
 * 512 MiB), which the file is read into whole and a saved trace is written from.
 */
export const MAX_JSON_BYTES = constants.MAX_STRING_LENGTH;

/**
 * The parsed JSON of `file`, or a CliError saying why not, naming it as `source file` (`source`:
 * the option, `--scenario`, or the command that takes the file); a file over `maxBytes` is refused
 * before it is read (reading it only to fail on V8's string limit took seconds and its size in memory).
 * Only a regular file or a FIFO (a pipe, `<(...)`) is read, the FIFO up to `maxBytes`: a device
 * (/dev/zero) has no size to check and was read until memory ran out.
 */
export function readJsonFile(source: string, file: string, maxBytes = MAX_JSON_BYTES): unknown {
  const tooLarge = (size: string) => new CliError(`${source} ${file}: the file is ${size} bytes, past the ${maxBytes} (${formatBytes(maxBytes)}) of JSON a string can hold (V8's limit): it cannot be read`);
  let bytes: Buffer;
  try {
    // a directory is named as such here, where readFileCapped leaves it to the read's EISDIR
    if (statSync(file).isDirectory()) throw new CliError(`${source} ${file}: not a regular file (a directory)`);
    bytes = readFileCapped(file, maxBytes);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof FileTooLarge) throw tooLarge(error.size);
    if (error instanceof FileReadRefusal) throw new CliError(`${source} ${file}: not a regular file (a device or socket)`);
    throw new CliError(`${source} ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const utf16 = () => new CliError(`${source} ${file}: not UTF-8 text (it looks like UTF-16, as Windows PowerShell's > or Notepad may save it): save it as UTF-8`);
  if (!isUtf8(bytes)) {
    if (looksLikeUtf16(bytes)) throw utf16();
    // decoding would turn each bad byte into U+FFFD without a word: a Latin-1 "é" and "è" in DNN
    // names both became "\uFFFD", so a device naming the wrong one ran the other's DNN
    const at = firstNonUtf8Byte(bytes);
    const line = bytes.subarray(0, at).reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 1);
    throw new CliError(`${source} ${file}: not UTF-8 text (byte 0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')} on line ${line} begins no UTF-8 character; Latin-1 or Windows-1252, as some editors save, writes accented letters so): save it as UTF-8`);
  }
  const text = withoutByteOrderMark(bytes.toString('utf8'));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // UTF-16 without a byte order mark (ASCII with every other byte 0) is valid UTF-8 that JSON.parse refuses
    if (looksLikeUtf16(bytes)) throw utf16();
    throw new CliError(`${source} ${file}: not valid JSON: ${(error as Error).message}`);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) throw new CliError(`${source} ${file}: ${duplicateKeyMessage(duplicate)}`);
  return value;
}

/** UTF-16: a byte order mark FF FE or FE FF, or ASCII with every other byte 0 (Windows PowerShell's `>` saves so). */
function looksLikeUtf16(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.subarray(0, 64).includes(0);
}

/** Offset of the first byte of `bytes` (not UTF-8 as a whole) where no valid UTF-8 character starts. */
function firstNonUtf8Byte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length - 1;
}

/** The JSON object in the file of option `--<option>` (`what` says what it should hold), or a CliError naming what the root is instead. */
export function readJsonObjectFile(source: string, file: string, what: string): object {
  const value = readJsonFile(source, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const root = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value} (${JSON.stringify(value)})`;
    throw new CliError(`${source} ${file}: expected a JSON object (${what}), got ${root}`);
  }
  return value;
}

/** The env named by `--env` or built from `--scenario` (checked as given), with `--slots` applied. */
export function openEnv(options: {
  env?: string | undefined;
  scenario?: string | undefined;
  slots?: number | undefined;
  /** `--scenario-override`: a partial scenario deep-merged first, so `--slots` and `override` win over it. */
  scenarioOverride?: Record<string, unknown> | undefined;
  /** A further partial scenario deep-merged last (e.g. an agent's `scenarioOverride`). */
  override?: Record<string, unknown> | undefined;
  /** How errors name the scenario file's source: `--scenario` (default) or the command that takes it as an argument. */
  scenarioSource?: string | undefined;
}): Env<BdtObservation, BdtAction> {
  if ((options.env === undefined) === (options.scenario === undefined)) throw new CliError('give exactly one of --env <id> and --scenario <file>');
  // --scenario-override checked as given first: --slots or an agent's override (sweep-v's V) merged
  // over it must not hide a bad value in it ("slots": "abc" was written to compare's result)
  if (Object.keys(options.scenarioOverride ?? {}).length > 0 && (options.slots !== undefined || options.override !== undefined)) {
    openEnv({ ...options, slots: undefined, override: undefined }).close();
  }
  const override = mergeDeep(mergeDeep(options.scenarioOverride ?? {}, options.slots === undefined ? {} : { slots: options.slots }), options.override ?? {});
  const scenario = options.scenario === undefined ? undefined : readScenarioFile(options.scenario, options.scenarioSource);
  try {
    if (scenario !== undefined) return new BdtEnv({ scenario: mergeDeep(scenario, override) });
    return make<BdtObservation, BdtAction>(bdtEnvOption(options.env!), { scenario: override });
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError((options.scenario ? inFile(error, options.scenario) : error.message) + (Object.keys(options.scenarioOverride ?? {}).length > 0 ? '\n(with --scenario-override merged in)' : ''));
    throw error;
  }
}

/** Help text of `--scenario`, the same for every command that takes it. */
export const SCENARIO_FILE_HELP = `scenario JSON file (instead of --env); ${CONFIGS_FALLBACK_HELP}`;

/** Help text of `--scenario-override`, the same for every command that takes it. */
export const SCENARIO_OVERRIDE_HELP = 'partial scenario as a JSON object, deep-merged into the scenario as make(id, {scenario}) merges it (e.g. \'{"lyapunov":{"uMin":0.35}}\'); --slots wins over its slots';

/**
 * The scenario in the `--scenario` file `file` (a relative configs/... missing here: the package's,
 * {@link configPath}), checked as given: an override merged in later (--slots 3 over "slots":
 * "many") must not hide a bad value in it. A CliError names the file.
 */
export function readScenarioFile(file: string, source = '--scenario'): object {
  const scenario = readJsonObjectFile(source, readableConfigPath(source, file), 'a scenario, as in configs/');
  try {
    compileScenario(parseScenario(scenario));
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(inFile(error, file) + wholeScenarioHint(scenario));
    throw error;
  }
  return scenario;
}

/**
 * Registers scenario file `file` (checked first by {@link readScenarioFile}, errors naming it) as
 * an env id for this process, the file's scenario its base as configs/default.json is BDT-v0's, so
 * `--slots`, the agents' scenario overrides (compare) and a preset's envKwargs (train) merge into
 * it as into a registered id's.
 */
export function scenarioFileEnvId(file: string): string {
  // an env id has Gymnasium's form (no path separators or spaces); this one is internal, never shown
  const id = `scenario-file:${file.replace(/[^\w:.-]/g, '_')}`;
  const scenario = readScenarioFile(file);
  registerBdtScenario(id, scenario);
  scenarioFileIds.set(id, scenario);
  return id;
}

/** The ids {@link scenarioFileEnvId} registered, with the scenarios read. */
const scenarioFileIds = new Map<string, object>();

/** The env ids of scenario files this process registered and their scenarios, for worker threads to register as well (`compare --jobs`). */
export function scenarioFileRegistrations(): Array<{ readonly id: string; readonly scenario: object }> {
  return [...scenarioFileIds].map(([id, scenario]) => ({ id, scenario }));
}

/** A ScenarioError's message naming the file it came from. */
function inFile(error: ScenarioError, file: string): string {
  return error.message.replace(/^invalid scenario/, `invalid scenario ${file}`);
}

/**
 * A hint when a `--scenario` file lacks sections every scenario has: it is most likely a
 * partial override (as `make(id, {scenario})` takes in code), which a file cannot be alone.
 */
function wholeScenarioHint(scenario: object): string {
  const missing = missingSections(scenario);
  if (missing.length === 0) return '';
  return `\n(a scenario file is a whole scenario, and this one has no ${missing.join(', ')}: copy configs/default.json and change what you need; a partial override such as {"lyapunov": {"V": 50}} is what make('BDT-v0', {scenario: ...}) takes in code)`;
}

/** The registry entry of agent `name`, or a CliError listing the available agents. */
export function agentEntryOrCliError(name: string): AgentEntry {
  try {
    return agentEntry(name);
  } catch (error) {
    if (error instanceof UnknownAgentError) throw new CliError(`--agent: ${error.message}${importHint('agent')}`);
    throw error;
  }
}

/** `createAgent`, with options the agent's schema refuses reported as a CliError naming `--agent-options` (other refusals are GymErrors naming the agent). */
export async function createAgentOrCliError(name: string, env: Env, options: Record<string, unknown>): Promise<Agent> {
  try {
    return await createAgent(name, env, options);
  } catch (error) {
    if (error instanceof KwargsError) throw new CliError(`--agent-options of agent ${name}: ${issueLines(error.issues, error.schema).join('; ')}`);
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run one episode of a B-DT env with an agent and print the episode summary')
    // the B-DT ids registered when the help is built: the built-in ones (--import modules load after it);
    // listed without making any env (making each compiled BDT-large-v0, and ran a user's constructors)
    .option('--env <id>', `registered B-DT env id (${registeredBdtScenarioIds().join(', ')}) (default: BDT-v0)`)
    .option('--scenario <file>', SCENARIO_FILE_HELP)
    .addOption(optionWithDefault('--agent <name>', `agent (${agentNames().join(', ')})`, 'random'))
    .option('--agent-options <json>', 'agent options as a JSON object (e.g. \'{"partition":"best-static"}\' for wdpo)')
    .option('--checkpoint <dir>', 'trained agent (ppo, dqn, ppo-solved, dqn-solved): its run or checkpoint directory; a models/... path not in the working directory is read from the package\'s models/, as by every command (default: the committed models/<agent>-<env>)')
    .addOption(optionWithDefault('--seed <n>', 'seed of the exogenous streams and of the agent (integer)', '0'))
    .option('--slots <n>', "episode length T in slots (default: the scenario's)")
    .option('--scenario-override <json>', SCENARIO_OVERRIDE_HELP)
    .option('--save-trace <file>', "write the episode's exogenous trace (arrivals, fades, budgets, mining draws) as JSON, to replay with --trace; written before the episode runs, so an episode that fails leaves its trace there too (to replay the failure)")
    .option('--trace <file>', 'replay this exogenous trace (from --save-trace or drawTrace) instead of drawing one from --seed, which then seeds the agent only; without --slots (or slots in --scenario-override), it replays the scenario\'s T slots when it holds T slot states or more (an episode of S slots saves S + 1), else the S slots of the episode it was saved from')
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
      if (options.env !== undefined && options.scenario !== undefined) throw new CliError('give one of --env <id> and --scenario <file>, not both');
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

/** Slot states of the trace drawn to estimate the JSON size of a long one. */
const SAMPLE_STATES = 100;

/**
 * What draws the JSON file text of the trace of `seed` on `system`, for `--save-trace file`, or a
 * CliError when it would pass `maxBytes` (MAX_JSON_BYTES: a string could not hold it, nor could
 * --trace read it): at once, before the trace is drawn (gigabytes for millions of slots), when the
 * JSON size per slot state of its first states says so, else when drawn.
 */
export function traceJson(file: string, system: CompiledScenario, seed: number, maxBytes = MAX_JSON_BYTES): () => string {
  const states = system.slots + 1;
  const sampled = Math.min(states, SAMPLE_STATES);
  const sampleBytes = JSON.stringify(drawTrace(system, seed, sampled)).length;
  const bytesPerState = sampleBytes / sampled;
  /** The refusal of a trace of `bytes` (undefined: past V8's limit, size unknown). */
  const tooLong = (bytes: number | undefined): CliError => {
    // a margin for the slots past the sample, whose numbers may print longer
    const fitting = Math.floor((0.98 * maxBytes) / bytesPerState) - 1;
    return new CliError(`--save-trace ${file}: the trace of ${plural(system.slots, 'slot')} on ${system.scenario.name} would be ${bytes === undefined ? `over ${formatBytes(maxBytes)}` : `${sampled < states ? 'about ' : ''}${formatBytes(bytes)}`} of JSON (about ${Math.round(bytesPerState)} bytes a slot), past the ${formatBytes(maxBytes)} a JSON string can hold (V8's limit); give --slots ${fitting} or fewer`);
  };
  // exact when the sample is the whole trace; the 1 is the final newline
  const estimate = Math.round((sampleBytes * states) / sampled) + 1;
  if (estimate > maxBytes) throw tooLong(estimate);
  return () => {
    let text: string;
    try {
      text = `${JSON.stringify(drawTrace(system, seed, states))}\n`;
    } catch (error) {
      // the slots past the sample printed longer than estimated, past V8's limit
      if (error instanceof RangeError) throw tooLong(undefined);
      throw error;
    }
    if (text.length > maxBytes) throw tooLong(text.length);
    return text;
  };
}

/**
 * The episode length to replay `traces` with, when it is not the scenario's T (`scenarioSlots`):
 * without --slots, traces too short for T (run --slots 10 --save-trace saved 11 states), all saved
 * from episodes of S slots, replay S slots; ones of T states or more replay T. A T the override
 * gives is the user's, as --slots is: not replaced.
 */
export function replayedSlots(slots: number | undefined, scenarioOverride: Record<string, unknown>, traces: readonly object[], scenarioSlots: number): number | undefined {
  if (slots !== undefined || 'slots' in scenarioOverride) return undefined;
  const [saved, ...others] = traces.map(savedEpisodeSlots);
  return saved !== undefined && others.every((s) => s === saved) && saved + 1 < scenarioSlots ? saved : undefined;
}

/** The slots of the episode a trace was saved from (T + 1 slot states for T slots), when its length says. */
function savedEpisodeSlots(trace: object): number | undefined {
  const { length } = trace as { length?: unknown };
  return typeof length === 'number' && Number.isSafeInteger(length) && length >= 2 ? length - 1 : undefined;
}

/**
 * `trace`, from file `file` (option `--trace`), checked against `system` before any step, or a
 * CliError saying why not, and which --slots would replay it when only its length is short.
 */
export function checkTraceFile(file: string, trace: object, system: CompiledScenario): ExogenousTrace {
  const why = explainTrace(trace as ExogenousTrace, system, system.slots);
  if (why === undefined) return trace as ExogenousTrace;
  const savedSlots = savedEpisodeSlots(trace);
  const fits = savedSlots !== undefined && savedSlots < system.slots && explainTrace(trace as ExogenousTrace, system, savedSlots) === undefined;
  throw new CliError(`--trace ${file}: cannot be replayed on ${system.scenario.name} for ${plural(system.slots, 'slot')}: ${why}${fits ? `; it holds an episode of ${plural(savedSlots, 'slot')}: give --slots ${savedSlots}` : ''}`);
}

/** The refusal of an empty `--checkpoint`. */
export const CHECKPOINT_DIR_EXPECTED = '--checkpoint: expected a directory (a train run or its checkpoint directory), got ""';

/** `--checkpoint DIR` as the learned agents' `checkpoint` option (refused for scripted agents and when given twice). */
function withCheckpoint(agent: string, agentOptions: Record<string, unknown>, checkpoint: string | undefined): Record<string, unknown> {
  if (checkpoint === undefined) return agentOptions;
  if (checkpoint === '') throw new CliError(CHECKPOINT_DIR_EXPECTED);
  if (scriptedAgentNames.includes(agent)) throw new CliError(`--checkpoint: agent ${agent} is scripted and takes no checkpoint (learned agents: ppo, dqn, ppo-solved, dqn-solved)`);
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
