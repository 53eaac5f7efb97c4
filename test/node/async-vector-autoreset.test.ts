import assert from 'node:assert/strict';
import { AsyncVectorEnv } from '../../node/async-vector-env.ts';
import { RecordEpisodeStatistics, ResetNeededError, SyncVectorEnv, make, type AutoresetMode, type Info, type VectorResetArgs } from '../../env/index.ts';
import './fixtures/scripted-env.ts'; // Scripted-v0 in this thread too, for SyncVectorEnv

/** `infos` without the wall-clock episode times (`episode.t`), which differ between runs. */
function withoutTimes(infos: Info): Info {
  const out: Info = {};
  for (const [key, value] of Object.entries(infos)) {
    if (key === 't' || key === '_t') continue;
    out[key] = typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype ? withoutTimes(value as Info) : value;
  }
  return out;
}

/**
 * Runs CartPole-v1 x2 (env 0 pushed right, so its episodes end within ~10 steps) in an
 * AsyncVectorEnv and a SyncVectorEnv with the same mode, asserting equal outputs at every call.
 * `between(t, ended)` may return reset arguments to apply after step t. Returns the number of
 * episode ends and of steps whose infos held final_obs.
 */
function compareWithSync(autoresetMode: AutoresetMode, steps: number, between: (t: number, ended: Uint8Array) => VectorResetArgs | undefined) {
  const asyncEnvs = new AsyncVectorEnv<Float32Array, Int32Array>([0, 1].map(() => ({ id: 'CartPole-v1', recordEpisodeStatistics: true })), { autoresetMode });
  try {
    const sync = new SyncVectorEnv([0, 1].map(() => () => new RecordEpisodeStatistics(make('CartPole-v1'))), { autoresetMode });
    assert.equal(asyncEnvs.autoresetMode, autoresetMode);
    assert.deepEqual(asyncEnvs.reset({ seed: 3 }), sync.reset({ seed: 3 }));
    let ends = 0;
    let finals = 0;
    for (let t = 0; t < steps; t++) {
      const actions = Int32Array.of(1, t % 2);
      const a = asyncEnvs.step(actions);
      const b = sync.step(actions);
      assert.deepEqual([a[0], a[1], a[2], a[3]], [b[0], b[1], b[2], b[3]], `step ${t}`);
      assert.deepEqual(withoutTimes(a[4]), withoutTimes(b[4]), `infos at step ${t}`);
      const ended = a[2].map((x, i) => x | a[3][i]!);
      ends += ended.reduce((s, x) => s + x, 0);
      if ('final_obs' in a[4]) finals++;
      const resetArgs = between(t, ended);
      if (resetArgs) {
        const [ra, rb] = [asyncEnvs.reset(resetArgs), sync.reset(resetArgs)];
        assert.deepEqual(ra, rb, `reset after step ${t}`);
      }
    }
    return { ends, finals, asyncEnvs };
  } catch (error) {
    asyncEnvs.close();
    throw error;
  }
}

describe('AsyncVectorEnv autoreset modes', function () {
  this.timeout(60_000);

  it('same-step: equals SyncVectorEnv, final_obs / final_info (episode statistics) included', () => {
    const { ends, finals, asyncEnvs } = compareWithSync('same-step', 25, () => undefined);
    asyncEnvs.close();
    assert.ok(ends >= 2 && finals === ends, `every episode end carries final_obs (${finals} of ${ends})`);
  });

  it('disabled: equals SyncVectorEnv with masked, seeded resets; stepping an ended env throws naming it', () => {
    let maskedResets = 0;
    const result = compareWithSync('disabled', 25, (t, ended) => {
      if (!ended.includes(1)) return undefined;
      maskedResets++;
      return { seed: [100 + t, 200 + t], options: { reset_mask: ended } };
    });
    const envs = result.asyncEnvs;
    try {
      assert.ok(result.ends >= 2 && maskedResets >= 2, `episodes ended (${result.ends}) and were reset by mask (${maskedResets})`);
      // End env 0's episode, then step without resetting it.
      envs.reset({ seed: 0 });
      let ended = 0;
      for (let t = 0; !ended; t++) ended = envs.step(Int32Array.of(1, t % 2))[2][0]!;
      assert.throws(() => envs.step(Int32Array.of(1, 0)), (e: Error) => e instanceof ResetNeededError && /AsyncVectorEnv\.step: env 0 has ended .* autoresetMode is 'disabled'/.test(e.message));
      const [obs, infos] = envs.reset({ options: { reset_mask: [true, false] } });
      assert.equal(obs.length, 8);
      assert.deepEqual(Object.keys(infos), [], 'CartPole reset info is empty; env 1 adds nothing');
      assert.equal(envs.step(Int32Array.of(0, 0))[2][0], 0, 'env 0 steps again after its masked reset');
    } finally {
      envs.close();
    }
  });

  it("disabled: a step in which one env fails still records the others' results (the env that ended must be reset first), as SyncVectorEnv", () => {
    const imports = [new URL('./fixtures/scripted-env.ts', import.meta.url).href];
    const kwargs = [{ endAt: 1 }, { failAt: 1 }]; // env 0 ends on its first step, in which env 1 fails
    const asyncEnvs = new AsyncVectorEnv<Float32Array, Int32Array>(kwargs.map((k) => ({ id: 'Scripted-v0', kwargs: k, imports })), { autoresetMode: 'disabled' });
    const sync = new SyncVectorEnv(kwargs.map((k) => () => make<Float32Array, number>('Scripted-v0', k)), { autoresetMode: 'disabled' });
    try {
      for (const [name, envs] of [['AsyncVectorEnv', asyncEnvs], ['SyncVectorEnv', sync]] as const) {
        envs.reset({ seed: 0 });
        assert.throws(() => envs.step(Int32Array.of(0, 0)), (e: Error) => e.message === `${name} env 1: scripted failure at step 1`);
        const [obs] = envs.reset({ options: { reset_mask: [false, true] } });
        assert.deepEqual(obs, Float32Array.of(1, 0), `${name}: env 0's observation from the failed step is kept`);
        assert.throws(() => envs.step(Int32Array.of(0, 0)), (e: Error) => e instanceof ResetNeededError && e.message.startsWith(`${name}.step: env 0 has ended (terminated or truncated) and autoresetMode is 'disabled'`));
      }
    } finally {
      asyncEnvs.close();
    }
  });

  it('next-step: equals SyncVectorEnv with a partial reset that cancels a pending autoreset', () => {
    const { ends, asyncEnvs } = compareWithSync('next-step', 25, (t, ended) => (ended[0] ? { seed: [50 + t, undefined], options: { reset_mask: Uint8Array.of(1, 0) } } : undefined));
    asyncEnvs.close();
    assert.ok(ends >= 2);
  });
});
