/**
 * Cart-pole vectorised natively, a port of Gymnasium 1.3's `CartPoleVectorEnv`
 * (gymnasium/envs/classic_control/cartpole.py): every env's state in one Float64Array, stepped
 * in one call, with Gymnasium's next-step autoreset, episode limit and single generator.
 */
import * as z from 'zod';
import { parseKwargs } from '../core/zod-issues.ts';
import { checkResetArgs, type EnvSpec } from '../core/env.ts';
import { GymError, InvalidArgumentError, ResetNeededError } from '../core/errors.ts';
import { checkSeed, makeRng, type Rng } from '../core/rng.ts';
import { Box } from '../spaces/box.ts';
import { Discrete } from '../spaces/discrete.ts';
import type { Space } from '../spaces/space.ts';
import { batchSpace, readCheckedActions } from '../vector/batch.ts';
import { checkNumEnvs, type VectorEnv, type VectorResetArgs, type VectorResetResult, type VectorStepResult } from '../vector/vector-env.ts';
import { CartPoleEnv, isCartPoleTerminal, resetBounds, stepCartPole, type CartPolePhysics } from './cartpole.ts';

const SYNC_HINT = "makeVec(id, n, { vectorizationMode: 'sync' })";

/** Keyword arguments of `CartPoleVectorEnv` (and of `makeVec('CartPole-v1', n, { kwargs })`). */
export const CartPoleVectorEnvKwargs = z
  .object({
    maxEpisodeSteps: z.number().int().positive().default(500).describe('Steps after which an episode is truncated (CartPole-v1: 500, v0: 200; steps)'),
    suttonBartoReward: z
      .boolean()
      .default(false)
      .describe('Gymnasium 1.x sutton_barto_reward: 0 per surviving step and -1 on termination instead of +1 per step (reward units)'),
    renderMode: z
      .undefined({ error: `CartPoleVectorEnv renders nothing (Gymnasium's renders rgb_array only, which bdt-gym does not draw); render one env with make('CartPole-v1', { renderMode: 'ansi' })` })
      .optional()
      .describe('Not supported: the vector env does not render'),
    autoresetMode: z
      .literal('next-step', { error: `CartPoleVectorEnv autoresets on the next step only, as Gymnasium's; other modes: ${SYNC_HINT}` })
      .default('next-step')
      .describe("'next-step' only (see `AutoresetMode`)"),
    copy: z
      .boolean()
      .default(true)
      .describe("Return fresh arrays each call (default); false: the env's own observation, reward and flag arrays, which the next call overwrites (no allocation)"),
  })
  .strict();
export type CartPoleVectorEnvKwargs = z.input<typeof CartPoleVectorEnvKwargs>;

/**
 * ## Description
 * `numEnvs` cart-poles (see {@link CartPoleEnv}) stepped together, as Gymnasium's
 * `CartPoleVectorEnv`: the same dynamics (shared with `CartPoleEnv`), rewards, episode limit and
 * next-step autoreset. Unlike a `SyncVectorEnv` of `CartPoleEnv`s, one generator draws every
 * env's starting state, as in Gymnasium.
 *
 * ## Action Space
 * `batchSpace(Discrete(2), numEnvs)`: one 0 (push left) or 1 (push right) per env. Every env's
 * action is checked, those ignored by an autoreset included.
 *
 * ## Observation Space
 * `batchSpace(CartPoleEnv observation space, numEnvs)`: a Float32Array of `numEnvs` rows
 * `[x, xDot, theta, thetaDot]`.
 *
 * ## Rewards
 * As `CartPoleEnv`: +1 per step (with `suttonBartoReward`, 0 per step and -1 on termination), 0 on
 * an autoreset step (`Float64Array`; Gymnasium's are float32, with the same values).
 *
 * ## Starting State
 * Each state variable uniform in (-0.05, 0.05), or in `reset({options: {low, high}})`'s bounds,
 * which the autoresets that follow use too. A reset draws `numEnvs` positions, then `numEnvs`
 * velocities, angles and angular velocities, from the one generator (Gymnasium's
 * `uniform(size=(4, numEnvs))`), an autoreset the same for the envs it resets. The generator is
 * not NumPy's (see docs/GYMNASIUM.md), so a seed gives other states than in Gymnasium.
 *
 * ## Episode End
 * Termination as `CartPoleEnv`; truncation after `maxEpisodeSteps` steps (both can hold). The
 * step after either resets the env (its action ignored) and reports reward 0, not terminated,
 * not truncated.
 *
 * ## Arguments
 * `new CartPoleVectorEnv(8, { suttonBartoReward: true })`; see `CartPoleVectorEnvKwargs`. It is
 * the `vectorEntryPoint` of CartPole-v0 and v1, as in Gymnasium: `makeVec('CartPole-v1', n, {
 * kwargs })` builds it (its `maxEpisodeSteps` the id's, 500 or 200, unless `kwargs` give one);
 * `makeVec(id, n, { vectorizationMode: 'sync' })` gives a `SyncVectorEnv` of `CartPoleEnv`s.
 */
export class CartPoleVectorEnv implements VectorEnv<Float32Array, ArrayLike<number>> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Box<Float32Array>;
  readonly singleActionSpace = new Discrete(2);
  readonly observationSpace: Space<Float32Array>;
  readonly actionSpace: Space<ArrayLike<number>>;
  readonly autoresetMode = 'next-step';
  /** Steps after which an episode is truncated. */
  readonly maxEpisodeSteps: number;
  /** Its spec (see `VectorEnv.spec`): set by `makeVec`, none when built with `new`. */
  spec: EnvSpec | undefined = undefined;

  /** The dynamics' constants: a CartPoleEnv's, the one place they are written. */
  private readonly physics: CartPolePhysics;
  private readonly suttonBartoReward: boolean;
  private readonly copy: boolean;
  /** Every env's `[x, xDot, theta, thetaDot]`, env-major ([numEnvs, 4]; Gymnasium keeps [4, numEnvs]). */
  private readonly s: Float64Array;
  /** Steps since each env's reset. */
  private readonly steps: Int32Array;
  /** Which envs ended on their last step: the next step resets them (Gymnasium's `prev_done`). */
  private readonly ended: Uint8Array;
  private readonly observations: Float32Array;
  private readonly rewards: Float64Array;
  private readonly terminated: Uint8Array;
  private readonly truncated: Uint8Array;
  private rng: Rng = makeRng();
  private low = -0.05;
  private high = 0.05;
  private hasState = false;
  private closed = false;

  constructor(numEnvs: number, kwargs: CartPoleVectorEnvKwargs = {}) {
    checkNumEnvs(numEnvs, 'CartPoleVectorEnv');
    const args = parseKwargs(CartPoleVectorEnvKwargs, kwargs, 'CartPoleVectorEnv');
    this.numEnvs = numEnvs;
    this.maxEpisodeSteps = args.maxEpisodeSteps;
    this.suttonBartoReward = args.suttonBartoReward;
    this.copy = args.copy;
    const single = new CartPoleEnv();
    this.physics = single;
    this.singleObservationSpace = single.observationSpace;
    this.observationSpace = batchSpace(this.singleObservationSpace, numEnvs) as Space<Float32Array>;
    this.actionSpace = batchSpace(this.singleActionSpace, numEnvs) as Space<ArrayLike<number>>;
    this.s = new Float64Array(numEnvs * 4);
    this.steps = new Int32Array(numEnvs);
    this.ended = new Uint8Array(numEnvs);
    this.observations = new Float32Array(numEnvs * 4);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
  }

  /** Every env's `[x, xDot, theta, thetaDot]` in float64, env-major (a copy), or `undefined` before the first reset. */
  get state(): Float64Array | undefined {
    return this.hasState ? this.s.slice() : undefined;
  }

  /**
   * Resets every env: `seed`, one integer, re-seeds the one generator all envs draw from (a seed
   * per env is refused, as Gymnasium's `CartPoleVectorEnv` refuses it); `options.low` and
   * `options.high` bound the starting state of this reset and of the autoresets after it.
   */
  reset(args: VectorResetArgs = {}): VectorResetResult<Float32Array> {
    this.assertOpen('reset');
    checkResetArgs(args, 'CartPoleVectorEnv.reset');
    const { seed, options } = args;
    if (Array.isArray(seed)) throw new InvalidArgumentError(`CartPoleVectorEnv.reset: seed must be one integer, which seeds the generator every env draws from (as Gymnasium's CartPoleVectorEnv); got ${seed.length} seeds. For one seed per env: ${SYNC_HINT}`);
    if (options != null && 'reset_mask' in options) throw new InvalidArgumentError(`CartPoleVectorEnv.reset: options.reset_mask is not taken: it resets every env (Gymnasium's CartPoleVectorEnv ignores the mask). For partial resets: ${SYNC_HINT}`);
    const [low, high] = resetBounds(options ?? undefined, 'CartPoleVectorEnv.reset');
    if (seed != null) {
      checkSeed(seed, 'CartPoleVectorEnv.reset');
      this.rng = makeRng(seed as number); // an array was refused above
    }
    this.low = low;
    this.high = high;
    this.ended.fill(1);
    this.drawEndedStates();
    this.steps.fill(0);
    this.ended.fill(0);
    this.hasState = true;
    return [this.observationBatch(), {}];
  }

  /** One action per env; the envs that ended on the last step are reset instead (their actions ignored). */
  step(actions: ArrayLike<number>): VectorStepResult<Float32Array> {
    this.assertOpen('step');
    if (!this.hasState) throw new ResetNeededError('CartPoleVectorEnv.step: call reset before step');
    const checked = this.checkedActions(actions);
    const { s, steps, ended } = this;
    const rewards = this.copy ? new Float64Array(this.numEnvs) : this.rewards;
    const terminated = this.copy ? new Uint8Array(this.numEnvs) : this.terminated;
    const truncated = this.copy ? new Uint8Array(this.numEnvs) : this.truncated;
    for (let i = 0; i < this.numEnvs; i++) {
      if (ended[i] === 1) continue; // reset below
      stepCartPole(this.physics, s, i * 4, checked[i]!);
      const isTerminal = isCartPoleTerminal(this.physics, s, i * 4);
      steps[i]! += 1;
      terminated[i] = isTerminal ? 1 : 0;
      truncated[i] = steps[i]! >= this.maxEpisodeSteps ? 1 : 0;
      rewards[i] = this.suttonBartoReward ? (isTerminal ? -1.0 : 0.0) : 1.0;
    }
    // as Gymnasium: the envs that ended on the last step are drawn afresh, after the others stepped
    this.drawEndedStates();
    for (let i = 0; i < this.numEnvs; i++) {
      if (ended[i] === 1) {
        steps[i] = 0;
        rewards[i] = 0;
        terminated[i] = 0;
        truncated[i] = 0;
      }
      ended[i] = terminated[i]! | truncated[i]!;
    }
    return [this.observationBatch(), rewards, terminated, truncated, {}];
  }

  /** This vector env itself (Gymnasium's `VectorEnv.unwrapped`). */
  get unwrapped(): this {
    return this;
  }

  /** Closes the env; safe twice. */
  close(): void {
    this.closed = true;
  }

  toString(): string {
    return `CartPoleVectorEnv(numEnvs=${this.numEnvs})`;
  }

  /** `actions` when they are one 0 or 1 per env (checked in one loop), else what the vector envs' check reads from them or refuses. */
  private checkedActions(actions: ArrayLike<number>): ArrayLike<number> {
    if (actions?.length === this.numEnvs) {
      let i = 0;
      while (i < this.numEnvs && (actions[i] === 0 || actions[i] === 1)) i++;
      if (i === this.numEnvs) return actions;
    }
    return readCheckedActions(this.singleActionSpace, actions, this.numEnvs, 'CartPoleVectorEnv') as number[];
  }

  /** Draws the states of the ended envs in Gymnasium's order: position for each, then velocity, angle, angular velocity. */
  private drawEndedStates(): void {
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < this.numEnvs; i++) {
        if (this.ended[i] === 1) this.s[i * 4 + k] = this.low + (this.high - this.low) * this.rng();
      }
    }
  }

  private observationBatch(): Float32Array {
    const observations = this.copy ? new Float32Array(this.numEnvs * 4) : this.observations;
    observations.set(this.s); // float32 casts, as Gymnasium's astype(np.float32)
    return observations;
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new GymError(`CartPoleVectorEnv.${method}: the env is closed`);
  }
}
