/**
 * gymnasium.wrappers.vector.NormalizeObservation: observation batches become
 * `(obs - mean) / sqrt(var + eps)` under running statistics updated with every batch of `reset`
 * and `step` (freeze them with `updateRunningMean = false` for evaluation). Needs a Box single
 * observation space (put `VectorFlattenObservation` first for Dict spaces) and, as Gymnasium,
 * the `next-step` autoreset mode and whole resets: a partial reset would feed the statistics the
 * envs it did not reset a second time. Statistics in float64; output float32 on an unbounded Box.
 */
import { GymError, InvalidArgumentError } from '../../core/errors.ts';
import { Box, type BoxElement } from '../../spaces/box.ts';
import { splitResetOptions } from '../../vector/reset-mask.ts';
import { batchSpace } from '../../vector/batch.ts';
import type { VectorEnv, VectorResetArgs, VectorResetResult } from '../../vector/vector-env.ts';
import { VectorObservationWrapper } from '../../vector/vector-wrapper.ts';
import { RunningMeanStd, warnLeftOut } from '../running-mean-std.ts';
import { checkEpsilon } from '../wrapper-arguments.ts';

/**
 * Observation batches become `(obs - mean) / sqrt(var + eps)` under running statistics pooled over
 * the envs (gymnasium.wrappers.vector.NormalizeObservation). Needs a Box single observation space,
 * the `next-step` autoreset mode and whole resets; statistics in float64, output float32.
 */
export class VectorNormalizeObservation<BAct> extends VectorObservationWrapper<Float32Array, BAct, BoxElement> {
  readonly epsilon: number;
  override singleObservationSpace: Box<Float32Array>;
  override observationSpace: Box<Float32Array>;
  readonly obsRms: RunningMeanStd;
  /** Whether observations update the statistics. */
  updateRunningMean = true;
  /** An observation with NaN or an infinity was left out of the statistics (warned once). */
  warnedNonFinite = false;

  /** @param epsilon added to the variance before the square root */
  constructor(
    env: VectorEnv<BoxElement, BAct>,
    epsilon = 1e-8,
  ) {
    super(env, ['next-step']);
    this.epsilon = epsilon;
    checkEpsilon('VectorNormalizeObservation', epsilon);
    const space = env.singleObservationSpace;
    if (!(space instanceof Box)) throw new GymError(`VectorNormalizeObservation: needs a Box single observation space, got ${String(space)}; wrap the env in VectorFlattenObservation first`);
    this.singleObservationSpace = new Box(-Infinity, Infinity, { shape: space.shape, dtype: 'float32' });
    this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs) as Box<Float32Array>;
    this.obsRms = new RunningMeanStd(space.size);
  }

  override reset(args: VectorResetArgs = {}): VectorResetResult<Float32Array> {
    const { mask } = splitResetOptions(args.options, this.numEnvs, 'VectorNormalizeObservation');
    if (mask !== undefined && mask.includes(0)) throw new InvalidArgumentError('VectorNormalizeObservation.reset: a partial reset (reset_mask) would count the envs it keeps twice in the statistics; reset every env');
    return super.reset(args);
  }

  observations(batch: BoxElement): Float32Array {
    const size = this.obsRms.size;
    if (this.updateRunningMean && this.obsRms.update(batch as ArrayLike<number>, this.numEnvs) > 0) warnLeftOut(this, 'VectorNormalizeObservation', "an env's observation");
    const { mean, var: variance } = this.obsRms;
    const out = new Float32Array(this.numEnvs * size);
    for (let k = 0; k < size; k++) {
      const m = mean[k]!;
      const scale = Math.sqrt(variance[k]! + this.epsilon);
      for (let i = 0; i < this.numEnvs; i++) out[i * size + k] = ((batch[i * size + k] as number) - m) / scale;
    }
    return out;
  }
}
