/**
 * `bdt-gym train`: train a learned agent (PPO or DQN) on a registered env, writing metrics as JSON
 * lines and a checkpoint to the run directory, then evaluating the deterministic policy.
 *
 *   bdt-gym train --agent ppo --env CartPole-v1 --steps 100000 --seed 1 --out runs/ppo-cartpole \
 *     --preset configs/agents/ppo-cartpole.json --json
 *
 * Run directory: `metrics.jsonl` (one `{"step": n, "<tag>": value, ...}` per line, CleanRL's
 * tags), `checkpoint/` (see agents/checkpoint), `summary.json`. With `--json` the last line of
 * stdout is the summary `{agent, env, steps, seed, backend, sps, meanReturnLast20, evalReturn, evalReturns, ..., provenance}`.
 * Its `provenance` (cli/package-info.ts, as `compare --out` records it: bdt-gym's version and
 * commit, the runtime) is the session's that wrote it, which each checkpoint's manifest records
 * too. `--no-timing` leaves out the wall-clock fields (the summary's `sps`, `trainSeconds`,
 * `periodicEvalSeconds`; metrics.jsonl's `charts/SPS`), so two runs of the same seed write
 * byte-identical summary.json and metrics.jsonl (with the same --out as given: the summary names
 * the checkpoint by it).
 *
 * `--scenario-override '<json>'` (B-DT envs) deep-merges a partial scenario into the training env's,
 * as `run` and `compare` do; the summary's `envKwargs` record it, so `evaluate` and `--resume` use it
 * (a run without summary.json resumes on the scenario its checkpoint's manifest records; a new run
 * writes one before training, so its checkpoint never goes without one).
 *
 * `--scenario FILE` (B-DT envs) trains on a scenario file, read and checked as `run --scenario`
 * reads it, in place of the env's own scenario: the preset's envKwargs.scenario is merged over it,
 * then --scenario-override. The envKwargs record the resolved scenario whole, under the env's id
 * (--env, the preset's, else BDT-v0), so `evaluate` and `--resume` need neither the file nor an
 * --import, and `compare --scenario FILE --checkpoint` no --import; a --resume takes only the
 * file the run trained on.
 *
 * `--hyperparameters '<json>'` merges hyperparameters over the preset's (not totalTimesteps: the
 * budget is --steps); the checkpoint's manifest records the merged set, and --resume takes only its values.
 *
 * With `--eval-freq N` (or a preset's `periodicEvaluation`) the policy is also evaluated every N
 * env steps on a separate env (`eval/mean_reward`, `eval/mean_ep_length` in metrics.jsonl), the
 * best one is saved to `best/` (same checkpoint format), and the summary gains `bestEvalReturn`
 * and `bestEvalStep`.
 *
 * Progress goes to stderr: a bar on a terminal; elsewhere (CI, a log file) a plain line at each
 * tenth of the run's steps (step, mean return of the last 20 training episodes, steps/s); neither
 * with `--json`.
 *
 * One train at a time in a run directory: a session holds `<out>/.lock` (cli/run-lock.ts) from
 * before it reads or writes anything in `--out` to its end, and a second is refused.
 *
 * Bad input loses nothing: the preset, hyperparameters, env, seeds, step budget and `--out` are
 * all checked before the run directory is touched (a new run's missing `--out` is made for the
 * lock, and removed again when a later check refuses the run). A new run needs a missing or empty
 * `--out` (an existing run is continued with `--resume`, never overwritten); a run that fails
 * (training diverged, a file could not be written) before a periodic checkpoint leaves `--out` as
 * it found it, and says so: a new run's directory is removed (its best/ too), a resumed run's
 * metrics.jsonl gets back every byte it had (the records a killed session left past the
 * checkpoint, which a resume cuts, included) and its best evaluation, and its checkpoint and
 * summary.json are only replaced (atomically) by a periodic checkpoint or when the run succeeds.
 *
 * `--checkpoint-freq N` (default 100000) saves the checkpoint and summary.json every N env steps,
 * so a run killed without saving (kill -9, out of memory, power loss) resumes from the last one;
 * after one, a run that fails is kept as it left it. A best/ save that fails is only warned about.
 *
 * Ctrl-C, SIGTERM or SIGHUP, or a reader of its output that went away (a closed pipe, a hung-up
 * terminal), stops training after the current update and saves a resumable checkpoint (exit 130 /
 * 143 / 129 / 141), skipping or cutting the final evaluation (cli/training-interrupt.ts).
 */
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import * as z from 'zod';
import { BACKENDS } from '../../agents/backend.ts';
import { isLearnedAgent, LEARNED_AGENTS } from '../../agents/learned-agents.ts';
import { agentNames, scriptedAgentNames } from '../../baselines/create-agent.ts';
import { CheckpointError } from '../../agents/checkpoint/checkpoint.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { metricRecordToJsonLine, type MetricRecord } from '../../agents/metrics.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PeriodicEvaluationSchema, type PeriodicEvaluation } from '../../agents/run/periodic-evaluation.ts';
import { AgentPresetSchema, type AgentPreset } from '../../agents/run/preset.ts';
import { stepsPerCall } from '../../agents/steps-per-call.ts';
import { CHECKPOINT_SUBDIR, DEFAULT_CHECKPOINT_FREQ, resumedRunManifest, resumeManifest, trainRun, type TrainSummary } from '../../agents/run/train-run.ts';
import { BEST_SUBDIR, METRICS_FILE, SUMMARY_FILE } from '../../agents/checkpoint/checkpoint-dir.ts';
import { MANIFEST_FILE, withArticle, type CheckpointManifest } from '../../agents/checkpoint/manifest.ts';
import { sessionSeedsProblem } from '../../agents/training-seeds.ts';
import { TrainingDivergedError } from '../../agents/training-diverged.ts';
import { isWholeScenario, mergeDeep } from '../../env/bdt/scenario/parse.ts';
import { issueLines, registeredBdtScenarioIds, spec } from '../../env/index.ts';
import { trainingMustHaveLogged } from '../../agents/metrics.ts';
import { closestName, didYouMean } from '../../env/core/closest-name.ts';
import { CliError, FailureWithNote, issuesUnder } from '../errors.ts';
import { examplesHelp, optionWithDefault, requiredOption } from '../help-text.ts';
import { resolvedScenario, runEnvKwargs, wholeScenarioLabel, type RunEnvKwargs } from '../run-summary.ts';
import { catchTrainingInterrupt } from '../training-interrupt.ts';
import { lockRun, type RunLock } from '../run-lock.ts';
import { readJsonFile, STDIN_HELP } from '../json-files.ts';
import { scenarioFileEnvId } from '../scenario-input.ts';
import { leafChanges, shownChanges } from '../scenario-changes.ts';
import { checkOut, openOut } from '../train-out-directory.ts';
import { CONFIGS_FALLBACK_HELP, readableConfigPath } from '../package-files.ts';
import { FileWriteError, writeFileAtomic } from '../../node/atomic-write.ts';
import { EventFileWriter } from '../../node/tfevents.ts';
import { runProvenance } from '../package-info.ts';
import type { RunProvenance } from '../../agents/checkpoint/manifest.ts';
import { cliInvocation, shellQuote } from '../invocation.ts';
import { backendOption, integerOption, isBdtIdOrCliError, jsonObjectOption, makeOrCliError, NOT_STDOUT, registeredEnvOption, type EnvKwargsSource } from '../options.ts';
import { plural } from '../plural.ts';
import { drawsProgressBar } from '../progress-bar.ts';

interface TrainOptions {
  agent?: string;
  env?: string;
  steps?: string;
  seed: string;
  out: string;
  json?: boolean;
  backend?: string;
  preset?: string;
  resume?: boolean;
  evalEpisodes: string;
  evalFreq?: string;
  periodicEvalEpisodes?: string;
  checkpointFreq: string;
  tensorboard?: boolean;
  scenarioOverride?: string;
  scenario?: string;
  hyperparameters?: string;
  /** false with --no-timing. */
  timing: boolean;
}

const AGENTS = ['ppo', 'dqn'] as const;

function readPreset(file: string): AgentPreset {
  const input = readJsonFile('--preset', readableConfigPath('--preset', file));
  const parsed = AgentPresetSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new CliError(`--preset ${file}: ${issueLines(parsed.error.issues, AgentPresetSchema, input).join('; ')}`);
  return parsed.data;
}

/** `read()`, a CheckpointError reported as a CliError. */
function cliCheckpointError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CheckpointError) throw new CliError(error.message);
    throw error;
  }
}

/** What the step budget and the seed checks need of either agent's hyperparameters. */
interface RunShape {
  /** Env steps per `train` call of the trainer: a rollout (numEnvs * numSteps) for PPO, one vector step (numEnvs) for DQN. */
  readonly stepsPerCall: number;
  readonly numEnvs: number;
  /** How the granularity reads in a message. */
  readonly unit: string;
}

function runShape(agent: 'ppo' | 'dqn', hp: Record<string, unknown>): RunShape {
  const { numEnvs, numSteps } = hp as { numEnvs: number; numSteps?: number };
  const perCall = stepsPerCall(agent, { numEnvs, ...(numSteps === undefined ? {} : { numSteps }) });
  const unit = agent === 'ppo' ? `PPO trains whole rollouts of numEnvs x numSteps = ${numEnvs} x ${numSteps} = ${perCall} env steps` : `DQN steps its numEnvs = ${plural(numEnvs, 'env')} together`;
  return { stepsPerCall: perCall, numEnvs, unit };
}

/**
 * The env steps the trainer reaches from `start` when asked for `requested`, as PpoTrainer.train
 * and DqnTrainer.train step: whole calls of `stepsPerCall`, not past `requested`, except that a
 * new PPO run always trains at least one rollout.
 */
function stepsReached(agent: 'ppo' | 'dqn', start: number, requested: number, stepsPerCall: number): number {
  const calls = Math.max(0, Math.floor((requested - start) / stepsPerCall));
  return start + (agent === 'ppo' && start === 0 ? Math.max(1, calls) : calls) * stepsPerCall;
}

/** A CliError when some seed the session derives from the run's seed is not a safe integer (agents/training-seeds.ts). */
function checkSessionSeeds(seed: number, resumes: number, numEnvs: number, evalEpisodes: number): void {
  const problem = sessionSeedsProblem(seed, resumes, numEnvs, evalEpisodes, { seed: '--seed', evalEpisodes: '--eval-episodes', resume: '--resume' });
  if (problem !== undefined) throw new CliError(problem);
}

/**
 * `schema.safeParse(hp)` or a CliError naming `source` and every bad field with its path (under
 * `prefix`), rule and value; an unknown key's hint lists the keys of `taken`, those `source` takes.
 */
function parseHyperparameters<S extends z.ZodType>(schema: S, hp: unknown, source: string, prefix: readonly string[], taken: z.ZodType = schema): z.output<S> {
  const parsed = schema.safeParse(hp, { reportInput: true });
  if (!parsed.success) throw new CliError(`${source}: ${issuesUnder(issueLines(parsed.error.issues, taken, hp), prefix)}`);
  return parsed.data;
}

/** The keys of `schema` that `--hyperparameters` takes: all but totalTimesteps (see hyperparametersOption), for its unknown-key hint. */
function overridableKeys(schema: typeof PpoHyperparametersSchema | typeof DqnHyperparametersSchema): z.ZodType {
  const { totalTimesteps: _budget, ...taken } = schema.shape;
  return z.object(taken).strict();
}

/**
 * Makes (and closes) the training env with `envKwargs` (from `from`: a preset, a summary.json, a
 * manifest's scenario, a --scenario-override), so a bad one is refused before anything is written.
 */
function checkEnv(envId: string, envKwargs: Record<string, unknown> | undefined, from: EnvKwargsSource): void {
  makeOrCliError(envId, envKwargs, from).close();
}

/**
 * `envKwargs` (from `source`) with `--scenario-override` deep-merged into their scenario as run and
 * compare merge it into the env's, checked (a bad value is refused naming the option).
 */
function withScenarioOverride(envId: string, envKwargs: Record<string, unknown> | undefined, source: string, override: Record<string, unknown>, envName?: string): Record<string, unknown> | undefined {
  if (Object.keys(override).length === 0) return envKwargs;
  const merged = { ...envKwargs, scenario: mergeDeep(envKwargs?.['scenario'] ?? {}, override) };
  checkEnv(envId, merged, { source: envKwargs?.['scenario'] === undefined ? '--scenario-override' : `--scenario-override (merged into ${source}'s envKwargs.scenario)`, scenarioPath: [], ...(envName === undefined ? {} : { envName }) });
  return merged;
}

/**
 * The envKwargs of a run on `--scenario` file `file`, registered as `fileEnvId`: `envKwargs` (from
 * `from`: a preset's; a resumed run's, without their scenario) with their scenario merged into the
 * file's, then `override`, each checked there (errors name the file), and the result resolved
 * (defaults filled in): make(<the run's id>, ...) merges it into the id's scenario, whose values
 * would otherwise fill in what the file leaves to the defaults (BDT-large-v0's Gauss-Markov fading
 * for a file with none); only `$schema` and `description`, labels, come from the id when the file
 * has none.
 */
function scenarioFileEnvKwargs(fileEnvId: string, file: string, envKwargs: Record<string, unknown> | undefined, from: EnvKwargsSource, override: Record<string, unknown>): Record<string, unknown> {
  const envName = `--scenario ${file}`;
  checkEnv(fileEnvId, envKwargs, { ...from, envName });
  const merged = withScenarioOverride(fileEnvId, envKwargs, from.source, override, envName);
  return { ...merged, scenario: resolvedScenario(fileEnvId, merged) };
}

/**
 * On --resume, a `--scenario` file must be the one the run trained on: with the preset's
 * envKwargs.scenario and --scenario-override merged over it (`envKwargs`, as a new run would
 * record them), the scenario `run` records, as the command an interrupted run prints to continue
 * it repeats the option. (`mergedOver` names the options merged over the file: a preset's
 * envKwargs.scenario, --scenario-override; `withPreset`, whether a --preset was given, without
 * which the file misses the training settings a preset merged over it.)
 */
function checkResumedScenario(out: string, file: string, mergedOver: readonly string[], envId: string, envKwargs: Record<string, unknown>, run: RunEnvKwargs, withPreset: boolean): void {
  // both through the run's id, as the run made its env
  const trained = run.fromManifest ? run.scenario : resolvedScenario(envId, run.envKwargs);
  const changes = leafChanges(trained, resolvedScenario(envId, envKwargs));
  if (changes.length === 0) return;
  const what = trained === undefined ? `${run.source} records no scenario` : `${shownChanges(changes)}; ${run.source} records the run's`;
  const merged = mergedOver.length === 0 ? '' : ` (with ${mergedOver.join(' and ')} merged over it)`;
  throw new CliError(`--scenario: --resume continues the run in ${out} on the scenario it trained on, which ${file}${merged} changes (${what}); leave --scenario out${withPreset ? '' : ' (or give with it the --preset the run trained with)'}, or train a new run (another --out) on it`);
}

/**
 * Notes, for a new run, a whole scenario given as `--scenario-override` over a preset's
 * envKwargs.scenario (`presetScenario`, from `source`): it replaces the preset's training settings
 * (ppo-bdt's V 1.5 and energy penalty) with the file's values, which `--scenario` merges under them.
 */
function noteWholeScenarioOverride(override: Record<string, unknown>, presetScenario: unknown, source: string): void {
  if (!isWholeScenario(override) || presetScenario === undefined) return;
  const replaced = leafChanges(presetScenario, mergeDeep(presetScenario, override), true);
  if (replaced.length === 0) return;
  process.stderr.write(`bdt-gym train: note: --scenario-override is a whole scenario, and its values replace those ${source}'s envKwargs.scenario sets (${shownChanges(replaced)}); to train on a scenario file under the preset's settings, give it as --scenario FILE\n`);
}

/**
 * Notes when a resumed run trains on other envKwargs (from `source`) than the run's (`run`): a
 * --preset sets them, and one without the run's --scenario-override drops it. Without
 * summary.json, their resolved scenario is compared with the one the manifest records.
 */
function noteOtherEnvKwargs(envId: string, envKwargs: Record<string, unknown> | undefined, source: string, run: RunEnvKwargs): void {
  if (run.fromManifest) {
    if (run.scenario === undefined || isDeepStrictEqual(resolvedScenario(envId, envKwargs), run.scenario)) return;
    process.stderr.write(`bdt-gym train: note: --resume trains on envKwargs ${JSON.stringify(envKwargs ?? {})} (${source}), whose scenario is not the one the run trained on, which ${run.source} records (the run wrote no ${SUMMARY_FILE})\n`);
    return;
  }
  const recorded = run.envKwargs ?? {};
  if (isDeepStrictEqual(envKwargs ?? {}, recorded)) return;
  process.stderr.write(`bdt-gym train: note: --resume trains on envKwargs ${JSON.stringify(envKwargs ?? {})} (${source}), not on the run's ${JSON.stringify(recorded)} (${run.source})\n`);
}

/**
 * On --resume without --preset, summary.json's envKwargs must give the scenario the checkpoint
 * trained on, as its manifest records it (`trained`): another run's summary, an edited one, or the
 * one before a session that changed the scenario with --preset (killed between saving its
 * checkpoint and its summary) would move the run to another scenario, silently (the next
 * checkpoint recording that one).
 */
function checkSummaryScenario(out: string, envId: string, run: RunEnvKwargs, trained: Record<string, unknown> | undefined): void {
  if (run.fromManifest || trained === undefined) return;
  const changes = leafChanges(trained, resolvedScenario(envId, run.envKwargs));
  if (changes.length === 0) return;
  const manifestFile = join(out, CHECKPOINT_SUBDIR, MANIFEST_FILE);
  throw new CliError(`--resume: ${run.source}: its envKwargs give another scenario than the one the run trained on, which ${manifestFile} records (${shownChanges(changes)}): it is not this checkpoint's summary (another run's, an edited one, or an earlier session's that a kill kept from being rewritten); repair it, remove it to resume on what ${manifestFile} records, or give the --preset to train on`);
}

/**
 * On --resume, a `--scenario-override` must be one the run trained with (merged into the scenario
 * `run` records, it changes nothing): a run goes on on its own system, as on its own env, and the
 * command an interrupted run prints to continue it repeats the option.
 */
function checkResumedOverride(out: string, override: Record<string, unknown>, run: RunEnvKwargs): void {
  if (Object.keys(override).length === 0) return;
  const recorded = run.scenario;
  if (recorded !== undefined && isDeepStrictEqual(mergeDeep(recorded, override), recorded)) return;
  const trainedOn = run.fromManifest
    ? `${recorded === undefined ? 'records no scenario' : 'records the resolved scenario it trained on'}; the run wrote no ${SUMMARY_FILE}`
    : recorded === undefined
      ? 'records no scenario override'
      : `records its envKwargs.scenario ${JSON.stringify(recorded)}`;
  throw new CliError(`--scenario-override: --resume continues the run in ${out} on the scenario it trained on, which this override changes (${run.source} ${trainedOn}); leave it out, or train a new run (another --out) on the other scenario`);
}

/**
 * `--hyperparameters`: a JSON object of hyperparameters merged over the preset's (checked by the
 * agent's schema with them). Not `totalTimesteps`: the step budget is --steps (or the preset's),
 * one place to give it.
 */
function hyperparametersOption(value: string | undefined): Record<string, unknown> {
  const override = jsonObjectOption('hyperparameters', value);
  if (Object.hasOwn(override, 'totalTimesteps')) throw new CliError("--hyperparameters: totalTimesteps is the step budget, which --steps gives (else the preset's totalTimesteps); leave it out of --hyperparameters");
  // a near miss of the budget's key: the unknown-key hint lists only the keys this option takes, so it would not point there
  const budgetLike = Object.keys(override).find((key) => closestName(key, ['totalTimesteps']) !== undefined);
  if (budgetLike !== undefined) throw new CliError(`--hyperparameters: unknown key ${JSON.stringify(budgetLike)}; if it is meant as totalTimesteps, the step budget, give it with --steps (else the preset's totalTimesteps), not --hyperparameters`);
  return override;
}

/**
 * On --resume, `--hyperparameters` may only repeat the run's own (`hp`, its checkpoint's): a run
 * goes on with the hyperparameters it trained with, as on its own scenario, and the command an
 * interrupted run prints to continue it repeats the option.
 */
function checkResumedHyperparameters(out: string, override: Record<string, unknown>, hp: Record<string, unknown>): void {
  const changed = Object.keys(override).filter((key) => JSON.stringify(override[key]) !== JSON.stringify(hp[key]));
  if (changed.length === 0) return;
  const values = changed.map((key) => `${key} ${JSON.stringify(override[key])} (the run's: ${JSON.stringify(hp[key])})`).join(', ');
  throw new CliError(`--hyperparameters: --resume continues the run in ${out} with the hyperparameters its checkpoint records, which this changes: ${values}; leave them out, or train a new run (another --out) with them`);
}

/**
 * The envKwargs the run in `out` (its checkpoint's `manifest`) trained with: its summary.json's
 * (as evaluate reads them), else the scenario the manifest records (cli/run-summary.ts).
 */
function resumedRunEnvKwargs(out: string, manifest: CheckpointManifest): RunEnvKwargs {
  const file = join(out, SUMMARY_FILE);
  const checkpointDir = join(out, CHECKPOINT_SUBDIR);
  // (a --preset does not stand in for it: the override check and the notes compare with the run's envKwargs);
  // without it, only a B-DT run's manifest tells its envKwargs (its scenario)
  const manifestFile = join(checkpointDir, MANIFEST_FILE);
  const remedy =
    manifest.scenario !== undefined
      ? `repair it, or remove it to resume on what ${manifestFile} records`
      : `repair it to record the run's env and envKwargs, as {"env":${JSON.stringify(manifest.envId)},"envKwargs":{...}} (no "envKwargs" if it trained with none): ${manifestFile} does not record them`;
  return runEnvKwargs(existsSync(file) ? file : undefined, checkpointDir, manifest, {
    unreadable: (detail) => `--resume: cannot read ${file}, which records the run's envKwargs (${detail}); ${remedy}`,
    unusable: (problem) => `--resume: ${file}: ${problem}; ${remedy}`,
  });
}

/**
 * What a resume of a run trained to `start` steps says of a summary.json of fewer steps: a train
 * killed in its final save left the summary of its last periodic checkpoint (no final evaluation).
 */
function staleSummary(command: Command, out: string, start: number, run: RunEnvKwargs | undefined): string {
  if (run?.summarySteps === undefined || run.summarySteps >= start) return '';
  const evaluate = [...imports(command), 'evaluate', '--checkpoint', out].map(shellQuote).join(' ');
  return `; its ${run.source} still describes step ${run.summarySteps} (a train killed as it saved the run's last checkpoint neither rewrote it nor evaluated the run): evaluate the run with ${cliInvocation()} ${evaluate}`;
}

/**
 * Periodic evaluation from the flags, else the preset's; `--eval-freq 0` turns a preset's off.
 * One runs at each multiple of evalFreq in (start, steps]: refused when none would run in the
 * whole run; a resumed session in which none falls is noted (the command an interrupted run
 * prints to continue it may stop short of the next multiple, and must continue it).
 */
function periodicEvaluation(options: TrainOptions, preset: AgentPreset | undefined, requested: number, stepsSource: string, start: number, steps: number): PeriodicEvaluation | undefined {
  const evalFreq = options.evalFreq === undefined ? preset?.periodicEvaluation?.evalFreq : integerOption('eval-freq', options.evalFreq, 0);
  const episodes = options.periodicEvalEpisodes === undefined ? preset?.periodicEvaluation?.episodes : integerOption('periodic-eval-episodes', options.periodicEvalEpisodes, 1);
  if (evalFreq === undefined || evalFreq === 0) {
    if (options.periodicEvalEpisodes !== undefined) {
      throw new CliError(evalFreq === 0 ? '--periodic-eval-episodes needs periodic evaluation, which --eval-freq 0 turns off; give --eval-freq > 0 or leave --periodic-eval-episodes out' : '--periodic-eval-episodes needs --eval-freq > 0 (or a preset with periodicEvaluation)');
    }
    return undefined;
  }
  const source = options.evalFreq === undefined ? `the preset's periodicEvaluation.evalFreq ${evalFreq}` : `--eval-freq ${evalFreq}`;
  if (evalFreq > steps) throw new CliError(`${source} is more than ${stepsSource}${steps === requested ? '' : ` (${steps} env steps trained)`}: no evaluation would run`);
  if (Math.floor(steps / evalFreq) === Math.floor(start / evalFreq)) {
    process.stderr.write(`bdt-gym train: note: no periodic evaluation falls in this session: no multiple of ${source} lies between the checkpoint's step ${start} and step ${steps}, where it ends\n`);
  }
  return PeriodicEvaluationSchema.parse(episodes === undefined ? { evalFreq } : { evalFreq, episodes });
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a PPO or DQN agent, log metrics as JSON lines, save a checkpoint and evaluate it deterministically')
    .option('--agent <name>', `learning algorithm (${AGENTS.join(', ')}) (default: the preset's; with --resume, the checkpoint's)`)
    .option('--env <id>', "registered env id, e.g. CartPole-v1, BDT-v0 (default: the preset's; with --resume, the checkpoint's)")
    .option('--steps <n>', "env steps to train for (total, including steps before --resume; PPO rounds to whole rollouts, DQN to whole vector steps). Each step of each env in the vector env counts, the autoreset step after an episode end too (no transition: one per episode, 0.5-0.7% of the presets' steps; SB3 and CleanRL count transitions only, see docs/AGENTS.md) (default: the preset's totalTimesteps)")
    .addOption(optionWithDefault('--seed <n>', 'seed of network initialisation, sampling and the envs (integer)', '1'))
    .addOption(requiredOption('--out <dir>', 'run directory for metrics.jsonl, checkpoint/ and summary.json: missing or empty, or with --resume the run to continue; one train at a time (it holds <dir>/.lock)'))
    .option('--json', 'print the summary as one JSON object on the last line of stdout')
    .option('--no-timing', "leave out the wall-clock fields (the summary's sps, trainSeconds and periodicEvalSeconds, metrics.jsonl's charts/SPS, the text output's steps/s and seconds), so two runs with the same seed write byte-identical summary.json and metrics.jsonl")
    .option('--backend <name>', `TensorFlow.js backend: ${BACKENDS.join(', ')} (default: the fastest available)`)
    .option('--preset <file>', `agent preset JSON (configs/agents/*.json): agent, env and hyperparameters; ${CONFIGS_FALLBACK_HELP}; ${STDIN_HELP}`)
    .option('--resume', "continue the run saved in --out (--agent and --env default to the checkpoint's; without --preset, on the envKwargs its summary.json records, else on the scenario its checkpoint records: B-DT envs; on others without summary.json give --preset)")
    .addOption(optionWithDefault('--eval-episodes <n>', 'deterministic evaluation episodes after training; 0 skips the evaluation', '20'))
    .option('--eval-freq <n>', "evaluate deterministically every n env steps during training on a separate env, keeping the best checkpoint in <out>/best (SB3 EvalCallback); 0 = off (default: the preset's periodicEvaluation, else off)")
    .option('--tensorboard', 'also write the metrics as a TensorBoard event file in --out, live (CleanRL\'s tags: tensorboard --logdir <parent of --out>)')
    .option('--periodic-eval-episodes <n>', "episodes per periodic evaluation (SB3 n_eval_episodes) (default: the preset's, else 5)")
    .addOption(
      optionWithDefault(
        '--checkpoint-freq <n>',
        'save the checkpoint (and summary.json) every n env steps during training, after the update that reaches each multiple of n (SB3 CheckpointCallback), so a run killed without saving (kill -9, out of memory, power loss) resumes from the last one; a run that fails after one is kept as it left it; 0 = off',
        String(DEFAULT_CHECKPOINT_FREQ),
      ),
    )
    .option(
      '--scenario <file>',
      "B-DT scenario JSON file to train on, checked as run --scenario checks it, in place of the env's own scenario (--env: a B-DT id, by default the preset's, else BDT-v0, under which the run is recorded): the preset's envKwargs.scenario is merged over the file, then --scenario-override; the run's envKwargs record the resolved scenario, which evaluate and --resume use without --scenario or --import (a --resume takes only the file the run trained on); compare and run play the policy on the --scenario they are given; - reads it from stdin",
    )
    .option('--scenario-override <json>', 'B-DT envs: partial scenario as a JSON object, deep-merged into the training env\'s scenario (the preset\'s envKwargs.scenario over the env\'s) as run and compare merge it (e.g. \'{"reward":{"mode":"dpp-exact"}}\'); recorded in the run\'s envKwargs, which evaluate and --resume use; a --resume takes only the one the run trained with')
    .option('--hyperparameters <json>', 'hyperparameters as a JSON object, merged over the preset\'s (over the agent\'s defaults without --preset) and checked with them (e.g. \'{"entCoef":0}\'); not totalTimesteps, which --steps sets; the checkpoint\'s manifest.json records the merged ones; a --resume takes only the run\'s own values')
    .addHelpText(
      'after',
      examplesHelp(
        'bdt-gym train --preset configs/agents/ppo-cartpole.json --out runs/cartpole',
        'bdt-gym train --out runs/cartpole --resume --steps 150000   # 50000 more',
        'bdt-gym train --preset configs/agents/dqn-bdt.json --steps 50000 --out dqn-bdt',
      ),
    )
    .action((options: TrainOptions, command: Command) => train(options, command));
}

/**
 * The train command, `options` as commander parsed them: {@link trainLocked}, holding the lock
 * of --out (cli/run-lock.ts) from when it takes it to the end, whatever the end.
 */
async function train(options: TrainOptions, command: Command): Promise<void> {
  if (options.out === '') throw new CliError('--out: give a directory for the run'); // '' would train into the working directory
  if (options.out === '-') throw new CliError(`--out -: ${NOT_STDOUT}; give a directory for the run (./- for one named -)`);
  const held: { lock?: RunLock } = {};
  try {
    await trainLocked(options, command, (create) => (held.lock = lockRun(options.out, create)));
  } finally {
    held.lock?.release();
  }
}

/**
 * Why train refuses `--agent name`: the algorithm and setting that train a learned agent, a
 * scripted agent, an agent an --import module registered, or no agent at all.
 */
function untrainableAgent(name: string): string {
  const trains = `train trains ${AGENTS.join(' and ')}`;
  // the agents left once ppo and dqn are out: those of the shares solved
  if (isLearnedAgent(name)) return `${trains}; agent ${name} plays a ${LEARNED_AGENTS[name].algo} policy trained with cpuShares 'solved': give --agent ${LEARNED_AGENTS[name].algo} and --hyperparameters '{"cpuShares":"solved"}', or a preset such as configs/agents/${LEARNED_AGENTS[name].algo}-bdt-solved.json`;
  if (scriptedAgentNames.includes(name)) return `${trains}; ${name} is a scripted agent, with nothing to train`;
  if (agentNames().includes(name)) return `${trains}; ${name}, an agent an --import module registered, trains in code of your own (docs/AGENTS.md, "A learning algorithm of your own")`;
  return `unknown agent ${JSON.stringify(name)}${didYouMean([name], AGENTS)} (available: ${AGENTS.join(', ')})`;
}

/**
 * Checks everything, then trains. `lockOut` locks --out (making it, with `create`) before it is
 * read or written: a resumed run's before its checkpoint is read (which restores an interrupted
 * save), a new run's when --out is judged, after the preset, agent, env and step budget (a missing
 * --out it made is removed with the lock unless the run is kept).
 */
async function trainLocked(options: TrainOptions, command: Command, lockOut: (create: boolean) => RunLock): Promise<void> {
  // Everything is checked before --out is created or touched (but for the lock).
  const preset = options.preset === undefined ? undefined : readPreset(options.preset);
  const presetSource = options.preset === undefined ? '--steps' : `--preset ${options.preset}`;
  const resumeLock = options.resume ? lockOut(false) : undefined;
  // a resumed run's algorithm and env are its checkpoint's unless given (a different one is refused)
  const resumed = options.resume ? cliCheckpointError(() => resumedRunManifest(options.out)) : undefined;
  const agentName = options.agent ?? preset?.agent ?? resumed?.algo;
  if (agentName === undefined) throw new CliError('give --agent or a --preset naming one');
  // a run of an algorithm of one's own: "--agent: unknown agent" blamed an option not given
  if (agentName === resumed?.algo && !(AGENTS as readonly string[]).includes(agentName)) throw new CliError(`--resume: ${join(options.out, CHECKPOINT_SUBDIR)} holds ${withArticle(agentName)} run; train trains ${AGENTS.join(' and ')}, so continue it with its own algorithm's code`);
  if (!(AGENTS as readonly string[]).includes(agentName)) throw new CliError(`--agent: ${untrainableAgent(agentName)}`);
  const agent = agentName as (typeof AGENTS)[number];
  if (preset !== undefined && preset.agent !== agent) throw new CliError(`--preset ${options.preset} is for ${preset.agent}, not ${agent}`);
  // a scenario file is a B-DT env's scenario: BDT-v0's place, as in run and compare
  const givenEnvId = options.env ?? preset?.env ?? resumed?.envId ?? (options.scenario === undefined ? undefined : 'BDT-v0');
  if (givenEnvId === undefined) throw new CliError('give --env or a --preset naming one');
  // an unknown id is blamed on where it came from, as evaluate does
  const envIdSource = options.env !== undefined ? '--env' : preset?.env !== undefined ? `--preset ${options.preset}: env` : `checkpoint manifest ${join(options.out, CHECKPOINT_SUBDIR, MANIFEST_FILE)}: envId`;
  const envId = registeredEnvOption(givenEnvId, envIdSource);
  const scenarioOverride = jsonObjectOption('scenario-override', options.scenarioOverride);
  // an env that needs kwargs (a preset's envKwargs may give them) cannot be made here to tell
  const cannotMake = (why: string) => `--scenario-override: ${envId} cannot be made without keyword arguments (${why}), so train cannot tell whether it has a scenario to override; give the change in a --preset's envKwargs.scenario, beside the kwargs it needs`;
  if (Object.keys(scenarioOverride).length > 0 && !isBdtIdOrCliError(envId, cannotMake)) throw new CliError(`--scenario-override: ${envId} is not a B-DT env, so it has no scenario to override`);
  if (options.scenario !== undefined && !isBdtIdOrCliError(envId, (why) => `--scenario: ${envId} cannot be made without keyword arguments (${why}), so it is no B-DT env train can give a scenario file`)) {
    // a resumed run trains on its own env (another --env is refused): no --env would help
    if (resumed?.envId === envId) throw new CliError(`--scenario: --resume continues the run in ${options.out}, which trained on ${envId}, not a B-DT env, so it takes no scenario file; leave --scenario out`);
    throw new CliError(`--scenario: ${envId}${options.env === undefined ? ` (${envIdSource})` : ''} is not a B-DT env, so it cannot train on a scenario file; give --env with a B-DT id (${registeredBdtScenarioIds().join(', ')})`);
  }
  // the file checked (errors as run --scenario's) and registered for this process, its scenario the base the preset's envKwargs merge into
  const fileEnvId = options.scenario === undefined ? undefined : scenarioFileEnvId(options.scenario);
  const stepsOption = options.steps === undefined ? undefined : integerOption('steps', options.steps, 1);
  if (stepsOption === undefined && preset?.hyperparameters['totalTimesteps'] === undefined) throw new CliError('give --steps or a --preset with hyperparameters.totalTimesteps');
  const seedOption = integerOption('seed', options.seed, 0);
  // 0 skips the final evaluation (evaluate itself needs >= 1 episode)
  const evalEpisodes = integerOption('eval-episodes', options.evalEpisodes, 0);
  const checkpointFreq = integerOption('checkpoint-freq', options.checkpointFreq, 0);
  const schema = agent === 'ppo' ? PpoHyperparametersSchema : DqnHyperparametersSchema;
  const budget = stepsOption === undefined ? {} : { totalTimesteps: stepsOption };
  const presetHp = parseHyperparameters(schema, { ...preset?.hyperparameters, ...budget }, presetSource, ['hyperparameters']);
  const hpOverride = hyperparametersOption(options.hyperparameters);
  // checked apart from the preset's, so a bad field is blamed on --hyperparameters (and the preset's on the preset);
  // a resume checks them over the run's own, below
  const givenHp = Object.keys(hpOverride).length === 0 || options.resume ? presetHp : parseHyperparameters(schema, { ...preset?.hyperparameters, ...hpOverride, ...budget }, preset === undefined ? '--hyperparameters' : `--hyperparameters (over --preset ${options.preset}'s)`, [], overridableKeys(schema));
  const requested = stepsOption ?? givenHp.totalTimesteps;
  // the budget as messages name it: a preset's is not a --steps the user gave
  const stepsSource = stepsOption === undefined ? `the preset's totalTimesteps ${requested}` : `--steps ${requested}`;
  const lock = resumeLock ?? lockOut(true);
  checkOut(options.out, options.resume === true);

  // A resumed run keeps its checkpoint's hyperparameters, seed and step count.
  let hp: Record<string, unknown> = givenHp;
  let start = 0;
  let runSeed = seedOption;
  /** Resumes before the session that now starts (0: a new run). */
  let resumes = 0;
  /** With --resume: the envKwargs the run trained with. */
  let run: RunEnvKwargs | undefined;
  /** With --resume: the resolved scenario the checkpoint's manifest records (B-DT envs). */
  let trainedScenario: Record<string, unknown> | undefined;
  /** With --resume: whether the checkpoint's training logged a metric record (metrics.jsonl without one lost it). */
  let checkpointLogged = false;
  if (options.resume) {
    const checkpointDir = join(options.out, CHECKPOINT_SUBDIR);
    const manifest = cliCheckpointError(() => resumeManifest(options.out, agent, envId));
    run = resumedRunEnvKwargs(options.out, manifest);
    trainedScenario = manifest.scenario;
    hp = parseHyperparameters(schema, manifest.hyperparameters, `--resume: checkpoint ${checkpointDir}: hyperparameters`, []);
    if (Object.keys(hpOverride).length > 0) {
      // over the run's own: a part of them repeated is checked with the rest the run has (not the preset's or the defaults)
      parseHyperparameters(schema, { ...hp, ...hpOverride }, '--hyperparameters', [], overridableKeys(schema));
      checkResumedHyperparameters(options.out, hpOverride, hp);
    }
    start = manifest.counters['globalStep'] ?? 0;
    // a B-DT episode ends after its scenario's slots, another env's at its id's time limit
    const slots = manifest.scenario?.['slots'];
    const episodeLimit = Math.min(typeof slots === 'number' ? slots : Infinity, spec(envId).maxEpisodeSteps ?? Infinity);
    checkpointLogged = trainingMustHaveLogged(agent, manifest.counters, hp['numEnvs'] as number, Number.isFinite(episodeLimit) ? episodeLimit : undefined);
    runSeed = manifest.seed;
    resumes = (manifest.counters['resumes'] ?? 0) + 1;
    if (hp['normReward'] === true && manifest.rewardStats === undefined) {
      process.stderr.write(`bdt-gym train: note: ${checkpointDir} predates saved reward-normalisation statistics: they restart from scratch, so the reward scale jumps for the first updates\n`);
    }
    // what the user gave but a resume cannot honour is said, not silently dropped
    const ignored = Object.keys(preset?.hyperparameters ?? {}).filter((key) => key !== 'totalTimesteps' && !(key in hpOverride) && JSON.stringify((givenHp as Record<string, unknown>)[key]) !== JSON.stringify(hp[key]));
    if (ignored.length > 0) process.stderr.write(`bdt-gym train: note: --resume keeps the checkpoint's hyperparameters; --preset ${options.preset}'s ${ignored.join(', ')} ${ignored.length === 1 ? 'differs and is' : 'differ and are'} not used\n`);
    if (command.getOptionValueSource('seed') === 'cli' && seedOption !== runSeed) process.stderr.write(`bdt-gym train: note: --resume keeps the checkpoint's seed ${runSeed}; --seed ${seedOption} is not used\n`);
  }
  const shape = runShape(agent, hp);
  const steps = stepsReached(agent, start, requested, shape.stepsPerCall);
  if (steps <= start) {
    const next = stepsReached(agent, start, start + shape.stepsPerCall, shape.stepsPerCall);
    if (options.resume) throw new CliError(`--resume: ${options.out} is already trained to ${start} env steps, so ${stepsSource} trains nothing (it is the total, not an increment); give --steps ${next} or more${staleSummary(command, options.out, start, run)}`);
    throw new CliError(`${stepsSource} is too few: ${shape.unit}; give --steps ${next} or more`);
  }
  checkSessionSeeds(runSeed, resumes, shape.numEnvs, evalEpisodes);
  // a resume without --preset goes on on the run's own env, and its new summary keeps them
  const fromRun = run !== undefined && preset === undefined ? run : undefined;
  if (fromRun?.unknown) {
    throw new CliError(`--resume: the envKwargs the run in ${options.out} trained with are unknown: it has no ${SUMMARY_FILE}, and ${fromRun.source} records no envKwargs (only a B-DT env's resolved scenario); give the --preset it trained with`);
  }
  const givenEnvKwargs = fromRun ? fromRun.envKwargs : preset?.envKwargs;
  const envKwargsSource = fromRun ? fromRun.source : `--preset ${options.preset}`;
  // as given: the override must not hide a bad value in them; a manifest holds the scenario at its root
  const from: EnvKwargsSource = { source: envKwargsSource, kwargsPath: fromRun?.fromManifest ? [] : ['envKwargs'] };
  // (a preset's over the file, below)
  if (fileEnvId === undefined || fromRun) checkEnv(envId, givenEnvKwargs, from);
  if (fromRun) checkSummaryScenario(options.out, envId, fromRun, trainedScenario);
  if (run) checkResumedOverride(options.out, scenarioOverride, run);
  let envKwargs: Record<string, unknown> | undefined;
  if (fileEnvId === undefined) {
    envKwargs = withScenarioOverride(envId, givenEnvKwargs, envKwargsSource, scenarioOverride);
    if (!options.resume) noteWholeScenarioOverride(scenarioOverride, givenEnvKwargs?.['scenario'], envKwargsSource);
  } else {
    // a resumed run's own scenario is not merged over the file: the file is checked to be it
    const { scenario: _runScenario, ...runKwargs } = fromRun ? (givenEnvKwargs ?? {}) : {};
    envKwargs = scenarioFileEnvKwargs(fileEnvId, options.scenario!, fromRun ? runKwargs : givenEnvKwargs, from, scenarioOverride);
    const mergedOver = [...(fromRun || givenEnvKwargs?.['scenario'] === undefined ? [] : [`${envKwargsSource}'s envKwargs.scenario`]), ...(Object.keys(scenarioOverride).length > 0 ? ['--scenario-override'] : [])];
    if (run) checkResumedScenario(options.out, options.scenario!, mergedOver, envId, envKwargs, run, preset !== undefined);
  }
  if (fromRun?.fromManifest && envKwargs !== undefined) process.stderr.write(`bdt-gym train: note: --resume trains on the scenario the run trained on, which ${fromRun.source} records (the run has no ${SUMMARY_FILE}); give --preset to set others\n`);
  // (with --scenario they were checked to be the run's: nothing to note)
  else if (fromRun && envKwargs !== undefined && fileEnvId === undefined) {
    // a whole scenario (a --scenario run's) by its name, not its every field
    const whole = wholeScenarioLabel(envKwargs);
    process.stderr.write(`bdt-gym train: note: --resume trains on the run's ${whole ?? `envKwargs ${JSON.stringify(envKwargs)}`} (${envKwargsSource}); give --preset to set others\n`);
  }
  if (run && !fromRun) noteOtherEnvKwargs(envId, envKwargs, `${envKwargsSource}${Object.keys(scenarioOverride).length > 0 ? ' and --scenario-override' : ''}`, run);
  const periodic = periodicEvaluation(options, preset, requested, stepsSource, start, steps);
  const backend = await backendOption(options.backend);
  // once, before anything is saved: the summary and every checkpoint of the session record the same
  const provenance = runProvenance(backend);
  if (steps !== requested) process.stderr.write(`bdt-gym train: ${shape.unit}: ${stepsSource} rounded ${steps > requested ? 'up' : 'down'} to ${steps}\n`);
  if (!options.json) process.stderr.write(`bdt-gym train: ${agent} on ${envId}${options.scenario === undefined ? '' : ` with the scenario of ${options.scenario}`}, ${options.resume ? `${start} to ` : ''}${plural(steps, 'step')}, seed ${runSeed}, TensorFlow.js backend '${backend}'\n`);

  const metricsFile = join(options.out, METRICS_FILE);
  const outDirectory = openOut(options.out, options.resume === true, start, metricsFile, checkpointLogged);
  let tensorboard: EventFileWriter | undefined;
  /** `write()` as a FileWriteError naming `file` when it fails. */
  const writing = (file: string, write: () => void): void => {
    try {
      write();
    } catch (error) {
      throw new FileWriteError(file, (error as NodeJS.ErrnoException).code ?? 'unknown', { cause: error });
    }
  };
  const append = (text: string): void => writing(metricsFile, () => appendFileSync(metricsFile, text));
  // Records are written at each progress report (not as the trainer publishes them, inside an
  // rxjs subscriber whose errors would escape trainRun), so a failed write fails the run.
  const pending: MetricRecord[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    append(`${pending.map(metricRecordToJsonLine).join('\n')}\n`);
    const events = tensorboard;
    if (events !== undefined) writing(events.path, () => pending.forEach((record) => events.add(record.step, record.metrics)));
    pending.length = 0;
  };
  const bar = drawsProgressBar() && !options.json ? new cliProgress.SingleBar(trainBarOptions(steps, process.stderr.columns), cliProgress.Presets.shades_classic) : undefined;
  bar?.start(steps, start, { ret: 'n/a' });
  const progressLine = bar === undefined && !options.json ? progressLines(start, steps, options.timing) : undefined;
  /** The training episodes `meanRecentReturn` averages at the last progress report: the summary's (no training episode ends after it). */
  let recentEpisodes = 0;

  try {
    tensorboard = options.tensorboard ? new EventFileWriter(options.out) : undefined;
  } catch (error) {
    outDirectory.restore();
    throw new CliError(`--tensorboard: cannot create an event file in ${options.out} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const interrupt = catchTrainingInterrupt((line) => {
    bar?.stop();
    process.stderr.write(`bdt-gym train: ${line}\n`);
  });
  /** The step of the checkpoint this session last saved periodically (--checkpoint-freq): from then on a failure keeps the run. */
  let savedStep: number | undefined;
  /** Training went on (an update was reported): a failure loses work, which its message says. */
  let trained = false;
  /** The run's failure `error`, with what became of the run (`fate`). */
  const failure = (error: unknown, fate: string): unknown => {
    if (error instanceof TrainingDivergedError) return new CliError(`${error.message}${'learningRate' in hpOverride ? ' in --hyperparameters' : options.preset === undefined ? '' : ` in ${presetSource}`}; ${fate}`);
    const cause = error instanceof CheckpointError ? new CliError(error.message) : error;
    // one before training (a checkpoint that does not load) lost nothing
    return trained || savedStep !== undefined ? new FailureWithNote(cause, fate) : cause;
  };
  /** The summary as the run records it (summary.json, --json): its provenance added, the wall-clock fields left out with --no-timing. */
  const recorded = (summary: TrainSummary): RecordedSummary => ({ ...(options.timing ? summary : withoutTiming(summary)), provenance });
  const writeSummary = (written: TrainSummary): void => writeFileAtomic(join(options.out, SUMMARY_FILE), `${JSON.stringify(recorded(written), null, 2)}\n`);
  /** The final evaluation as `evaluate` runs it: the run's env (its envKwargs) and episodes (the seeds are evaluate's default, as train's). */
  const evaluateCommand = (): string => {
    const envKwargsOption = envKwargs === undefined ? [] : ['--env-kwargs', JSON.stringify(envKwargs)];
    return `${cliInvocation()} ${[...imports(command), 'evaluate', '--checkpoint', options.out, '--episodes', String(evalEpisodes), ...envKwargsOption].map(shellQuote).join(' ')}`;
  };
  /** After a save: the run stays from here on, as a kill would leave it: the checkpoint, the records up to it, a summary of it. */
  const keepSaved = (saved: TrainSummary): void => {
    savedStep = saved.steps;
    outDirectory.keep();
    lock.keepDirectory();
    flush();
    writeSummary(saved);
  };
  let summary: TrainSummary;
  try {
    if (!options.resume) {
      append(''); // a new, empty directory: nothing is truncated
      // The run's summary before any checkpoint, so none lies in --out without one recording the
      // run's envKwargs, which a non-B-DT env's manifest does not: a run killed between its first
      // checkpoint and that one's summary, or in its final evaluation, resumes without --preset.
      const atStart: TrainSummary = { agent, env: envId, ...(envKwargs ? { envKwargs } : {}), steps: 0, seed: runSeed, backend, sps: 0, meanReturnLast20: NaN, evalEpisodes: 0, interrupted: true, trainSeconds: 0, checkpoint: join(options.out, CHECKPOINT_SUBDIR) };
      writeSummary(atStart);
    }
    summary = await trainRun({
      agent,
      envId,
      steps,
      seed: runSeed,
      outDir: options.out,
      backend,
      evalEpisodes,
      ...(periodic ? { periodicEvaluation: periodic } : {}),
      ...(preset !== undefined || Object.keys(hpOverride).length > 0 ? { hyperparameters: { ...preset?.hyperparameters, ...hpOverride } } : {}),
      ...(envKwargs ? { envKwargs } : {}),
      ...(options.resume ? { resume: true } : {}),
      checkpointFreq,
      provenance,
      onCheckpoint: keepSaved,
      // a final evaluation that is killed or fails keeps the trained run too
      onFinalSave: keepSaved,
      onMetrics: (record: MetricRecord) => pending.push(options.timing ? record : withoutSps(record)),
      onProgress: (step, _total, mean, episodes) => {
        trained = true;
        recentEpisodes = episodes;
        flush();
        if (interrupt.signal.aborted) return;
        bar?.update(Math.min(step, steps), { ret: barReturn(mean, episodes) });
        progressLine?.(Math.min(step, steps), mean, episodes);
      },
      signal: interrupt.signal,
    });
  } catch (error) {
    interrupt.dispose();
    bar?.stop();
    if (savedStep !== undefined) {
      try {
        tensorboard?.close();
      } catch {
        // (its records past the checkpoint are of steps a resume trains again)
      }
      // saved at its last step: the final evaluation failed, after the final save
      if (savedStep >= steps) throw failure(error, `the run is trained and saved (step ${savedStep}), and kept; its final evaluation failed or did not run: evaluate it with ${evaluateCommand()}`);
      throw failure(error, `the run is kept as its last periodic checkpoint (--checkpoint-freq) left it, at step ${savedStep}: --resume continues it from there`);
    }
    // a new run's best/ goes with it: said, as it may be what the user wanted of it
    const best = options.resume || !existsSync(join(options.out, BEST_SUBDIR)) ? '' : ', the best/ checkpoint its periodic evaluation had saved with it,';
    tensorboard?.discard();
    try {
      outDirectory.restore();
    } catch (restoring) {
      // the run's own failure is the news; what could not be put back follows it
      throw new CliError(`${error instanceof Error ? error.message : String(error)}; and ${options.out} could not be put back as it was: ${restoring instanceof Error ? restoring.message : String(restoring)}`);
    }
    throw failure(error, options.resume ? `this session was discarded (the run goes on from its checkpoint of step ${start}) and ${options.out} left as it was` : `the run was discarded${best} and ${options.out} left as it was`);
  }
  interrupt.dispose();
  bar?.stop();
  // The checkpoint is saved: from here on a failure keeps the run (summary.json is written atomically).
  outDirectory.keep();
  lock.keepDirectory();
  flush();
  tensorboard?.close();
  writeSummary(summary);
  const meanReturn = Number.isNaN(summary.meanReturnLast20) ? 'n/a (no training episode finished)' : summary.meanReturnLast20.toFixed(2);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(recorded(summary))}\n`);
  } else {
    process.stdout.write(
      [
        `${summary.agent} on ${summary.env}: ${plural(summary.steps, 'step')}${options.timing ? `, ${summary.sps.toFixed(0)} steps/s in the training loop, ${summary.trainSeconds.toFixed(1)} s in all` : ''} (backend ${summary.backend})`,
        `  mean return, ${recentEpisodes === 0 ? 'training episodes' : `last ${plural(recentEpisodes, 'training episode')}`}  ${meanReturn}`,
        ...(summary.evalReturn === undefined ? [] : [`  deterministic evaluation (${plural(summary.evalEpisodes, 'episode')})  ${summary.evalReturn.toFixed(2)}`]),
        ...(summary.bestEvalReturn === undefined ? [] : [`  best periodic evaluation  ${summary.bestEvalReturn.toFixed(2)} at step ${summary.bestEvalStep} (${summary.bestCheckpoint})`]),
        `  checkpoint  ${summary.checkpoint}`,
        '',
      ].join('\n'),
    );
  }
  // (a signal after the run's last piece of work came too late to stop anything: that run is complete)
  if (summary.interrupted) {
    if (summary.steps < steps) {
      // the command as given, with --resume: the same flags (periodic evaluation, --tensorboard, ...) go on
      const again = [...imports(command), ...givenOptions(command), ...(options.resume ? [] : ['--resume'])].map(shellQuote).join(' ');
      process.stderr.write(`bdt-gym train: interrupted at step ${summary.steps} of ${steps}; the checkpoint is saved: continue with\n  ${cliInvocation()} ${again}\n`);
    } else {
      process.stderr.write(`bdt-gym train: interrupted during the final evaluation; the run is trained and saved: evaluate it with\n  ${evaluateCommand()}\n`);
    }
    process.exitCode = interrupt.exitCode;
  }
}

/** The train bar's line: `{value}/{total}` are steps, `{ret}` is {@link barReturn}'s. */
const BAR_FORMAT = 'train [{bar}] {percentage}% | {value}/{total} | return {ret} | {eta_formatted} left';

/** The bar's mean return and how many episodes it is over (up to the last 20; fewer early on). */
export function barReturn(mean: number, episodes: number): string {
  return Number.isNaN(mean) || episodes === 0 ? 'n/a' : `${mean.toFixed(1)} (last ${episodes})`;
}

/**
 * The train bar's options: its width is what `columns` (80 when unknown) leave of the line at its
 * widest for `steps`, 10 to 40 characters, as the bar turns the terminal's line wrapping off and
 * a longer line loses its end (the time left).
 */
export function trainBarOptions(steps: number, columns: number | undefined): cliProgress.Options {
  const widest = BAR_FORMAT.replace('{bar}', '').replace('{percentage}', '100').replace('{value}/{total}', `${steps}/${steps}`).replace('{ret}', barReturn(-12345.6, 20)).replace('{eta_formatted}', '99h59m');
  return { format: BAR_FORMAT, barsize: Math.max(10, Math.min(40, (columns ?? 80) - 1 - widest.length)), stream: process.stderr, hideCursor: true };
}

/**
 * What prints the progress where the bar is off (stderr no terminal: CI, a log file): one line at
 * the first progress report at or past each tenth of the run's `steps`, past `start` (a resumed
 * run's), as SB3 and CleanRL print theirs whatever the output. By step, not time, so a command's
 * lines fall at the same steps in every run; steps/s (since the session began) only with `timing`.
 */
function progressLines(start: number, steps: number, timing: boolean): (step: number, meanRecentReturn: number, episodes: number) => void {
  const tenth = (k: number): number => Math.ceil((k * steps) / 10);
  let next = 1;
  while (next <= 10 && tenth(next) <= start) next++;
  const began = performance.now();
  return (step, meanRecentReturn, episodes) => {
    if (next > 10 || step < tenth(next)) return;
    while (next <= 10 && tenth(next) <= step) next++;
    const recent = episodes === 0 ? 'no training episode finished yet' : `mean return ${meanRecentReturn.toFixed(2)} (last ${plural(episodes, 'episode')})`;
    const rate = timing ? `, ${((step - start) / ((performance.now() - began) / 1000)).toFixed(0)} steps/s` : '';
    process.stderr.write(`bdt-gym train: step ${step} of ${steps} (${Math.floor((100 * step) / steps)}%): ${recent}${rate}\n`);
  };
}

/** The summary's fields that measure wall time, which differ between two runs of the same seed (--no-timing leaves them out). */
type WallClockField = 'sps' | 'trainSeconds' | 'periodicEvalSeconds';

/** A summary as the run records it: with what produced it; with --no-timing, without its wall-clock fields. */
type RecordedSummary = Omit<TrainSummary, WallClockField> & { readonly provenance: RunProvenance };

/** `summary` without its wall-clock fields. */
function withoutTiming(summary: TrainSummary): Omit<TrainSummary, WallClockField> {
  const { sps: _sps, trainSeconds: _trainSeconds, periodicEvalSeconds: _periodicEvalSeconds, ...rest } = summary;
  return rest;
}

/** `record` without `charts/SPS`, the one wall-clock tag. */
function withoutSps(record: MetricRecord): MetricRecord {
  const { 'charts/SPS': _sps, ...metrics } = record.metrics;
  return { step: record.step, metrics };
}

/** The global `--import` options the command ran with, as words: the modules that registered its env or agent. */
function imports(command: Command): string[] {
  const modules = (command.parent?.opts()['import'] ?? []) as string[];
  return modules.flatMap((module) => ['--import', module]);
}

/** `command`'s name and the options given on its command line, as words. */
function givenOptions(command: Command): string[] {
  const words = [command.name()];
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) !== 'cli' || option.long === undefined) continue;
    const value: unknown = command.getOptionValue(key);
    words.push(option.long, ...(typeof value === 'boolean' ? [] : [String(value)]));
  }
  return words;
}
