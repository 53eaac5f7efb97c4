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

  it('normalises advantages to zero mean and unit (unbiased) std', () => {
    const out = tf.tidy(() => Array.from(normalizeAdvantages(tf.tensor1d([1, 2, 3, 4])).dataSync()));
    const std = Math.sqrt(((1.5 ** 2 + 0.5 ** 2) * 2) / 3);
    [1, 2, 3, 4].forEach((x, i) => near(out[i]!, (x - 2.5) / std, 1e-5));
  });
});
