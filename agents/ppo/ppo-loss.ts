/**
 * The PPO objective's pieces (CleanRL ppo.py): clipped surrogate, optionally clipped value loss,
 * entropy bonus, and the diagnostics approx-KL (Schulman's k3 estimator) and clip fraction.
 *
 * The surrogate takes one ratio per row (the joint action's, as CleanRL), or one per action
 * dimension (`[B, K]` log-probabilities): then it is the sum over dimensions of each one's clipped
 * term with the row's advantage, as MAPPO's per-agent ratios (Yu et al., 2022), so one dimension
 * that moved far is clipped alone instead of stopping every other dimension's gradient. At ratio 1
 * both have the same gradient. The approx-KL is then the sum of the dimensions' k3 estimates (the
 * KL of independent factors is the sum of theirs), the clip fraction the share of clipped
 * (row, dimension) pairs.
 */
import * as tf from '@tensorflow/tfjs';

export interface PpoLossInput {
  /** `[B]` joint log-probabilities, or `[B, K]` per action dimension (per-dimension ratios). */
  readonly newLogProb: tf.Tensor1D | tf.Tensor2D;
  /** Same shape as newLogProb. */
  readonly oldLogProb: tf.Tensor1D | tf.Tensor2D;
  /** Advantages (already normalised if requested). */
  readonly advantages: tf.Tensor1D;
  readonly newValues: tf.Tensor1D;
  readonly oldValues: tf.Tensor1D;
  readonly returns: tf.Tensor1D;
  readonly entropy: tf.Tensor1D;
}

export interface PpoLossCoefficients {
  /** Surrogate clipping epsilon (annealed with annealClip). */
  readonly clipCoef: number;
  /** Clip the value update to +-valueClipCoef around the old value. */
  readonly clipVloss: boolean;
  /** The value clip's half-width: hp.clipCoef, never annealed (CleanRL clips with the constant clip_coef; SB3's clip_range_vf is apart from clip_range). */
  readonly valueClipCoef: number;
  readonly entCoef: number;
  readonly vfCoef: number;
}

export interface PpoLossTerms {
  readonly loss: tf.Scalar;
  readonly policyLoss: tf.Scalar;
  readonly valueLoss: tf.Scalar;
  readonly entropy: tf.Scalar;
  readonly approxKl: tf.Scalar;
  readonly clipFraction: tf.Scalar;
}

/** All loss terms as scalars. Call inside tf.tidy (or tf.variableGrads). */
export function ppoLoss(input: PpoLossInput, c: PpoLossCoefficients): PpoLossTerms {
  const perDimension = input.newLogProb.rank === 2;
  if (input.oldLogProb.rank !== input.newLogProb.rank) throw new Error(`ppoLoss: newLogProb has rank ${input.newLogProb.rank}, oldLogProb ${input.oldLogProb.rank}`);
  // per row: the sum over the dimensions when there is one ratio per dimension
  const perRow = (x: tf.Tensor): tf.Tensor => (perDimension ? tf.sum(x, 1) : x);
  const logRatio = tf.sub(input.newLogProb, input.oldLogProb);
  const ratio = tf.exp(logRatio);
  const approxKl = tf.mean(perRow(tf.sub(tf.sub(ratio, 1), logRatio))) as tf.Scalar;
  const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), c.clipCoef), 'float32')) as tf.Scalar;

  const negAdv = tf.neg(perDimension ? tf.expandDims(input.advantages, 1) : input.advantages);
  const pgLoss1 = tf.mul(negAdv, ratio);
  const pgLoss2 = tf.mul(negAdv, tf.clipByValue(ratio, 1 - c.clipCoef, 1 + c.clipCoef));
  const policyLoss = tf.mean(perRow(tf.maximum(pgLoss1, pgLoss2))) as tf.Scalar;

  const unclipped = tf.square(tf.sub(input.newValues, input.returns));
  let valueLoss: tf.Scalar;
  if (c.clipVloss) {
    const clippedValues = tf.add(input.oldValues, tf.clipByValue(tf.sub(input.newValues, input.oldValues), -c.valueClipCoef, c.valueClipCoef));
    const clipped = tf.square(tf.sub(clippedValues, input.returns));
    valueLoss = tf.mul(0.5, tf.mean(tf.maximum(unclipped, clipped)));
  } else {
    valueLoss = tf.mul(0.5, tf.mean(unclipped));
  }
  const entropy = tf.mean(input.entropy) as tf.Scalar;
  const loss = tf.add(tf.sub(policyLoss, tf.mul(c.entCoef, entropy)), tf.mul(c.vfCoef, valueLoss)) as tf.Scalar;
  return { loss, policyLoss, valueLoss, entropy, approxKl, clipFraction };
}

/** Advantages standardised to zero mean and unit variance (epsilon 1e-8, unbiased std as torch). */
export function normalizeAdvantages(advantages: tf.Tensor1D): tf.Tensor1D {
  const n = advantages.shape[0];
  const { mean, variance } = tf.moments(advantages);
  const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
  return tf.div(tf.sub(advantages, mean), tf.add(tf.sqrt(unbiased), 1e-8));
}
