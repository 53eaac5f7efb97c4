/**
 * gymnasium.wrappers.OrderEnforcing: `step` (and `render`, unless disabled) before the first
 * `reset` throws `ResetNeededError` instead of stepping an uninitialised env.
 */
import { checkResetArgs, type Env, type ResetArgs, type ResetResult, type StepResult } from '../core/env.ts';
import { ResetNeededError } from '../core/errors.ts';
import { Wrapper } from '../core/wrapper.ts';

/**
 * Throws `ResetNeededError` on a `step` (or `render`, unless disabled) before the first `reset`
 * (gymnasium.wrappers.OrderEnforcing). Applied by `make`.
 */
export class OrderEnforcing<Obs, Act> extends Wrapper<Obs, Act> {
  private readonly disableRenderOrderEnforcing: boolean;
  private resetDone = false;

  constructor(
    env: Env<Obs, Act>,
    disableRenderOrderEnforcing = false,
  ) {
    super(env);
    this.disableRenderOrderEnforcing = disableRenderOrderEnforcing;
  }

  /** Whether `reset` has been called. */
  get hasReset(): boolean {
    return this.resetDone;
  }

  override reset(args?: ResetArgs): ResetResult<Obs> {
    // every made env's reset passes here, a user's env too: refuse what is not reset's argument object by name
    if (args !== undefined) checkResetArgs(args, `${this.env.toString()}.reset`);
    this.resetDone = true;
    return this.env.reset(args);
  }

  override step(action: Act): StepResult<Obs> {
    if (!this.resetDone) throw new ResetNeededError(`${this.env.toString()}: cannot call step() before reset(); call env.reset() first`);
    return this.env.step(action);
  }

  override render(): string | Uint8Array | undefined {
    if (!this.disableRenderOrderEnforcing && !this.resetDone) {
      throw new ResetNeededError(`${this.env.toString()}: cannot call render() before reset(); call env.reset() first`);
    }
    return this.env.render();
  }
}
