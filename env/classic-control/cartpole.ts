/**
 * Cart-pole balancing, a line-for-line port of gymnasium/envs/classic_control/cartpole.py
 * (CartPole-v1): same constants, same Euler step, same thresholds, same reward and
 * `steps_beyond_terminated` behaviour. The state is kept in float64; only the returned
 * observation is float32, as Gymnasium.
 */
import * as z from 'zod';
import { parseKwargs } from '../core/zod-issues.ts';
import { checkResetArgs, Env, type ResetArgs, type ResetResult, type StepResult } from '../core/env.ts';
import { GymError, InvalidArgumentError, invalidAction } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { warn } from '../core/logger.ts';
import { Box } from '../spaces/box.ts';
import { Discrete } from '../spaces/discrete.ts';

/** Keyword arguments of `CartPoleEnv` (and `make('CartPole-v1', kwargs)`). */
export const CartPoleKwargs = z
  .object({
    renderMode: z.enum(['ansi']).optional().describe('Render mode: "ansi" makes render() return a one-line text picture (no unit)'),
    suttonBartoReward: z
      .boolean()
      .default(false)
      .describe('Gymnasium 1.x sutton_barto_reward: 0 per surviving step and -1 on termination instead of +1 per step (reward units)'),
  })
  .strict();
export type CartPoleKwargs = z.input<typeof CartPoleKwargs>;

/**
 * ## Description
 * The cart-pole problem of Barto, Sutton and Anderson, "Neuronlike Adaptive Elements That Can
 * Solve Difficult Learning Control Problems" (1983). A pole is attached by an un-actuated joint
 * to a cart moving along a frictionless track; the goal is to keep the pole upright by pushing
 * the cart left or right.
 *
 * ## Action Space
 * `Discrete(2)`: 0 pushes the cart to the left, 1 to the right, with a force of 10 N. The
 * velocity change caused by the force depends on the pole angle.
 *
 * ## Observation Space
 * `Box` of shape `[4]`, float32:
 *
 * | Index | Observation           | Min                 | Max               |
 * |-------|-----------------------|---------------------|-------------------|
 * | 0     | Cart Position (m)     | -4.8                | 4.8               |
 * | 1     | Cart Velocity (m/s)   | -Infinity           | Infinity          |
 * | 2     | Pole Angle (rad)      | ~ -0.418 (-24°)     | ~ 0.418 (24°)     |
 * | 3     | Pole Angular Velocity (rad/s) | -Infinity   | Infinity          |
 *
 * The episode terminates well inside these bounds: position outside (-2.4, 2.4), angle outside
 * (-0.2095, 0.2095) rad (±12°).
 *
 * ## Rewards
 * +1 for every step taken, including the terminating one (threshold 475 for v1). With
 * `suttonBartoReward`, 0 per step and -1 on termination. Steps after termination earn 0
 * (-1 with `suttonBartoReward`) and warn.
 *
 * ## Starting State
 * All four state variables uniform in (-0.05, 0.05); `reset({options: {low, high}})` changes
 * the bounds.
 *
 * ## Episode End
 * 1. Termination: pole angle beyond ±12°.
 * 2. Termination: cart position beyond ±2.4 (the cart centre leaves the display).
 * 3. Truncation: episode length above 500 (`make` adds a TimeLimit of 500 for v1).
 *
 * ## Arguments
 * `make('CartPole-v1', { renderMode: 'ansi', suttonBartoReward: false })`; see `CartPoleKwargs`.
 * The state is readable and settable as `env.unwrapped.state` (`[x, xDot, theta, thetaDot]`),
 * so trajectories can be replayed from any state.
 */
export class CartPoleEnv extends Env<Float32Array, number> {
  readonly gravity = 9.8; // m/s^2
  readonly masscart = 1.0; // kg
  readonly masspole = 0.1; // kg
  readonly totalMass = this.masspole + this.masscart; // kg
  readonly length = 0.5; // m, half the pole's length
  readonly polemassLength = this.masspole * this.length; // kg m
  readonly forceMag = 10.0; // N
  readonly tau = 0.02; // s between state updates
  readonly kinematicsIntegrator: 'euler' | 'semi-implicit euler' = 'euler';
  /** Angle at which the episode terminates, rad (12°). */
  readonly thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
  /** Cart position at which the episode terminates, m. */
  readonly xThreshold = 2.4;

  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace = new Discrete(2);
  override metadata = { renderModes: ['ansi'] as const, renderFps: 50 };

  private readonly suttonBartoReward: boolean;
  /** [x, xDot, theta, thetaDot] in float64, as Gymnasium's `self.state`. */
  private readonly s = new Float64Array(4);
  private hasState = false;
  private stepsBeyondTerminated: number | undefined = undefined;

  constructor(kwargs: CartPoleKwargs = {}) {
    super();
    const args = parseKwargs(CartPoleKwargs, kwargs, 'CartPoleEnv');
    this.renderMode = args.renderMode;
    this.suttonBartoReward = args.suttonBartoReward;
    // Angle limit is twice the threshold so a failing observation is still inside the space;
    // the velocities are unbounded (Gymnasium 1.x's np.inf: sampled from a normal, not uniformly).
    const high = [this.xThreshold * 2, Infinity, this.thetaThresholdRadians * 2, Infinity];
    this.observationSpace = new Box(
      high.map((h) => -h),
      high,
      { dtype: 'float32' },
    );
  }

  /** `[x, xDot, theta, thetaDot]` (a copy), or `undefined` before the first reset. */
  get state(): [number, number, number, number] | undefined {
    return this.hasState ? [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!] : undefined;
  }

  /** Set the full state (4 finite numbers), e.g. to replay a trajectory from a given point. */
  set state(value: ArrayLike<number>) {
    if (value?.length !== 4) throw new GymError(`CartPoleEnv.state: expected 4 numbers [x, xDot, theta, thetaDot], got ${formatValue(value)}`);
    for (let i = 0; i < 4; i++) {
      if (typeof value[i] !== 'number' || !Number.isFinite(value[i])) throw new GymError(`CartPoleEnv.state: element [${i}] = ${formatValue(value[i])} is not a finite number`);
    }
    for (let i = 0; i < 4; i++) this.s[i] = value[i] as number;
    this.hasState = true;
  }

  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1) throw invalidAction('CartPoleEnv', this.actionSpace, action);
    if (!this.hasState) throw new GymError('CartPoleEnv: call reset before using step');
    stepCartPole(this, this.s, 0, action);
    const terminated = isCartPoleTerminal(this, this.s, 0);

    let reward: number;
    if (!terminated) {
      reward = this.suttonBartoReward ? 0.0 : 1.0;
    } else if (this.stepsBeyondTerminated === undefined) {
      // Pole just fell!
      this.stepsBeyondTerminated = 0;
      reward = this.suttonBartoReward ? -1.0 : 1.0;
    } else {
      if (this.stepsBeyondTerminated === 0) {
        warn("You are calling 'step()' even though this environment has already returned terminated = true. You should always call 'reset()' once you receive 'terminated = true' -- any further steps are undefined behavior.");
      }
      this.stepsBeyondTerminated += 1;
      reward = this.suttonBartoReward ? -1.0 : 0.0;
    }
    return [this.observation(), reward, terminated, false, {}];
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    checkResetArgs(args, 'CartPoleEnv.reset');
    // the options checked before the seed: a refused reset leaves the stream and npRandomSeed as they were
    const [low, high] = resetBounds(args.options, 'CartPoleEnv.reset');
    this.seedStreams(args.seed);
    for (let i = 0; i < 4; i++) this.s[i] = low + (high - low) * this.npRandom();
    this.hasState = true;
    this.stepsBeyondTerminated = undefined;
    return [this.observation(), {}];
  }

  /** `ansi`: the track as text with the cart `#` and the pole angle, e.g. `|....#....| θ=+1.2°`. */
  override render(): string | undefined {
    if (this.renderMode === undefined) {
      warn(`You are calling render() without specifying a render mode; pass { renderMode: 'ansi' } to make('${this.spec?.id ?? 'CartPole-v1'}', …)`);
      return undefined;
    }
    if (!this.hasState) return undefined;
    const width = 41; // characters across the ±4.8 m observable track
    const [x, , theta] = this.s;
    const pos = Math.round(((x! + this.xThreshold * 2) / (this.xThreshold * 4)) * (width - 1));
    const track = Array.from({ length: width }, (_, i) => (i === pos ? '#' : Math.abs(i - (width - 1) / 2) === ((width - 1) / 4) ? ':' : '.')).join('');
    const deg = (theta! * 180) / Math.PI;
    return `|${track}| x=${x!.toFixed(3)} m θ=${deg >= 0 ? '+' : ''}${deg.toFixed(1)}°`;
  }

  private observation(): Float32Array {
    const obs = new Float32Array(4);
    obs[0] = this.s[0]!;
    obs[1] = this.s[1]!;
    obs[2] = this.s[2]!;
    obs[3] = this.s[3]!;
    return obs;
  }
}

/** The constants of the cart-pole dynamics, which `CartPoleEnv` holds (and `CartPoleVectorEnv` reads from one). */
export interface CartPolePhysics {
  readonly gravity: number;
  readonly masspole: number;
  readonly totalMass: number;
  readonly length: number;
  readonly polemassLength: number;
  readonly forceMag: number;
  readonly tau: number;
  readonly kinematicsIntegrator: 'euler' | 'semi-implicit euler';
  readonly thetaThresholdRadians: number;
  readonly xThreshold: number;
}

/**
 * One step of Gymnasium's cart-pole dynamics on the state `s[offset..offset + 4]` (`[x, xDot,
 * theta, thetaDot]`, float64), in place: action 1 pushes right, 0 left.
 */
export function stepCartPole(p: CartPolePhysics, s: Float64Array, offset: number, action: number): void {
  let x = s[offset]!;
  let xDot = s[offset + 1]!;
  let theta = s[offset + 2]!;
  let thetaDot = s[offset + 3]!;
  const force = action === 1 ? p.forceMag : -p.forceMag;
  const costheta = Math.cos(theta);
  const sintheta = Math.sin(theta);

  // See https://coneural.org/florian/papers/05_cart_pole.pdf
  const temp = (force + p.polemassLength * thetaDot ** 2 * sintheta) / p.totalMass;
  const thetaacc = (p.gravity * sintheta - costheta * temp) / (p.length * (4.0 / 3.0 - (p.masspole * costheta ** 2) / p.totalMass));
  const xacc = temp - (p.polemassLength * thetaacc * costheta) / p.totalMass;

  if (p.kinematicsIntegrator === 'euler') {
    x = x + p.tau * xDot;
    xDot = xDot + p.tau * xacc;
    theta = theta + p.tau * thetaDot;
    thetaDot = thetaDot + p.tau * thetaacc;
  } else {
    xDot = xDot + p.tau * xacc;
    x = x + p.tau * xDot;
    thetaDot = thetaDot + p.tau * thetaacc;
    theta = theta + p.tau * thetaDot;
  }
  s[offset] = x;
  s[offset + 1] = xDot;
  s[offset + 2] = theta;
  s[offset + 3] = thetaDot;
}

/** Whether the state at `offset` is past Gymnasium's termination thresholds (cart position or pole angle). */
export function isCartPoleTerminal(p: CartPolePhysics, s: Float64Array, offset: number): boolean {
  const x = s[offset]!;
  const theta = s[offset + 2]!;
  return x < -p.xThreshold || x > p.xThreshold || theta < -p.thetaThresholdRadians || theta > p.thetaThresholdRadians;
}

/**
 * gymnasium.envs.classic_control.utils.maybe_parse_reset_bounds: `options.low/high`, or the
 * default (-0.05, 0.05); `owner` names the caller in a refusal.
 */
export function resetBounds(options: Record<string, unknown> | undefined, owner: string): [number, number] {
  const low = options && 'low' in options ? options['low'] : -0.05;
  const high = options && 'high' in options ? options['high'] : 0.05;
  if (typeof low !== 'number' || !Number.isFinite(low)) throw new InvalidArgumentError(`${owner}: options.low = ${formatValue(low)} must be a finite number`);
  if (typeof high !== 'number' || !Number.isFinite(high)) throw new InvalidArgumentError(`${owner}: options.high = ${formatValue(high)} must be a finite number`);
  if (low > high) throw new InvalidArgumentError(`${owner}: options.low = ${low} is greater than options.high = ${high}`);
  return [low, high];
}
