/**
 * gymnasium.wrappers.NormalizeObservation: observations become `(obs - mean) / sqrt(var + eps)`
 * under running statistics updated with every observation (freeze them with
 * `updateRunningMean = false` for evaluation). Statistics are kept in float64 (Gymnasium keeps
 * them in the observation dtype); the output is float32 on an unbounded Box.
 */
import type { Env } from '../core/env.ts';
import { GymError } from '../core/errors.ts';
import { ObservationWrapper } from '../core/wrapper.ts';
import { Box, type BoxElement } from '../spaces/box.ts';
import { RunningMeanStd, warnLeftOut } from './running-mean-std.ts';
import { checkEpsilon } from './wrapper-arguments.ts';

/**
 * Observations become `(obs - mean) / sqrt(var + eps)` under running statistics
 * (gymnasium.wrappers.NormalizeObservation); set `updateRunningMean = false` to freeze them for
 * evaluation. Statistics in float64, output float32; a NaN or infinity is kept out of them.
 */
export class NormalizeObservation<Act> extends ObservationWrapper<Float32Array, Act, BoxElement> {
  readonly epsilon: number;
  override observationSpace: Box<Float32Array>;
  readonly obsRms: RunningMeanStd;
  /** Whether observations update the statistics. */
  updateRunningMean = true;
  /** An observation with NaN or an infinity was left out of the statistics (warned once). */
  warnedNonFinite = false;

  /** @param epsilon added to the variance before the square root */
  constructor(
    env: Env<BoxElement, Act>,
    epsilon = 1e-8,
  ) {
    super(env);
    this.epsilon = epsilon;
    checkEpsilon('NormalizeObservation', epsilon);
    const space = env.observationSpace;
    if (!(space instanceof Box)) throw new GymError(`NormalizeObservation: needs a Box observation space, got ${String(space)}`);
    this.observationSpace = new Box(-Infinity, Infinity, { shape: space.shape, dtype: 'float32' });
    this.obsRms = new RunningMeanStd(space.size);
  }

  observation(obs: BoxElement): Float32Array {
    if (this.updateRunningMean && !this.obsRms.updateOne(obs)) warnLeftOut(this, 'NormalizeObservation', 'an observation');
    const { mean, var: variance } = this.obsRms;
    const out = new Float32Array(obs.length);
    for (let i = 0; i < out.length; i++) out[i] = ((obs[i] as number) - (mean[i] as number)) / Math.sqrt((variance[i] as number) + this.epsilon);
    return out;
  }
}
