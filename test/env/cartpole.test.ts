import assert from 'node:assert/strict';
import { CartPoleEnv, captureWarnings, make } from '../../env/index.ts';

describe('CartPole-v1', () => {
  it('resets uniformly in (-0.05, 0.05), deterministically per seed', () => {
    const env = new CartPoleEnv();
    const [a] = env.reset({ seed: 42 });
    const [b] = new CartPoleEnv().reset({ seed: 42 });
    assert.deepEqual(a, b);
    for (const v of a) assert.ok(Math.abs(v) < 0.05);
    const [c] = env.reset();
    assert.notDeepEqual(a, c, 'no seed continues the stream');
    const [d] = env.reset({ options: { low: 0.5, high: 0.5 } });
    assert.deepEqual(Array.from(d), [0.5, 0.5, 0.5, 0.5]);
    assert.throws(() => env.reset({ options: { low: 1, high: 0 } }), /greater than/);
  });

  it('a reset refused for its options leaves the stream and npRandomSeed as they were (it re-seeded first)', () => {
    const env = new CartPoleEnv();
    const reference = new CartPoleEnv();
    env.reset({ seed: 1 });
    reference.reset({ seed: 1 });
    assert.throws(() => env.reset({ seed: 5, options: { low: 1, high: -1 } }), /greater than/);
    assert.equal(env.npRandomSeed, 1);
    assert.deepEqual(env.reset(), reference.reset());
  });

  it("has Gymnasium's observation space: unbounded velocities, sampled from a normal as Gymnasium samples an unbounded side", () => {
    const space = new CartPoleEnv().observationSpace;
    const angle = Math.fround((12 * 2 * Math.PI) / 360 * 2);
    assert.deepEqual(Array.from(space.low), [-4.8, -Infinity, -angle, -Infinity].map(Math.fround));
    assert.deepEqual(Array.from(space.high), [4.8, Infinity, angle, Infinity].map(Math.fround));
    assert.equal(space.isBounded(), false);
    assert.deepEqual(space.boundedBelow, [true, false, true, false]);
    space.seed(1);
    for (let i = 0; i < 100; i++) {
      const [, xDot, , thetaDot] = space.sample();
      // a standard normal passes 10 with probability 1.5e-23; a uniform draw on +-3.4e38 almost surely does
      assert.ok(Math.abs(xDot!) < 10 && Math.abs(thetaDot!) < 10, `velocities ${xDot}, ${thetaDot}`);
    }
  });

  it('exposes the float64 state and returns it as float32 observations', () => {
    const env = new CartPoleEnv();
    env.state = [0.1, 0.2, 0.03, 0.4];
    const [obs] = env.step(1);
    const s = env.state!;
    assert.equal(s.length, 4);
    assert.deepEqual(Array.from(obs), s.map(Math.fround));
    assert.equal(s[0], 0.1 + 0.02 * 0.2);
    assert.throws(() => (env.state = [0, 0, NaN, 0]), /element \[2\] = NaN/);
  });

  it('terminates past the angle threshold with reward 1, then 0 with one warning', () => {
    const env = new CartPoleEnv();
    env.state = [0, 0, 0.2094, 1];
    const first = env.step(1);
    assert.equal(first[2], true);
    assert.equal(first[1], 1);
    const { result, warnings } = captureWarnings(() => [env.step(1), env.step(1)]);
    assert.deepEqual(result.map((r) => r[1]), [0, 0]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /already returned terminated = true/);
  });

  it('a random policy through make() ends episodes by termination', () => {
    const env = make('CartPole-v1');
    env.actionSpace.seed(0);
    env.reset({ seed: 0 });
    let steps = 0;
    for (;;) {
      steps++;
      const [obs, reward, terminated, truncated] = env.step(env.actionSpace.sample());
      assert.equal(reward, 1);
      assert.ok(env.observationSpace.contains(obs));
      if (terminated || truncated) break;
    }
    assert.ok(steps > 5 && steps < 500);
  });
});
