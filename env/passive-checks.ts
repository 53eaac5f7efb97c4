/**
 * The passive checks of gymnasium.utils.passive_env_checker: cheap inspections of spaces and of
 * one `reset`/`step` result. Structural breaks (wrong tuple, wrong types, a Dict observation's
 * keys or a Tuple one's length not the space's) throw `EnvCheckError`; smells (observation
 * outside its space, NaN/Inf, equal bounds) warn. `PassiveEnvChecker` runs them on the first
 * reset and step; `checkEnv` runs them too.
 */
import type { Env, RenderMode } from './core/env.ts';
import { EnvCheckError } from './core/errors.ts';
import { formatValue } from './core/format.ts';
import { warn } from './core/logger.ts';
import { Space } from './spaces/space.ts';
import { Box } from './spaces/box.ts';
import { Dict } from './spaces/dict.ts';
import { Tuple } from './spaces/tuple.ts';

/** Both spaces are Space instances, no Dict or Tuple empty; Box bounds smells warn. */
export function checkSpaces(env: Env): void {
  for (const [name, space] of [['observation', env.observationSpace], ['action', env.actionSpace]] as const) {
    if (!(space instanceof Space)) throw new EnvCheckError(`${name}-space`, `${name}Space is ${formatValue(space)}, expected a Space (Box, Discrete, …)`);
    checkSpaceSmells(space, `${name}Space`, name === 'action');
  }
}

function checkSpaceSmells(space: Space<unknown>, path: string, isAction: boolean): void {
  // as Gymnasium's check_space: an empty composite holds no value an agent could use
  if ((space instanceof Dict && space.keys.length === 0) || (space instanceof Tuple && space.spaces.length === 0)) {
    throw new EnvCheckError(`${isAction ? 'action' : 'observation'}-space`, `${path} is an empty ${space instanceof Dict ? 'Dict' : 'Tuple'}, which is not allowed`);
  }
  if (space instanceof Box) {
    for (let i = 0; i < space.size; i++) {
      if (space.low[i] === space.high[i]) {
        warn(`${path} ${space.toString()}: low[${i}] equals high[${i}] (a constant element)`);
        break;
      }
    }
    if (isAction && !space.isBounded()) warn(`${path} ${space.toString()} is unbounded; agents usually need bounded continuous actions`);
  } else if (space instanceof Dict) {
    for (const key of space.keys) checkSpaceSmells(space.spaces[key]!, `${path}.${key}`, isAction);
  } else if (space instanceof Tuple) {
    space.spaces.forEach((s: Space<unknown>, i: number) => checkSpaceSmells(s, `${path}[${i}]`, isAction));
  }
}

/**
 * A Dict observation without the space's keys, or with others, or a Tuple one of another length,
 * throws (Gymnasium's check_obs asserts); smells warn: outside the space, NaN or ±Infinity inside.
 */
function checkObservation(env: Env, obs: unknown, where: string): void {
  checkObservationStructure(env.observationSpace, obs, where, '');
  const why = env.observationSpace.explain(obs);
  if (why !== undefined) warn(`The observation returned by \`${where}\` is not within the observation space ${env.observationSpace.toString()}: ${why}`);
  if (hasNonFinite(obs)) warn(`The observation returned by \`${where}\` contains NaN or Infinity: ${formatValue(obs)}`);
}

/** Throws unless `obs` has the Dict keys and Tuple lengths of `space`, at every depth; `at` is the path so far (` at key "k"`). */
function checkObservationStructure(space: Space<unknown>, obs: unknown, where: string, at: string): void {
  const refused = (why: string) => new EnvCheckError('observation-structure', `The observation returned by \`${where}\`${at} ${why}`);
  if (space instanceof Dict) {
    if (typeof obs !== 'object' || obs === null || Array.isArray(obs) || ArrayBuffer.isView(obs)) throw refused(`must be an object with keys [${space.keys.join(', ')}], got ${formatValue(obs)}`);
    const keys = Object.keys(obs);
    const missing = space.keys.find((key) => !keys.includes(key));
    const extra = keys.find((key) => !space.keys.includes(key));
    if (missing !== undefined || extra !== undefined) {
      const why = missing !== undefined ? `key "${missing}" is missing` : `key "${extra}" is not in the space`;
      throw refused(`does not have the keys of ${space.toString()}: ${why} (observation keys: [${keys.join(', ')}]; space keys: [${space.keys.join(', ')}])`);
    }
    for (const key of space.keys) checkObservationStructure(space.spaces[key]!, (obs as Record<string, unknown>)[key], where, `${at} at key "${key}"`);
  } else if (space instanceof Tuple) {
    if (!Array.isArray(obs)) throw refused(`must be an Array of ${space.spaces.length} elements for ${space.toString()}, got ${formatValue(obs)}`);
    if (obs.length !== space.spaces.length) throw refused(`has ${obs.length} elements, ${space.toString()} has ${space.spaces.length}`);
    space.spaces.forEach((s: Space<unknown>, i: number) => checkObservationStructure(s, obs[i], where, `${at} at [${i}]`));
  }
}

/** `reset` returned `[obs, info]` with an object info. */
export function checkResetResult(env: Env, result: unknown): void {
  if (!Array.isArray(result) || result.length !== 2) {
    throw new EnvCheckError('reset-return', `reset() must return [obs, info], got ${formatValue(result)}`);
  }
  checkObservation(env, result[0], 'reset()');
  checkInfo(result[1], 'reset()');
}

/** `step` returned `[obs, reward, terminated, truncated, info]` with the right types. */
export function checkStepResult(env: Env, result: unknown): void {
  if (!Array.isArray(result) || result.length !== 5) {
    throw new EnvCheckError('step-return', `step() must return [obs, reward, terminated, truncated, info], got ${formatValue(result)}`);
  }
  const [obs, reward, terminated, truncated, info] = result as unknown[];
  if (typeof terminated !== 'boolean') throw new EnvCheckError('step-return', `step() terminated must be a boolean, got ${formatValue(terminated)}`);
  if (typeof truncated !== 'boolean') throw new EnvCheckError('step-return', `step() truncated must be a boolean, got ${formatValue(truncated)}`);
  if (typeof reward !== 'number') throw new EnvCheckError('step-return', `step() reward must be a number, got ${formatValue(reward)}`);
  if (!Number.isFinite(reward)) warn(`The reward returned by \`step()\` is ${reward}`);
  checkObservation(env, obs, 'step()');
  checkInfo(info, 'step()');
}

/**
 * The render metadata, checked before the first render (Gymnasium's `env_render_passive_checker`):
 * a `renderFps` <= 0 and a `renderMode` missing from `renderModes` break the contract and throw;
 * `renderModes` that is no array, a `renderFps` that is no number, and no `renderFps` for an env
 * that renders at all, warn.
 */
export function checkRenderMetadata(env: Env): void {
  const modes: unknown = env.metadata.renderModes;
  if (!Array.isArray(modes)) {
    warn(`metadata.renderModes should be an array of render modes, got ${formatValue(modes)}: render() may not work`);
    return;
  }
  const fps: unknown = env.metadata.renderFps;
  if (fps === undefined) {
    // as Gymnasium, only an env that renders needs a frame rate
    if (modes.length > 0) warn('No render fps was declared (metadata.renderFps): rendering may run at an inconsistent rate');
  } else if (typeof fps !== 'number') {
    warn(`metadata.renderFps should be a number, got ${formatValue(fps)}`);
  } else if (!(fps > 0)) {
    throw new EnvCheckError('render', `metadata.renderFps must be a number > 0, got ${formatValue(fps)}`);
  }
  if (env.renderMode !== undefined && !modes.includes(env.renderMode)) {
    throw new EnvCheckError('render', `renderMode "${env.renderMode}" is not in metadata.renderModes [${modes.join(', ')}]`);
  }
}

/** Render output smells: output of the wrong type for the mode (a `'human'` render returns nothing). */
export function checkRenderResult(env: Env, out: unknown): void {
  const problem = renderOutputProblem(env.renderMode, out);
  if (problem !== undefined) warn(problem);
}

/** What is wrong with `out` as a render in `mode` (a string for `ansi`, a Uint8Array for `rgb_array`, nothing for `human`), or undefined. */
export function renderOutputProblem(mode: RenderMode | undefined, out: unknown): string | undefined {
  const expected = mode === 'ansi' ? 'a string' : mode === 'rgb_array' ? 'a Uint8Array' : mode === 'human' ? 'undefined' : undefined;
  const ok = expected === undefined || (mode === 'ansi' ? typeof out === 'string' : mode === 'rgb_array' ? out instanceof Uint8Array : out === undefined);
  return ok ? undefined : `render() in mode "${mode}" should return ${expected}, got ${formatValue(out)}`;
}

function checkInfo(info: unknown, where: string): void {
  // a Map or a class instance is no plain object: wrappers and vector envs read infos by their own keys
  const prototype = typeof info === 'object' && info !== null ? Object.getPrototypeOf(info) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new EnvCheckError('info-type', `The info returned by \`${where}\` must be a plain object, got ${formatValue(info)}`);
  }
}

function hasNonFinite(x: unknown): boolean {
  if (typeof x === 'number') return !Number.isFinite(x);
  if (x instanceof Float32Array || x instanceof Float64Array) {
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return true;
    return false;
  }
  if (Array.isArray(x)) return x.some(hasNonFinite);
  if (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x)) return Object.values(x).some(hasNonFinite);
  return false;
}
