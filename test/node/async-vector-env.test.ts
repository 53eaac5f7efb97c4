import assert from 'node:assert/strict';
import { AsyncVectorEnv } from '../../node/async-vector-env.ts';
import { CartPoleEnv, InvalidActionError, SyncVectorEnv, UnregisteredEnvError, make } from '../../env/index.ts';

describe('AsyncVectorEnv', function () {
  this.timeout(60_000);
  let envs: AsyncVectorEnv<Float32Array, Int32Array> | undefined;
  afterEach(() => envs?.close());

  it('gives the same trajectories as SyncVectorEnv, autoreset and episode infos included', () => {
    const asyncEnvs = new AsyncVectorEnv<Float32Array, Int32Array>([0, 1].map(() => ({ id: 'CartPole-v1', recordEpisodeStatistics: true })));
    envs = asyncEnvs;
    const sync = new SyncVectorEnv([0, 1].map(() => () => make<Float32Array, number>('CartPole-v1')));
    assert.equal(asyncEnvs.observationSpace.toString(), sync.observationSpace.toString());
    const [a0] = asyncEnvs.reset({ seed: 3 });
    const [b0] = sync.reset({ seed: 3 });
    assert.deepEqual(a0, b0);
    let episodes = 0;
    for (let t = 0; t < 60; t++) {
      const actions = Int32Array.of(1, t % 2);
      const a = asyncEnvs.step(actions);
      const b = sync.step(actions);
      assert.deepEqual([a[0], a[1], a[2], a[3]], [b[0], b[1], b[2], b[3]]);
      if (a[4]['_episode']) episodes += (a[4]['_episode'] as Uint8Array).reduce((s, x) => s + x, 0);
    }
    assert.ok(episodes >= 1, 'env 0 (always right) ends episodes within 60 steps');
  });

  it('rethrows worker errors with the env index and error class', () => {
    envs = new AsyncVectorEnv([{ id: 'CartPole-v1' }, { id: 'CartPole-v1' }]);
    envs.reset({ seed: 0 });
    assert.throws(() => envs!.step([0, 5]), (e: Error) => e instanceof InvalidActionError && /env 1: .*Discrete\(2\)/.test(e.message));
    assert.throws(() => new AsyncVectorEnv([{ id: 'Nope-v0' }]), (e: Error) => e instanceof UnregisteredEnvError && /CartPole-v1/.test(e.message));
  });

  it('refuses malformed recipes and options by name before starting workers', () => {
    assert.throws(() => new AsyncVectorEnv([{} as never]), /AsyncVectorEnv: recipe 0 must be \{ id, kwargs\? \} with a registered id, got \{\}/);
    assert.throws(() => new AsyncVectorEnv([null as never]), /recipe 0 must be/);
    for (const timeoutMs of [NaN, -5, 0, 'x']) assert.throws(() => new AsyncVectorEnv([{ id: 'CartPole-v1' }], { timeoutMs: timeoutMs as number }), /AsyncVectorEnv: timeoutMs = .* must be a number of ms in \(0, 2\^31\]/);
    assert.throws(() => new AsyncVectorEnv([{ id: 'CartPole-v1' }], { copy: 'no' as never }), /AsyncVectorEnv: copy = "no" must be true or false/);
  });

  it('closes twice and refuses to step after close', () => {
    envs = new AsyncVectorEnv([{ id: 'CartPole-v1' }]);
    envs.close();
    envs.close();
    assert.throws(() => envs!.step([0]), /closed/);
  });

  it('keeps CartPoleEnv a plain local class (sanity for the recipe path)', () => {
    assert.ok(new CartPoleEnv() instanceof CartPoleEnv);
  });
});
