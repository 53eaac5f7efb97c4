/**
 * gymnasium.wrappers.PassiveEnvChecker: checks the spaces on construction, the first `reset` and
 * `step` results, and the render metadata and result at the first `render` (then gets out of the
 * way, so it costs nothing per step). Applied by `make` unless `disableEnvChecker`.
 */
import type { Env, ResetArgs, ResetResult, StepResult } from '../core/env.ts';
import { Wrapper } from '../core/wrapper.ts';
import { checkRenderMetadata, checkRenderResult, checkResetResult, checkSpaces, checkStepResult } from '../passive-checks.ts';

/**
 * Checks the env's spaces at construction, the first `reset` and `step` results and the first
 * `render`, then costs nothing per step (gymnasium.wrappers.PassiveEnvChecker); throws
 * `EnvCheckError` where Gymnasium's only warns about a broken contract. Applied by `make` unless
 * `disableEnvChecker`.
 */
export class PassiveEnvChecker<Obs, Act> extends Wrapper<Obs, Act> {
  private checkedReset = false;
  private checkedStep = false;
  private checkedRender = false;

  constructor(env: Env<Obs, Act>) {
    super(env);
    checkSpaces(env as Env);
  }

  override reset(args?: ResetArgs): ResetResult<Obs> {
    const result = this.env.reset(args);
    if (!this.checkedReset) {
      this.checkedReset = true;
      checkResetResult(this.env as Env, result);
    }
    return result;
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    if (!this.checkedStep) {
      this.checkedStep = true;
      checkStepResult(this.env as Env, result);
    }
    return result;
  }

  override render(): string | Uint8Array | undefined {
    if (this.checkedRender) return this.env.render();
    this.checkedRender = true;
    checkRenderMetadata(this.env as Env);
    const out = this.env.render();
    checkRenderResult(this.env as Env, out);
    return out;
  }
}
