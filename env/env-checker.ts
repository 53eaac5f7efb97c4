/**
 * `checkEnv` (gymnasium.utils.env_checker.check_env): runs an env through Gymnasium's list of
 * checks. A broken contract throws `EnvCheckError` whose `check` names it; smells go through
 * `warn`. Pass the raw env (`make(id).unwrapped`), as Gymnasium recommends.
 *
 * Checks, in order (the `check` names):
 * - `env-type`: inherits from `Env`;
 * - `observation-space`, `action-space`: are Spaces, no Dict or Tuple empty (bounds smells warn);
 * - `reset-return`, `info-type`: `reset` returns `[obs, info]`, obs inside the space;
 * - `reset-seed-determinism`: `reset({seed})` twice gives equal observations, and so does
 *   `reset()` after each, and re-seeds the env generator (`seedStreams`), another seed gives
 *   another generator, no seed re-seeds nothing;
 * - `reset-options`: `reset({options: {}})` is accepted;
 * - `step-return`: `step` returns `[obs, number, boolean, boolean, info]`, obs inside the space;
 * - `step-determinism`: the same seed and action give the same step result and leave the env
 *   generator in the same state (both skipped, and the observations of `reset-seed-determinism`,
 *   for an env registered `nondeterministic`, as Gymnasium);
 * - `render`: `metadata.renderFps`, when given, is > 0 (warns when missing for an env with
 *   render modes), `renderMode` is one of `metadata.renderModes`, and each mode renders (for
 *   registered envs; a `'human'` render that returns something warns);
 * - `close-twice`: `close()` may be called twice.
 */
import { Env } from './core/env.ts';
import type { Rng } from './core/rng.ts';
import { EnvCheckError, InvalidArgumentError } from './core/errors.ts';
import { formatValue, unknownKeys } from './core/format.ts';
import { warn } from './core/logger.ts';
import { dataEquivalence } from './core/data-equivalence.ts';
import { checkRenderMetadata, checkResetResult, checkSpaces, checkStepResult, renderOutputProblem } from './passive-checks.ts';
import { copyBatch } from './vector/batch.ts';
import { Box } from './spaces/box.ts';
import { Dict } from './spaces/dict.ts';
import type { Space } from './spaces/space.ts';
import { Tuple } from './spaces/tuple.ts';
import { make } from './registration.ts';

/** Options of `checkEnv` (Gymnasium's `skip_render_check`, `skip_close_check`). */
export interface CheckEnvOptions {
  /** Skip rendering each render mode. */
  skipRenderCheck?: boolean;
  /** Skip calling `close()` twice (on a fresh env from the spec, or on `env` itself when it has no spec). */
  skipCloseCheck?: boolean;
}

/** Runs every check on `env`; throws `EnvCheckError` at the first broken contract. */
export function checkEnv(env: Env, options: CheckEnvOptions = {}): void {
  if (!(env instanceof Env)) throw new EnvCheckError('env-type', `The environment must inherit from Env, got ${formatValue(env)}`);
  // a misspelt option (skipRender) ran the check it meant to skip
  const unknown = unknownKeys(options ?? {}, ['skipRenderCheck', 'skipCloseCheck'], 'option');
  if (unknown !== undefined) throw new InvalidArgumentError(`checkEnv: unknown ${unknown} (options: skipRenderCheck, skipCloseCheck)`);
  if (env.unwrapped !== env) {
    warn(`The environment ${env.toString()} is different from its unwrapped version ${env.unwrapped.toString()}: wrappers may affect the checks; pass env.unwrapped.`);
  }
  checkSpaces(env);
  checkActionSpaceLimits(env);
  checkResetSeedDeterminism(env);
  checkResetOptions(env);
  checkResetResult(env, env.reset());
  checkStepResult(env, env.step(env.actionSpace.sample()));
  checkStepDeterminism(env);
  if (!options.skipRenderCheck) checkRender(env);
  if (!options.skipCloseCheck) checkCloseTwice(env);
}

function rngOf(env: Env): Rng {
  // Gymnasium's checker inspects env.unwrapped._np_random the same way.
  return (env.unwrapped as unknown as { npRandom: Rng }).npRandom;
}

/** The observation of `env.reset(args)`; a result that is no `[obs, info]`, or an observation outside the space, fails `reset-return`. */
function resetChecked(env: Env, args: Parameters<Env['reset']>[0]): unknown {
  const result = env.reset(args);
  if (!Array.isArray(result) || result.length !== 2) throw new EnvCheckError('reset-return', `reset() must return [obs, info], got ${formatValue(result)}`);
  const why = env.observationSpace.explain(result[0]);
  if (why !== undefined) {
    throw new EnvCheckError('reset-return', `The observation returned by reset(${formatValue(args)}) is not within the observation space ${env.observationSpace.toString()}: ${why}`);
  }
  return result[0];
}

/**
 * Gymnasium's `check_space_limit` for actions: warns once when a 1-D Box (also inside a Dict or
 * Tuple) is neither symmetric nor starting at 0, or reaches outside [-1, 1]; [-1, 1] and [0, 1]
 * pass. (Gymnasium also warns about infinite bounds; not done here, see docs/GYMNASIUM.md.)
 */
function checkActionSpaceLimits(env: Env): void {
  const unnormalised = (space: Space<unknown>): boolean => {
    if (space instanceof Dict) return Object.values(space.spaces).some(unnormalised);
    if (space instanceof Tuple) return space.spaces.some(unnormalised);
    if (!(space instanceof Box) || space.shape.length !== 1) return false;
    for (let i = 0; i < space.size; i++) {
      const low = space.low[i]!;
      const high = space.high[i]!;
      if ((low !== 0 && Math.abs(low) !== Math.abs(high)) || low < -1 || high > 1) return true;
    }
    return false;
  };
  if (unnormalised(env.actionSpace)) {
    warn(`For Box action spaces we recommend a symmetric and normalised range ([-1, 1] or [0, 1]); got ${env.actionSpace.toString()}`);
  }
}

/** Gymnasium's `check_reset_seed_determinism`: reset({seed: 123}), reset(), reset({seed: 123}), reset(), then seed 456 and no seed. */
function checkResetSeedDeterminism(env: Env): void {
  const check = 'reset-seed-determinism';
  // copies: an env may return the same observation object each time; each pair is compared
  // through copyBatch, which drops prototypes (a null-prototype Dict observation stays equal)
  const obs1 = copyBatch(resetChecked(env, { seed: 123 }));
  const state1 = JSON.stringify(rngOf(env).state());
  const unseeded1 = copyBatch(resetChecked(env, {}));
  const obs2 = copyBatch(resetChecked(env, { seed: 123 }));
  const state2 = JSON.stringify(rngOf(env).state());
  const unseeded2 = copyBatch(resetChecked(env, {}));
  // as Gymnasium: an env registered nondeterministic is not held to equal observations, only to its generator's seeding
  const deterministic = env.spec?.nondeterministic !== true;
  if (deterministic && !dataEquivalence(obs1, obs2)) {
    throw new EnvCheckError(check, `reset({seed: 123}) is non-deterministic: ${formatValue(obs1)} then ${formatValue(obs2)}`);
  }
  if (deterministic && !dataEquivalence(unseeded1, unseeded2)) {
    throw new EnvCheckError(check, `reset({seed: 123}) then reset() is non-deterministic: the unseeded reset gave ${formatValue(unseeded1)}, then ${formatValue(unseeded2)}; an unseeded reset must continue the streams the last seed set, not draw from fresh entropy`);
  }
  if (state2 !== state1) {
    throw new EnvCheckError(check, 'the env generator differs after two reset({seed: 123}) calls: reset() most likely does not call this.seedStreams(args.seed)');
  }
  resetChecked(env, { seed: 456 });
  if (JSON.stringify(rngOf(env).state()) === state1) {
    throw new EnvCheckError(check, 'the env generator is the same for seeds 123 and 456: reset() most likely does not call this.seedStreams(args.seed)');
  }
  const rng456 = rngOf(env);
  resetChecked(env, {});
  if (rngOf(env) !== rng456) {
    throw new EnvCheckError(check, 'reset() without a seed replaced the env generator; it must only re-seed when a seed is given');
  }
}

function checkResetOptions(env: Env): void {
  try {
    env.reset({ options: {} });
  } catch (error) {
    throw new EnvCheckError('reset-options', `reset({options: {}}) threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function checkStepDeterminism(env: Env): void {
  const check = 'step-determinism';
  if (env.spec?.nondeterministic === true) return; // as Gymnasium
  env.actionSpace.seed(123);
  const action = env.actionSpace.sample();
  // copies, as for reset: an env that reuses its observation object would compare it with itself
  env.reset({ seed: 123 });
  const first = copyBatch(env.step(action));
  const state1 = JSON.stringify(rngOf(env).state());
  env.reset({ seed: 123 });
  const second = copyBatch(env.step(action));
  const names = ['observation', 'reward', 'terminated', 'truncated', 'info'];
  for (let i = 0; i < 5; i++) {
    if (!dataEquivalence(first[i], second[i])) {
      throw new EnvCheckError(check, `step ${names[i]} is not deterministic for seed 123 and action ${formatValue(action)}: ${formatValue(first[i])} then ${formatValue(second[i])}`);
    }
  }
  // as Gymnasium: the env generator must be where the same step left it, not drawn a varying number of times
  if (JSON.stringify(rngOf(env).state()) !== state1) throw new EnvCheckError(check, `the env generator differs after the same step from reset({seed: 123}) with action ${formatValue(action)}: step() draws from it a varying number of times`);
  // as Gymnasium: a step checked for determinism must not end the episode by a time limit
  if (first[3] === true) throw new EnvCheckError(check, "the env truncates after 1 step (reset({seed: 123}), then one step): a time limit of 1 (a scenario's slots: 1 among them; Gymnasium's check_env refuses it too, so check the env with a longer one), or truncated set where terminated was meant");
}

function checkRender(env: Env): void {
  const modes = env.metadata.renderModes;
  if (!Array.isArray(modes)) throw new EnvCheckError('render', `metadata.renderModes must be an array, got ${formatValue(modes)}`);
  checkRenderMetadata(env);
  if (env.renderMode !== undefined) checkRenderOutput(env);
  if (!env.spec) {
    warn('Not able to test alternative render modes: the environment has no spec (make it with make()).');
    return;
  }
  for (const mode of modes) {
    const other = make(env.spec, { renderMode: mode }, { disableEnvChecker: true });
    other.reset({ seed: 0 });
    checkRenderOutput(other);
    other.close();
  }
}

/** Renders once: a throw, or output of the wrong type for `ansi` or `rgb_array`, fails the check; a `'human'` render that returns something warns, as Gymnasium. */
function checkRenderOutput(env: Env): void {
  let out: unknown;
  try {
    out = env.render();
  } catch (error) {
    throw new EnvCheckError('render', `render() in mode "${env.renderMode}" threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = renderOutputProblem(env.renderMode, out);
  if (problem === undefined) return;
  // as Gymnasium's, a 'human' render's return only warns
  if (env.renderMode === 'human') warn(problem);
  else throw new EnvCheckError('render', problem);
}

function checkCloseTwice(env: Env): void {
  const target = env.spec ? make(env.spec, {}, { disableEnvChecker: true }) : env;
  try {
    target.close();
    target.close();
  } catch (error) {
    throw new EnvCheckError('close-twice', `calling close() twice threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}
