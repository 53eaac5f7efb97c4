/** The committed models (models/<algo>-<env id>) that learned agents load when given no checkpoint. */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BEST_EVAL_FILE, BEST_SUBDIR, CHECKPOINT_SUBDIR, METRICS_FILE, SUMMARY_FILE } from '../agents/checkpoint/checkpoint-dir.ts';
import { checkpointDirOf } from '../agents/checkpoint/checkpoint-dir.ts';
import { CheckpointError } from '../agents/checkpoint/checkpoint-error.ts';
import { MANIFEST_FILE, readManifest, type CheckpointManifest } from '../agents/checkpoint/manifest.ts';
import { misfitDifference, spaceMismatch } from '../agents/checkpoint/space-fit.ts';
import { scenarioOf } from '../agents/checkpoint/trained-scenario.ts';
import { COMMITTED_MODELS_DIR, defaultCheckpointDir, hasCommittedCheckpoint, isLearnedAgent } from '../agents/learned-agents.ts';
import { make, registry, type Env } from '../env/index.ts';
import { isWholeScenario } from '../env/bdt/scenario/parse.ts';
import { isPlainObject } from '../env/core/plain-object.ts';
import { CliError } from './errors.ts';
import { shellQuote } from './invocation.ts';
import { runEnvKwargs, runSummaryFile } from './run-summary.ts';
import { packageFallbackPath } from './package-files.ts';
import { isBdtId, type CommandInput } from './options.ts';

/**
 * Why a learned agent given no checkpoint cannot run on an env without a committed model: that
 * there is none, which envs have one and what to give instead (`instead`); the loader would only
 * say that models/<algo>-<id> does not exist. `undefined` when it can run. `envId` is undefined
 * for a scenario file (no model is committed for one), `source` names what chose the agent.
 */
export function missingCommittedModel(source: string, agent: string, envId: string | undefined, hasCheckpoint: boolean, instead: string): string | undefined {
  if (!isLearnedAgent(agent) || hasCheckpoint) return undefined;
  if (envId !== undefined && hasCommittedCheckpoint(agent, envId)) return undefined;
  const committed = [...registry.keys()].filter((id) => hasCommittedCheckpoint(agent, id));
  const has = committed.length === 0 ? 'there is none' : `there is one for ${committed.join(', ')} only`;
  return `${source} ${agent}: no ${agent} model is committed for ${envId ?? 'a --scenario file'} (${has}, in models/); give ${instead}`;
}

/**
 * Checkpoint or run path `path` as given, or, when it is a relative models/<name>... that does not
 * exist in the working directory, the committed model of that name in this package's models/ (when
 * it exists there), so `--checkpoint models/ppo-bdt-v0` works outside the checkout too. Every CLI
 * option taking a checkpoint or run path reads it through this, and so do the output checks.
 */
export function checkpointPath(path: string): string {
  return packageFallbackPath(path, 'models', COMMITTED_MODELS_DIR);
}

/**
 * A CliError when the checkpoint `given` (by `option`) does not fit the spaces of `env`, the env
 * of `envId` the command (`command`, in the words of `played`: "compared", "run") plays: in one
 * line, where loading would print the whole space, what it was trained on and the fix: the --env
 * of the id it trained on, the --scenario of a scenario of its own (train --scenario, a
 * --scenario-override), the --import of an id registered by a module not imported here. When the
 * command's own override changes the layout, or the checkpoint cannot be read, loading's detail
 * is left to say what differs.
 */
export function checkCheckpointEnv(option: string, given: string, envId: string, env: Env, played: string, command: string): void {
  const dir = checkpointDirOf(checkpointPath(given));
  let manifest: CheckpointManifest;
  try {
    manifest = readManifest(dir);
  } catch (error) {
    if (error instanceof CheckpointError) return;
    throw error;
  }
  const trainedOn = manifest.envId;
  const misfit = spaceMismatch(manifest, env.observationSpace, env.actionSpace);
  if (misfit === undefined) return;
  const manifestFile = join(dir, MANIFEST_FILE);
  if (!registry.has(trainedOn)) {
    const scenario = manifest.scenario === undefined ? '' : `, or give --scenario with the file of the scenario it trained on (${manifestFile} records it, resolved, as "scenario")`;
    throw new CliError(`${option}: trained on ${trainedOn}, an env id not registered in this process: load the module that registers it, as for training, with bdt-gym --import <module> ${command} ...${scenario}`);
  }
  // run and compare play B-DT envs only: a checkpoint of another env (CartPole) is evaluate's
  if (!isPlayableBdtId(trainedOn)) throw new CliError(`${option}: trained on ${trainedOn}, which is not a B-DT env, and only B-DT envs are ${played} here; evaluate it on its own env with bdt-gym evaluate --checkpoint ${shellQuote(given)}`);
  // (a checkpoint that records no scenario is taken to be of its id's own)
  const own = ownScenario(manifest);
  if (manifest.scenario === undefined || own.fits) {
    if (trainedOn === envId) return; // the command's override changed the layout
    throw new CliError(`${option}: trained on ${trainedOn}, ${played} on ${envId}, whose ${misfit} differs (${misfitDifference(misfit, manifest, env.observationSpace, env.actionSpace)}); give --env ${trainedOn}, or train a policy on ${envId} with bdt-gym train`);
  }
  const { name } = manifest.scenario as { name?: unknown };
  const unfit = `whose ${misfit} (${misfitDifference(misfit, manifest, env.observationSpace, env.actionSpace)}) is not that of the env ${played} here`;
  const recorded = recordedScenario(given, dir, manifest);
  // without summary.json, a scenario named as the id's own is taken for an override of it
  if (recorded === 'whole' || (recorded === undefined && name !== own.name)) {
    throw new CliError(`${option}: trained on ${trainedOn} with a scenario of its own (${JSON.stringify(name)}, which ${manifestFile} records), ${unfit}; give --scenario with the file of that scenario`);
  }
  const orFile = `or --scenario with a file of the scenario ${manifestFile} records (as "scenario")`;
  const onItsId = trainedOn === envId ? '' : ` with --env ${trainedOn}`;
  if (recorded === undefined) throw new CliError(`${option}: trained on ${trainedOn} with an override of its scenario ${JSON.stringify(own.name)}, ${unfit}; give the override it trained with as --scenario-override${onItsId}, ${orFile}`);
  const override = JSON.stringify(recorded.override);
  if (override.length > MAX_QUOTED_OVERRIDE_CHARS) throw new CliError(`${option}: trained on ${trainedOn} with an override of its scenario ${JSON.stringify(own.name)} (${recorded.summaryFile} records it as envKwargs.scenario), ${unfit}; give that override as --scenario-override${onItsId}, ${orFile}`);
  throw new CliError(`${option}: trained on ${trainedOn} with an override of its scenario ${JSON.stringify(own.name)} (${override}, as ${recorded.summaryFile} records it), ${unfit}; give --scenario-override ${shellQuote(override)}${onItsId}, ${orFile}`);
}

/** The longest override a message quotes whole (a longer one is named by where it is recorded). */
const MAX_QUOTED_OVERRIDE_CHARS = 200;

/**
 * The scenario of the checkpoint's env id (registered, B-DT) without envKwargs: its name, and
 * whether the checkpoint of `manifest` fits its spaces.
 */
function ownScenario(manifest: CheckpointManifest): { readonly name: unknown; readonly fits: boolean } {
  const own = make(manifest.envId, {}, { disableEnvChecker: true });
  try {
    return { name: scenarioOf(own)?.['name'], fits: spaceMismatch(manifest, own.observationSpace, own.actionSpace) === undefined };
  } finally {
    own.close();
  }
}

/**
 * What the run of the checkpoint `given` (in `dir`) trained on, as its summary.json records it in
 * envKwargs.scenario: a whole scenario (train --scenario), or an override of its id's (a
 * --scenario-override, a preset's); undefined when there is no summary.json, it cannot be read
 * or it records no scenario.
 */
function recordedScenario(given: string, dir: string, manifest: CheckpointManifest): 'whole' | { readonly override: Record<string, unknown>; readonly summaryFile: string } | undefined {
  const summaryFile = runSummaryFile(checkpointPath(given), dir);
  if (summaryFile === undefined) return undefined;
  let scenario: unknown;
  try {
    scenario = runEnvKwargs(summaryFile, dir, manifest, { unreadable: () => summaryFile, unusable: () => summaryFile }).envKwargs?.['scenario'];
  } catch (error) {
    if (error instanceof CliError) return undefined; // only a hint is lost
    throw error;
  }
  if (isWholeScenario(scenario)) return 'whole';
  return isPlainObject(scenario) ? { override: scenario, summaryFile } : undefined;
}

/** A checkpoint directory `dir` as given by `option` (`--checkpoint runs/x`), for {@link checkCheckpointEnvs}. */
export interface GivenCheckpoint {
  readonly option: string;
  readonly dir: string;
}

/**
 * {@link checkCheckpointEnv} for each checkpoint `given`, all on one env that `open` makes (none
 * made when none is given) and closed after.
 */
export function checkCheckpointEnvs(given: readonly GivenCheckpoint[], envId: string, open: () => Env, played: string, command: string): void {
  if (given.length === 0) return;
  const env = open();
  try {
    for (const { option, dir } of given) checkCheckpointEnv(option, dir, envId, env, played, command);
  } finally {
    env.close();
  }
}

/** Throws `missingCommittedModel`'s refusal as a CliError. */
export function checkCommittedModel(...args: Parameters<typeof missingCommittedModel>): void {
  const why = missingCommittedModel(...args);
  if (why !== undefined) throw new CliError(why);
}

/**
 * The checkpoint directory that agent `agent` reads, as an input its command's outputs must not
 * lie in: `checkpoint` (its checkpoint option, named `label`), else the committed model of
 * `envId`, named after `source` (what chose the agent). None for a scripted agent.
 */
export function checkpointInputs(source: string, agent: string, checkpoint: unknown, label: string, envId: string | undefined): CommandInput[] {
  if (!isLearnedAgent(agent)) return [];
  if (typeof checkpoint === 'string') return checkpointDirInputs(`${label} ${checkpoint}`, checkpoint);
  if (envId === undefined) return [];
  return [{ label: `the committed model of ${source} ${agent}`, path: defaultCheckpointDir(agent, envId), directory: true }];
}

/**
 * Checkpoint directory `given` (read through {@link checkpointPath}, as it is loaded) as inputs
 * named `label`; for the `checkpoint/` (or `best/`) of a train run, the run's own files too
 * ({@link runInputs}), which an output must not replace either.
 */
export function checkpointDirInputs(label: string, given: string): CommandInput[] {
  const dir = checkpointPath(given);
  const isRun = (path: string) => existsSync(join(path, SUMMARY_FILE)) || existsSync(join(path, METRICS_FILE));
  if (isRun(dir)) return runInputs(label, dir); // a run given for its checkpoint
  const run = dirname(dir);
  const inRun = (basename(dir) === CHECKPOINT_SUBDIR || basename(dir) === BEST_SUBDIR) && isRun(run);
  return inRun ? runInputs(label, run) : [{ label, path: dir, directory: true }];
}

/**
 * What train writes in run directory `run`, as inputs named after `label`: its checkpoints and
 * record files, also those it has not written yet (a later --resume would replace them). A new
 * file beside them (a plot of the run, say) replaces nothing and is allowed.
 */
export function runInputs(label: string, run: string): CommandInput[] {
  return [
    ...[CHECKPOINT_SUBDIR, BEST_SUBDIR].map((sub) => ({ label: `${label}'s ${sub}/`, path: join(run, sub), directory: true, reserved: true })),
    ...[METRICS_FILE, SUMMARY_FILE, BEST_EVAL_FILE].map((file) => ({ label: `${label}'s ${file}`, path: join(run, file), reserved: true })),
  ];
}

/** Whether registered id `id` is a B-DT env (one that cannot be made without kwargs is not). */
function isPlayableBdtId(id: string): boolean {
  try {
    return isBdtId(id);
  } catch {
    return false;
  }
}

/** The refusal of an empty `--checkpoint`. */
export const CHECKPOINT_DIR_EXPECTED = '--checkpoint: expected a directory (a train run or its checkpoint directory), got ""';
