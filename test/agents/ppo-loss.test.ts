import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../agents/backend.ts';
import { normalizeAdvantages, ppoLoss } from '../../agents/ppo/ppo-loss.ts';

const base = { clipCoef: 0.2, clipVloss: false, valueClipCoef: 0.2, entCoef: 0, vfCoef: 0.5 };

function terms(input: Record<string, number[]>, coefficients = base): Record<string, number> {
  return tf.tidy(() => {
    const t = (k: string) => tf.tensor1d(input[k]!);
    const out = ppoLoss({ newLogProb: t('newLogProb'), oldLogProb: t('oldLogProb'), advantages: t('advantages'), newValues: t('newValues'), oldValues: t('oldValues'), returns: t('returns'), entropy: t('entropy') }, coefficients);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.dataSync()[0]!]));
  });
}

const near = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

describe('agents/ppo/ppo-loss', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('is -mean(advantage) with KL and clip fraction 0 when the policy has not moved', () => {
    const r = terms({ newLogProb: [-1, -2], oldLogProb: [-1, -2], advantages: [1, 3], newValues: [0, 0], oldValues: [0, 0], returns: [0, 0], entropy: [0.5, 0.7] });
    near(r['policyLoss']!, -2);
    near(r['approxKl']!, 0);
    near(r['clipFraction']!, 0);
    near(r['entropy']!, 0.6);
  });

  it('clips the ratio: a positive advantage gains nothing beyond 1 + eps', () => {
    // ratio = e^0.5 = 1.6487 > 1.2: objective uses 1.2 * A for A > 0; for A < 0 the unclipped (worse) term.
    const r = terms({ newLogProb: [0.5, 0.5], oldLogProb: [0, 0], advantages: [2, -2], newValues: [0, 0], oldValues: [0, 0], returns: [0, 0], entropy: [0, 0] });
    const ratio = Math.exp(0.5);
    near(r['policyLoss']!, (-(1.2 * 2) + ratio * 2) / 2, 1e-4);
    near(r['clipFraction']!, 1);
    near(r['approxKl']!, ratio - 1 - 0.5, 1e-5);
  });

  it('clips the value update when asked, taking the larger of the two squared errors', () => {
    const input = { newLogProb: [0], oldLogProb: [0], advantages: [0], newValues: [2], oldValues: [0], returns: [3], entropy: [0] };
    // unclipped: (2-3)^2 = 1; clipped value 0 + clip(2, -0.2, 0.2) = 0.2: (0.2-3)^2 = 7.84
    near(terms(input, { ...base, clipVloss: true })['valueLoss']!, 0.5 * 7.84, 1e-4);
    near(terms(input)['valueLoss']!, 0.5 * 1, 1e-5);
  });

  it('clips the value with valueClipCoef, not the (annealed) policy clipCoef', () => {
    // the value moved 0.1 from 0.5 towards the return 0: inside +-0.2, outside an annealed +-0.02
    const input = { newLogProb: [0], oldLogProb: [0], advantages: [0], newValues: [0.4], oldValues: [0.5], returns: [0], entropy: [0] };
    const annealedPolicyClip = { ...base, clipVloss: true, clipCoef: 0.02, valueClipCoef: 0.2 };
    near(terms(input, annealedPolicyClip)['valueLoss']!, 0.5 * 0.4 ** 2, 1e-6);
    // clipped at 0.02 it would be 0.5 * (0.5 - 0.02)^2
    near(terms(input, { ...annealedPolicyClip, valueClipCoef: 0.02 })['valueLoss']!, 0.5 * 0.48 ** 2, 1e-6);
  });

  it('combines the terms as pg - entCoef * entropy + vfCoef * value', () => {
    const input = { newLogProb: [0], oldLogProb: [0], advantages: [1], newValues: [1], oldValues: [1], returns: [3], entropy: [2] };
    const r = terms(input, { ...base, entCoef: 0.1, vfCoef: 0.25 });
    near(r['loss']!, -1 - 0.1 * 2 + 0.25 * 0.5 * 4);
  });

  describe('per-dimension ratios ([B, K] log-probabilities)', () => {
    /** ppoLoss's terms and the gradient of its loss with respect to the new log-probabilities. */
    function perDimension(newLogProb: number[][], oldLogProb: number[][], advantages: number[]) {
      return tf.tidy(() => {
        const rows = advantages.length;
        const zeros = tf.zeros([rows]) as tf.Tensor1D;
        let out: Record<string, number> = {};
        const grad = tf.grad((lp: tf.Tensor) => {
          const t = ppoLoss({ newLogProb: lp as tf.Tensor2D, oldLogProb: tf.tensor2d(oldLogProb), advantages: tf.tensor1d(advantages), newValues: zeros, oldValues: zeros, returns: zeros, entropy: zeros }, base);
          out = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.dataSync()[0]!]));
          return t.loss;
        })(tf.tensor2d(newLogProb));
        return { terms: out, grad: Array.from(grad.dataSync()) };
      });
    }

    it('clips one dimension alone: the other keeps its gradient, where the joint ratio would clip both', () => {
      // row 0, A = 1: dimension 0 moved by +0.5 (ratio e^0.5 > 1.2, clipped), dimension 1 by +0.05
      const r = perDimension([[0.5, 0.05]], [[0, 0]], [1]);
      const r1 = Math.exp(0.05);
      near(r.terms['policyLoss']!, -(1.2 + r1), 1e-5);
      near(r.terms['clipFraction']!, 0.5);
      near(r.terms['approxKl']!, Math.exp(0.5) - 1 - 0.5 + (r1 - 1 - 0.05), 1e-6);
      near(r.grad[0]!, 0); // clipped: no gradient
      near(r.grad[1]!, -r1, 1e-5); // d(-A r)/d log p = -A r
      // the joint ratio e^0.55 > 1.2 is clipped: no gradient to either dimension
      const joint = tf.tidy(() => {
        const zeros = tf.zeros([1]) as tf.Tensor1D;
        const grad = tf.grad((lp: tf.Tensor) => ppoLoss({ newLogProb: tf.sum(lp, 1) as tf.Tensor1D, oldLogProb: tf.tensor1d([0]), advantages: tf.tensor1d([1]), newValues: zeros, oldValues: zeros, returns: zeros, entropy: zeros }, base).loss)(tf.tensor2d([[0.5, 0.05]]));
        return Array.from(grad.dataSync());
      });
      assert.deepEqual(joint, [0, 0]);
    });

    it('has the joint ratio gradient when the policy has not moved, and sums the dimensions per row', () => {
      const r = perDimension(
        [
          [-1, -2, -0.5],
          [-0.3, -0.2, -0.1],
        ],
        [
          [-1, -2, -0.5],
          [-0.3, -0.2, -0.1],
        ],
        [2, -1],
      );
      // mean over rows of -A * (sum of 3 ratios of 1)
      near(r.terms['policyLoss']!, -(3 * 2 + 3 * -1) / 2);
      near(r.terms['approxKl']!, 0);
      near(r.terms['clipFraction']!, 0);
      // d/d log p_{r,k} = -A_r / rows: what the joint ratio gives every dimension of the row
      assert.deepEqual(r.grad.map((g) => Math.round(g * 1e6) / 1e6), [-1, -1, -1, 0.5, 0.5, 0.5]);
    });

    it('refuses log-probabilities of different ranks', () => {
      const zeros = tf.zeros([1]) as tf.Tensor1D;
      assert.throws(
        () => tf.tidy(() => ppoLoss({ newLogProb: tf.tensor2d([[0, 0]]), oldLogProb: tf.tensor1d([0]), advantages: zeros, newValues: zeros, oldValues: zeros, returns: zeros, entropy: zeros }, base).loss),
        /newLogProb has rank 2, oldLogProb 1/,
      );
      zeros.dispose();
    });
  });

  it('normalises advantages to zero mean and unit (unbiased) std', () => {
    const out = tf.tidy(() => Array.from(normalizeAdvantages(tf.tensor1d([1, 2, 3, 4])).dataSync()));
    const std = Math.sqrt(((1.5 ** 2 + 0.5 ** 2) * 2) / 3);
    [1, 2, 3, 4].forEach((x, i) => near(out[i]!, (x - 2.5) / std, 1e-5));
  });
});
