/**
 * The PPO objective's pieces (CleanRL ppo.py): clipped surrogate, optionally clipped value loss,
 * entropy bonus, and the diagnostics approx-KL (Schulman's k3 estimator) and clip fraction.
 */
import * as tf from '@tensorflow/tfjs';

export interface PpoLossInput {
  readonly newLogProb: tf.Tensor1D;
  readonly oldLogProb: tf.Tensor1D;
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
  const logRatio = tf.sub(input.newLogProb, input.oldLogProb);
  const ratio = tf.exp(logRatio);
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
  const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), c.clipCoef), 'float32')) as tf.Scalar;

  const negAdv = tf.neg(input.advantages);
  const pgLoss1 = tf.mul(negAdv, ratio);
  const pgLoss2 = tf.mul(negAdv, tf.clipByValue(ratio, 1 - c.clipCoef, 1 + c.clipCoef));
  const policyLoss = tf.mean(tf.maximum(pgLoss1, pgLoss2)) as tf.Scalar;

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
