import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../agents/backend.ts';
import { MultiCategorical } from '../../agents/nn/multi-categorical.ts';
import { categoricalPpoLossAndGradient, normalizeAdvantagesInPlace, ppoLossGradientScratch } from '../../agents/ppo/ppo-loss-grad.ts';
import { normalizeAdvantages, ppoLoss, type PpoLossCoefficients } from '../../agents/ppo/ppo-loss.ts';
import { makeRng } from '../../env/core/rng.ts';

const near = (a: number, b: number, what: string, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

/**
 * A random minibatch over action dims `nvec` whose ratios straddle the clip range; with
 * `perDimension`, old log-probabilities per dimension, each shifted on its own.
 */
function randomBatch(nvec: number[], rows: number, seed: number, perDimension = false) {
  const rng = makeRng(seed);
  const width = nvec.reduce((a, b) => a + b, 0);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng();
  const logits = Float32Array.from({ length: rows * width }, () => u(-2, 2));
  const actions = Int32Array.from({ length: rows * nvec.length }, (_, i) => Math.floor(rng() * nvec[i % nvec.length]!));
  const D = nvec.length;
  const oldLogProb = new Float32Array(perDimension ? rows * D : rows);
  // Old log-probabilities: the new ones shifted by up to +-0.5 (ratios in ~[0.6, 1.65]).
  for (let r = 0; r < rows; r++) {
    let lp = 0;
    for (let d = 0, start = r * width; d < D; start += nvec[d]!, d++) {
      const z = Array.from(logits.subarray(start, start + nvec[d]!));
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      const dimLogProb = z[actions[r * D + d]!]! - lse;
      if (perDimension) oldLogProb[r * D + d] = dimLogProb + u(-0.5, 0.5);
      lp += dimLogProb;
    }
    if (!perDimension) oldLogProb[r] = lp + u(-0.5, 0.5);
  }
  const advantages = Float32Array.from({ length: rows }, () => u(-2, 2));
  const values = Float32Array.from({ length: rows }, () => u(-1, 1));
  const oldValues = Float32Array.from(values, (v) => v + u(-0.4, 0.4));
  const returns = Float32Array.from({ length: rows }, () => u(-1, 1));
  return { rows, nvec: Int32Array.from(nvec), logits, actions, oldLogProb, perDimension, advantages, values, oldValues, returns, width };
}

/** The same loss through the TF.js path (MultiCategorical + ppoLoss) and its autodiff. */
function tfLossAndGradient(b: ReturnType<typeof randomBatch>, c: PpoLossCoefficients) {
  const dist = new MultiCategorical(b.nvec);
  const logits = tf.tensor2d(b.logits, [b.rows, b.width]);
  const values = tf.tensor1d(b.values);
  let terms: Record<string, number> = {};
  const grads = tf.grads((z: tf.Tensor, v: tf.Tensor) => {
    const actions = tf.tensor2d(b.actions, [b.rows, b.nvec.length], 'int32');
    const { logProb, entropy } = b.perDimension ? dist.logProbPerDimensionAndEntropy(z as tf.Tensor2D, actions) : dist.logProbAndEntropy(z as tf.Tensor2D, actions);
    const oldLogProb = b.perDimension ? tf.tensor2d(b.oldLogProb, [b.rows, b.nvec.length]) : tf.tensor1d(b.oldLogProb);
    const out = ppoLoss(
      { newLogProb: logProb, oldLogProb, advantages: tf.tensor1d(b.advantages), newValues: v as tf.Tensor1D, oldValues: tf.tensor1d(b.oldValues), returns: tf.tensor1d(b.returns), entropy },
      c,
    );
    terms = Object.fromEntries(Object.entries(out).map(([k, s]) => [k, s.dataSync()[0]!]));
    return out.loss;
  })([logits, values]);
  const result = { terms, dLogits: grads[0]!.dataSync() as Float32Array, dValues: grads[1]!.dataSync() as Float32Array };
  tf.dispose([logits, values, ...grads]);
  return result;
}

describe('agents/ppo/ppo-loss-grad', () => {
  before(async () => {
    await initBackend('wasm');
  });

  const cases: Array<[string, number[], PpoLossCoefficients, boolean]> = [
    ['Discrete(2), zoo CartPole coefficients', [2], { clipCoef: 0.2, clipVloss: false, valueClipCoef: 0.2, entCoef: 0, vfCoef: 0.5 }, false],
    ['MultiDiscrete([3, 2, 4]) with entropy bonus and value clipping', [3, 2, 4], { clipCoef: 0.1, clipVloss: true, valueClipCoef: 0.1, entCoef: 0.01, vfCoef: 0.5 }, false],
    ['MultiDiscrete([3, 2, 4]), policy clip annealed below the value clip', [3, 2, 4], { clipCoef: 0.05, clipVloss: true, valueClipCoef: 0.2, entCoef: 0.01, vfCoef: 0.5 }, false],
    ['MultiDiscrete([3, 2, 4]), per-dimension ratios', [3, 2, 4], { clipCoef: 0.1, clipVloss: true, valueClipCoef: 0.1, entCoef: 0.01, vfCoef: 0.5 }, true],
  ];
  for (const [name, nvec, c, perDimension] of cases) {
    it(`matches ppoLoss and TF.js autodiff: ${name}`, () => {
      const b = randomBatch(nvec, 64, 7, perDimension);
      const expected = tfLossAndGradient(b, c);
      const dLogits = new Float32Array(b.rows * b.width);
      const dValues = new Float32Array(b.rows);
      const got = categoricalPpoLossAndGradient(b, c, dLogits, dValues, ppoLossGradientScratch(b.nvec));
      for (const key of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction'] as const) near(got[key], expected.terms[key]!, key);
      assert.ok(got.clipFraction > 0 && got.clipFraction < 1, `the batch exercises both clipped and unclipped ratios (clip fraction ${got.clipFraction})`);
      dLogits.forEach((g, i) => near(g, expected.dLogits[i]!, `dLogits[${i}]`, 1e-4));
      dValues.forEach((g, i) => near(g, expected.dValues[i]!, `dValues[${i}]`, 1e-4));
    });
  }

  it('refuses scratch smaller than ppoLossGradientScratch gives (e.g. the old one-row log-probability buffer)', () => {
    const b = randomBatch([3, 2, 4], 4, 7);
    const dLogits = new Float32Array(b.rows * b.width);
    const dValues = new Float32Array(b.rows);
    const c = { clipCoef: 0.2, clipVloss: false, valueClipCoef: 0.2, entCoef: 0.01, vfCoef: 0.5 };
    assert.equal(ppoLossGradientScratch(b.nvec).length, 2 * 9 + 3);
    assert.throws(() => categoricalPpoLossAndGradient(b, c, dLogits, dValues, new Float64Array(b.width)), RangeError);
  });

  it('normalizeAdvantagesInPlace matches normalizeAdvantages', () => {
    const adv = Float32Array.from([3, -1, 0.5, 2, 7]);
    const expected = tf.tidy(() => normalizeAdvantages(tf.tensor1d(adv)).dataSync() as Float32Array);
    normalizeAdvantagesInPlace(adv);
    adv.forEach((a, i) => near(a, expected[i]!, `advantage ${i}`));
  });
});
