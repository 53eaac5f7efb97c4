/**
 * What a `train` run's summary.json (else its checkpoint's manifest) records of the env it trained
 * on, for the commands that default to it (`evaluate`, and `train --resume` without --preset).
 */
import { constants } from 'node:buffer';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { BEST_SUBDIR, CHECKPOINT_SUBDIR, SUMMARY_FILE } from '../agents/checkpoint/checkpoint-dir.ts';
import { MANIFEST_FILE, type CheckpointManifest } from '../agents/checkpoint/manifest.ts';
import { scenarioOf } from '../agents/checkpoint/trained-scenario.ts';
import { formatValue, make } from '../env/index.ts';
import { isWholeScenario } from '../env/bdt/scenario/parse.ts';
import { withoutByteOrderMark } from '../node/byte-order-mark.ts';
import { readFileCapped } from '../node/capped-read.ts';
import { CliError } from './errors.ts';

/** The largest summary.json read: what one string holds (V8's limit), as for a --scenario file, whose scenario its envKwargs may hold. */
export const MAX_SUMMARY_BYTES = constants.MAX_STRING_LENGTH;

/** How the reading command words a summary it cannot use (the file is named by the caller). */
export interface SummaryRefusals {
  /** The file cannot be read or parsed (`detail`: the error code or message). */
  unreadable(detail: string): string;
  /** It does not record the run's envKwargs as train writes them (`problem`: what is wrong, e.g. `envKwargs: expected a JSON object, got [1]`). */
  unusable(problem: string): string;
}

/**
 * The envKwargs summary `file` records of the run whose checkpoint is of env `envId` (train's
 * final evaluation ran on them; undefined when it records none: the run had none), and the env
 * steps it says the run trained. A CliError worded by `refuse` when the file cannot be read, or
 * is not train's summary of that run: not an object, of another env or agent, or its envKwargs
 * not an object (taking any of those for a run with no envKwargs would put the run on the plain
 * env, silently).
 */
function recordedRun(file: string, { envId, algo }: Pick<CheckpointManifest, 'envId' | 'algo'>, refuse: SummaryRefusals): { envKwargs: Record<string, unknown> | undefined; steps: number | undefined } {
  let summary: unknown;
  try {
    summary = JSON.parse(withoutByteOrderMark(readFileCapped(file, MAX_SUMMARY_BYTES).toString('utf8')));
  } catch (error) {
    throw new CliError(refuse.unreadable((error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) throw new CliError(refuse.unusable(`expected a JSON object (the run's summary), got ${formatValue(summary)}`));
  const { agent, env, envKwargs, steps } = summary as { agent?: unknown; env?: unknown; envKwargs?: unknown; steps?: unknown };
  if (env !== envId) throw new CliError(refuse.unusable(`env: expected ${JSON.stringify(envId)}, the env of the checkpoint beside it, got ${env === undefined ? 'none' : formatValue(env)}`));
  // (a CartPole run records no scenario to tell another run's summary by)
  if (agent !== algo) throw new CliError(refuse.unusable(`agent: expected ${JSON.stringify(algo)}, the algorithm of the checkpoint beside it, got ${agent === undefined ? 'none' : formatValue(agent)}`));
  const recordedSteps = typeof steps === 'number' ? steps : undefined;
  if (envKwargs === undefined) return { envKwargs: undefined, steps: recordedSteps };
  if (typeof envKwargs !== 'object' || envKwargs === null || Array.isArray(envKwargs)) throw new CliError(refuse.unusable(`envKwargs: expected a JSON object, got ${JSON.stringify(envKwargs)}`));
  return { envKwargs: envKwargs as Record<string, unknown>, steps: recordedSteps };
}

/**
 * The summary.json of the train run that `checkpointOption` names: in the run directory itself,
 * or beside the checkpoint/ or best/ directory given (undefined for a bare checkpoint).
 */
export function runSummaryFile(checkpointOption: string, checkpointDir: string): string | undefined {
  const candidates = [join(checkpointOption, SUMMARY_FILE)];
  if ([CHECKPOINT_SUBDIR, BEST_SUBDIR].includes(basename(checkpointDir))) candidates.push(join(dirname(checkpointDir), SUMMARY_FILE));
  return candidates.find((file) => existsSync(file));
}

/** The envKwargs a run trained with, as the commands that default to them read them back. */
export interface RunEnvKwargs {
  readonly envKwargs: Record<string, unknown> | undefined;
  /** The scenario an override on --resume must leave as it is: summary.json's envKwargs.scenario, or the manifest's resolved scenario. */
  readonly scenario: unknown;
  /** The file that records them: summary.json, or the checkpoint's manifest when there is no summary.json. */
  readonly source: string;
  readonly fromManifest: boolean;
  /**
   * Without summary.json, the manifest records no scenario (not a B-DT env, or saved before
   * manifests kept it), so it cannot tell the run's envKwargs: `envKwargs` are then the env's defaults,
   * which may not be what the run trained on.
   */
  readonly unknown: boolean;
  /** The env steps summary.json records the run trained (undefined without one): fewer than the checkpoint's when a kill kept the summary of its last save from being written. */
  readonly summarySteps: number | undefined;
}

/**
 * The envKwargs the run whose checkpoint (in `checkpointDir`, its `manifest`) trained on its env
 * with: as its `summaryFile` records them; without one (a checkpoint copied out of its run, an
 * earlier version's run killed in its final evaluation), the resolved
 * scenario the manifest records, as envKwargs.scenario when it is not the env's own, so the
 * policy still plays on its own system; the manifest records nothing else (see `unknown`). A
 * CliError worded by `refuse` for a summary that cannot be read or used (never taken for one that
 * records no envKwargs).
 */
export function runEnvKwargs(summaryFile: string | undefined, checkpointDir: string, manifest: CheckpointManifest, refuse: SummaryRefusals): RunEnvKwargs {
  if (summaryFile !== undefined) {
    const { envKwargs, steps } = recordedRun(summaryFile, manifest, refuse);
    return { envKwargs, scenario: envKwargs?.['scenario'], source: summaryFile, fromManifest: false, unknown: false, summarySteps: steps };
  }
  const { scenario } = manifest;
  const ownScenario = scenario === undefined || isDeepStrictEqual(resolvedScenario(manifest.envId, undefined), scenario);
  return { envKwargs: ownScenario ? undefined : { scenario }, scenario, source: join(checkpointDir, MANIFEST_FILE), fromManifest: true, unknown: scenario === undefined, summarySteps: undefined };
}

/** The resolved scenario of `envId` made with `envKwargs` (checked before), as a checkpoint's manifest records it. */
export function resolvedScenario(envId: string, envKwargs: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const env = make(envId, envKwargs);
  try {
    return scenarioOf(env);
  } finally {
    env.close();
  }
}

/**
 * `envKwargs` as a line names them when they hold a whole scenario (train --scenario records the
 * resolved one): `whole scenario "<name>"`, with any other kwargs after it, not its every field;
 * undefined for others, which a line prints as JSON.
 */
export function wholeScenarioLabel(envKwargs: Record<string, unknown> | undefined): string | undefined {
  const { scenario, ...rest } = envKwargs ?? {};
  if (!isWholeScenario(scenario)) return undefined;
  return `whole scenario ${JSON.stringify(scenario['name'])}${Object.keys(rest).length > 0 ? ` and envKwargs ${JSON.stringify(rest)}` : ''}`;
}
