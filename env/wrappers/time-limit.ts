/**
 * gymnasium.wrappers.TimeLimit: sets `truncated` once `maxEpisodeSteps` steps have been taken
 * since the last reset. Applied by `make` when the spec has `maxEpisodeSteps`.
 */
import type { Env, EnvSpec, ResetArgs, ResetResult, StepResult } from '../core/env.ts';
import { GymError } from '../core/errors.ts';
import { Wrapper } from '../core/wrapper.ts';

/**
 * Sets `truncated` once `maxEpisodeSteps` steps have been taken since the last reset
 * (gymnasium.wrappers.TimeLimit). Applied by `make` when the spec has `maxEpisodeSteps`.
 */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  readonly maxEpisodeSteps: number;
  private elapsed = 0;
  private specOf: EnvSpec | undefined = undefined;
  private limitedSpec: EnvSpec | undefined = undefined;

  constructor(env: Env<Obs, Act>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) throw new GymError(`TimeLimit: maxEpisodeSteps = ${maxEpisodeSteps} must be a positive integer`);
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  /** The inner spec with this wrapper's limit as `maxEpisodeSteps` (Gymnasium's `TimeLimit.spec`), so `make(env.spec)` rebuilds it. */
  override get spec(): EnvSpec | undefined {
    const inner = this.env.spec;
    if (inner === undefined) return undefined;
    if (this.specOf !== inner) {
      this.specOf = inner;
      this.limitedSpec = Object.freeze({ ...inner, maxEpisodeSteps: this.maxEpisodeSteps });
    }
    return this.limitedSpec;
  }

  override set spec(spec: EnvSpec | undefined) {
    super.spec = spec; // refused, as for any wrapper
  }

  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(args?: ResetArgs): ResetResult<Obs> {
    this.elapsed = 0;
    return this.env.reset(args);
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    if (++this.elapsed >= this.maxEpisodeSteps) result[3] = true;
    return result;
  }
}
