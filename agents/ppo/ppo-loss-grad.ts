/**
 * The PPO loss of {@link ppoLoss} for a (multi-)categorical policy, with its gradient with respect
 * to the actor's logits and the critic's values, in plain JS.
 *
 * Why: on the wasm backend every TF.js op costs ~20 us of dispatch, and the loss, the
 * distribution and their autodiff are ~100 ops on arrays of a few hundred floats; here they are
 * one pass over the minibatch. Same maths as the TF.js path (tested against its autodiff),
 * including its tie rules: `maximum` passes the gradient to its first operand on ties, and
 * `clipByValue` passes it inside the closed interval.
 */
import type { PpoLossCoefficients } from './ppo-loss.ts';

/** One minibatch, row-major; `advantages` already normalised if requested. */
export interface CategoricalPpoBatch {
  readonly rows: number;
  /** Action-dimension sizes; the logits of a row are the dimensions' logits concatenated. */
  readonly nvec: Int32Array;
  /** `[rows, sum(nvec)]`. */
  readonly logits: Float32Array;
  /** `[rows, nvec.length]` chosen indices. */
  readonly actions: Int32Array;
  /** `[rows]` joint log-probabilities, or `[rows, nvec.length]` per dimension when `perDimension`. */
  readonly oldLogProb: Float32Array;
  /** One ratio per dimension instead of one per row (ppoLoss with `[B, K]` log-probabilities). */
  readonly perDimension?: boolean;
  readonly advantages: Float32Array;
  /** `[rows]` V(s) of the current critic. */
  readonly values: Float32Array;
  readonly oldValues: Float32Array;
  readonly returns: Float32Array;
}

/** The loss terms (as ppoLoss's scalars). */
export interface PpoLossValues {
  loss: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
}

/** Scratch for {@link categoricalPpoLossAndGradient}: one row's log-probabilities, probabilities and per-dimension entropies. */
export function ppoLossGradientScratch(nvec: Int32Array): Float64Array {
  let width = 0;
  for (let d = 0; d < nvec.length; d++) width += nvec[d]!;
  return new Float64Array(2 * width + nvec.length);
}

/**
 * Loss terms of `batch`, writing dLoss/dLogits into `dLogits` (`[rows, sum(nvec)]`) and
 * dLoss/dValues into `dValues` (`[rows]`). `scratch` comes from {@link ppoLossGradientScratch}.
 */
export function categoricalPpoLossAndGradient(batch: CategoricalPpoBatch, c: PpoLossCoefficients, dLogits: Float32Array, dValues: Float32Array, scratch: Float64Array): PpoLossValues {
  const { rows: n, nvec, logits, actions, oldLogProb, advantages, values, oldValues, returns } = batch;
  const perDimension = batch.perDimension === true;
  const D = nvec.length;
  let width = 0;
  for (let d = 0; d < D; d++) width += nvec[d]!;
  if (scratch.length < 2 * width + D) throw new RangeError(`categoricalPpoLossAndGradient: scratch holds ${scratch.length} floats, needs ${2 * width + D} (use ppoLossGradientScratch)`);
  // The row's log p and p are kept for the gradient pass, so each exp is taken once.
  const logProbs = scratch.subarray(0, width);
  const probs = scratch.subarray(width, 2 * width);
  const dimEntropy = scratch.subarray(2 * width, 2 * width + D);
  // the surrogate's sums over rows (and dimensions): policy loss, k3 KL, clipped ratios
  const surrogateSums = new Float64Array(3);
  let valueSum = 0;
  let entropySum = 0;
  for (let r = 0; r < n; r++) {
    const base = r * width;
    // Log-softmax per dimension: log-probability of the chosen actions, entropy, probabilities.
    let logProb = 0;
    let entropy = 0;
    for (let d = 0, start = base; d < D; start += nvec[d]!, d++) {
      const k = nvec[d]!;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (logits[start + j]! > max) max = logits[start + j]!;
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(logits[start + j]! - max);
      const lse = max + Math.log(sum);
      let hd = 0;
      for (let j = 0; j < k; j++) {
        const logp = logits[start + j]! - lse;
        const p = Math.exp(logp);
        logProbs[start - base + j] = logp;
        probs[start - base + j] = p;
        hd -= p * logp;
      }
      dimEntropy[d] = hd;
      entropy += hd;
      logProb += logits[start + actions[r * D + d]!]! - lse;
    }
    const adv = advantages[r]!;
    // dLoss/d(the row's joint log-probability); per dimension, each dimension's own (below)
    const dLogProb = perDimension ? 0 : clippedSurrogate(logProb - oldLogProb[r]!, adv, c.clipCoef, surrogateSums) / n;
    const dEntropy = -c.entCoef / n;

    // d logProb / d z_j = [j chosen] - p_j;  d entropy / d z_j = -p_j (log p_j + H_d).
    for (let d = 0, start = base; d < D; start += nvec[d]!, d++) {
      const k = nvec[d]!;
      const hd = dimEntropy[d]!;
      const chosen = actions[r * D + d]!;
      const dDimLogProb = perDimension ? clippedSurrogate(logProbs[start - base + chosen]! - oldLogProb[r * D + d]!, adv, c.clipCoef, surrogateSums) / n : dLogProb;
      for (let j = 0; j < k; j++) {
        const logp = logProbs[start - base + j]!;
        const p = probs[start - base + j]!;
        dLogits[start + j] = dDimLogProb * ((j === chosen ? 1 : 0) - p) + dEntropy * -p * (logp + hd);
      }
    }
    entropySum += entropy;

    const v = values[r]!;
    const unclipped = (v - returns[r]!) ** 2;
    let dv = v - returns[r]!;
    if (c.clipVloss) {
      const delta = v - oldValues[r]!;
      const clippedValue = oldValues[r]! + Math.min(Math.max(delta, -c.valueClipCoef), c.valueClipCoef);
      const clippedLoss = (clippedValue - returns[r]!) ** 2;
      if (unclipped >= clippedLoss) {
        valueSum += unclipped;
      } else {
        valueSum += clippedLoss;
        dv = delta >= -c.valueClipCoef && delta <= c.valueClipCoef ? clippedValue - returns[r]! : 0;
      }
    } else {
      valueSum += unclipped;
    }
    // d/dv of vfCoef * 0.5 * mean(square) = vfCoef * (v - R) / n.
    dValues[r] = (c.vfCoef * dv) / n;
  }
  const policyLoss = surrogateSums[0]! / n;
  const valueLoss = (0.5 * valueSum) / n;
  const entropy = entropySum / n;
  return {
    loss: policyLoss - c.entCoef * entropy + c.vfCoef * valueLoss,
    policyLoss,
    valueLoss,
    entropy,
    approxKl: surrogateSums[1]! / n,
    clipFraction: surrogateSums[2]! / (perDimension ? n * D : n),
  };
}

/**
 * One ratio's clipped surrogate term, -min(r A, clip(r) A): adds it, its k3 KL estimate and
 * whether it is clipped to `sums` ([policy loss, KL, clipped count]); returns its derivative with
 * respect to the log-probability.
 */
function clippedSurrogate(logRatio: number, advantage: number, clipCoef: number, sums: Float64Array): number {
  const ratio = Math.exp(logRatio);
  sums[1]! += ratio - 1 - logRatio;
  if (Math.abs(ratio - 1) > clipCoef) sums[2]! += 1;
  const pg1 = -advantage * ratio;
  const pg2 = -advantage * Math.min(Math.max(ratio, 1 - clipCoef), 1 + clipCoef);
  // maximum(pg1, pg2): the gradient reaches the ratio through pg1 on ties; through pg2 only
  // when it is strictly larger, i.e. the ratio is clipped, where clip's gradient is 0.
  sums[0]! += pg1 >= pg2 ? pg1 : pg2;
  return pg1 >= pg2 ? -advantage * ratio : 0;
}

/** Advantages standardised in place (as normalizeAdvantages: unbiased std, epsilon 1e-8). */
export function normalizeAdvantagesInPlace(advantages: Float32Array): void {
  const n = advantages.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += advantages[i]!;
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (advantages[i]! - mean) ** 2;
  const std = Math.sqrt(n > 1 ? sq / (n - 1) : sq / n);
  for (let i = 0; i < n; i++) advantages[i] = (advantages[i]! - mean) / (std + 1e-8);
}
