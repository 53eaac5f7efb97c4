/** The committed models (models/<algo>-<env id>) that learned agents load when given no checkpoint. */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { BEST_EVAL_FILE, BEST_SUBDIR, CHECKPOINT_SUBDIR, METRICS_FILE, SUMMARY_FILE } from '../agents/checkpoint/checkpoint-dir.ts';
import { checkpointDirOf } from '../agents/checkpoint/checkpoint-dir.ts';
import { CheckpointError } from '../agents/checkpoint/checkpoint-error.ts';
import { readManifest } from '../agents/checkpoint/manifest.ts';
import { spaceMismatch } from '../agents/checkpoint/space-fit.ts';
import { COMMITTED_MODELS_DIR, defaultCheckpointDir, hasCommittedCheckpoint, isLearnedAlgorithm } from '../agents/learned-agents.ts';
import { registry, type Env } from '../env/index.ts';
import { CliError } from './errors.ts';
import { shellQuote } from './invocation.ts';
import { isBdtId, type CommandInput } from './options.ts';

/**
 * Why a learned agent given no checkpoint cannot run on an env without a committed model: that
 * there is none, which envs have one and what to give instead (`instead`); the loader would only
 * say that models/<algo>-<id> does not exist. `undefined` when it can run. `envId` is undefined
 * for a scenario file (no model is committed for one), `source` names what chose the agent.
 */
export function missingCommittedModel(source: string, agent: string, envId: string | undefined, hasCheckpoint: boolean, instead: string): string | undefined {
  if (!isLearnedAlgorithm(agent) || hasCheckpoint) return undefined;
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
  const [first, ...rest] = normalize(path).split(sep);
  if (isAbsolute(path) || first !== 'models' || rest.length === 0 || existsSync(path)) return path;
  const committed = join(COMMITTED_MODELS_DIR, ...rest);
  return existsSync(committed) ? committed : path;
}

/**
 * A CliError when the checkpoint `given` (by `option`) was trained on another env id than
 * `envId`, the env the command plays (`env`, as `played`: "compared", "run"), and does not fit
 * its spaces: the two ids and the fix in one line, where loading would print the whole space. On
 * the id it was trained on (a --scenario-override changed the layout) loading's detail is left to
 * say what differs; a checkpoint that cannot be read is left to loading to report.
 */
export function checkCheckpointEnv(option: string, given: string, envId: string, env: Env, played: string): void {
  let trainedOn: string;
  try {
    const manifest = readManifest(checkpointDirOf(checkpointPath(given)));
    if (manifest.envId === envId || spaceMismatch(manifest, env.observationSpace, env.actionSpace) === undefined) return;
    trainedOn = manifest.envId;
  } catch (error) {
    if (error instanceof CheckpointError) return;
    throw error;
  }
  // run and compare play B-DT envs only: a checkpoint of another env (CartPole) is evaluate's
  if (!isPlayableBdtId(trainedOn)) throw new CliError(`${option}: trained on ${trainedOn}, which is not a B-DT env, and only B-DT envs are ${played} here; evaluate it on its own env with bdt-gym evaluate --checkpoint ${shellQuote(given)}`);
  throw new CliError(`${option}: trained on ${trainedOn}, ${played} on ${envId}; give --env ${trainedOn}`);
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
export function checkCheckpointEnvs(given: readonly GivenCheckpoint[], envId: string, open: () => Env, played: string): void {
  if (given.length === 0) return;
  const env = open();
  try {
    for (const { option, dir } of given) checkCheckpointEnv(option, dir, envId, env, played);
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
  if (!isLearnedAlgorithm(agent)) return [];
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

/** Whether `id` is a registered B-DT env (an id registered by a module not imported here is not). */
function isPlayableBdtId(id: string): boolean {
  try {
    return isBdtId(id);
  } catch {
    return false;
  }
}
