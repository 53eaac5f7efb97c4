import assert from 'node:assert/strict';
import { computeGae } from '../../agents/ppo/gae.ts';

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
}

describe('agents/ppo/gae', () => {
  it('matches a hand-computed 3-step example with a bootstrap value', () => {
    // gamma 0.9, lambda 0.5; V = [1, 2, 3], rewards [1, 1, 1], last value 4, no episode end.
    // delta2 = 1 + 0.9*4 - 3 = 1.6;  A2 = 1.6
    // delta1 = 1 + 0.9*3 - 2 = 1.7;  A1 = 1.7 + 0.45*1.6 = 2.42
    // delta0 = 1 + 0.9*2 - 1 = 1.8;  A0 = 1.8 + 0.45*2.42 = 2.889
    const advantages = new Float32Array(3);
    const returns = new Float32Array(3);
    computeGae(
      {
        steps: 3,
        envs: 1,
        rewards: Float32Array.of(1, 1, 1),
        values: Float32Array.of(1, 2, 3),
        terminated: Uint8Array.of(0, 0, 0),
        dones: Uint8Array.of(0, 0, 0),
        lastValues: Float32Array.of(4),
        gamma: 0.9,
        lambda: 0.5,
      },
      advantages,
      returns,
    );
    close(advantages, [2.889, 2.42, 1.6]);
    close(returns, [3.889, 4.42, 4.6]);
  });

  it('cuts the recursion at episode ends, bootstrapping truncations but not terminations', () => {
    // Two envs, time-major [T=2, E=2]. Env 0 terminates at t=0; env 1 is truncated at t=0.
    // Row t=1 holds the final observation's value (next-step autoreset): V = 5 for both.
    // env 0: delta0 = 1 + 0 - 1 = 0 (terminated: no bootstrap) -> A0 = 0
    // env 1: delta0 = 1 + 0.9*5 - 1 = 4.5 (truncated: bootstrap from V(final)) -> A0 = 4.5
    // t=1 (both): delta1 = 0 + 0.9*2 - 5 = -3.2 -> A1 = -3.2; not chained into t=0.
    const advantages = new Float32Array(4);
    const returns = new Float32Array(4);
    computeGae(
      {
        steps: 2,
        envs: 2,
        rewards: Float32Array.of(1, 1, 0, 0),
        values: Float32Array.of(1, 1, 5, 5),
        terminated: Uint8Array.of(1, 0, 0, 0),
        dones: Uint8Array.of(1, 1, 0, 0),
        lastValues: Float32Array.of(2, 2),
        gamma: 0.9,
        lambda: 0.95,
      },
      advantages,
      returns,
    );
    close(advantages, [0, 4.5, -3.2, -3.2]);
    close(returns, [1, 5.5, 1.8, 1.8]);
  });

  it('refuses arrays that do not match steps × envs, and a gamma or lambda outside [0, 1], naming the argument', () => {
    const input = {
      steps: 2,
      envs: 2,
      rewards: new Float32Array(4),
      values: new Float32Array(4),
      terminated: new Uint8Array(4),
      dones: new Uint8Array(4),
      lastValues: new Float32Array(2),
      gamma: 0.99,
      lambda: 0.95,
    };
    const out = () => new Float32Array(4);
    const refused = (change: object, message: RegExp, advantages = out()) =>
      assert.throws(() => computeGae({ ...input, ...change }, advantages, out()), (e: Error) => e.name === 'InvalidArgumentError' && message.test(e.message));
    refused({ rewards: new Float32Array(3) }, /^computeGae: rewards must hold steps × envs = 2 × 2 = 4 elements, got 3$/);
    refused({ dones: new Uint8Array(5) }, /^computeGae: dones must hold steps × envs = 2 × 2 = 4 elements, got 5$/);
    refused({ lastValues: new Float32Array(4) }, /^computeGae: lastValues must hold envs = 2 elements, got 4$/);
    refused({}, /^computeGae: advantages must hold steps × envs = 2 × 2 = 4 elements, got 2$/, new Float32Array(2));
    refused({ steps: 0 }, /^computeGae: steps must be an integer >= 1, got 0$/);
    refused({ envs: 1.5 }, /^computeGae: envs must be an integer >= 1, got 1.5$/);
    refused({ gamma: 1.01 }, /^computeGae: gamma must be a number in \[0, 1\], got 1.01$/);
    refused({ lambda: NaN }, /^computeGae: lambda must be a number in \[0, 1\], got NaN$/);
    const advantages = out();
    computeGae(input, advantages, out()); // the same input, well formed, is taken
    assert.deepEqual([...advantages], [0, 0, 0, 0]);
  });
});

