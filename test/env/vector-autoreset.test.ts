import assert from 'node:assert/strict';
import { Box, Discrete, Env, RecordEpisodeStatistics, ResetNeededError, SyncVectorEnv, make, makeVec, type Info, type ResetArgs, type ResetResult, type StepResult } from '../../env/index.ts';

/**
 * An episode of exactly `length` steps, ended by termination or truncation. Observation
 * [t, episode]; reward 10 t + action; step info {t}; reset info {seed (or -1), optionKeys}.
 * With `reuse`, one observation array is overwritten every call (as envs that pool buffers do).
 */
class FixedLengthEnv extends Env<Float32Array, number> {
  private readonly length: number;
  private readonly endBy: 'terminated' | 'truncated';
  private readonly reuse: boolean;
  observationSpace = new Box(0, 100, { shape: [2] });
  actionSpace = new Discrete(3);
  readonly actions: number[] = [];
  private t = 0;
  private episode = 0;
  private readonly buffer = new Float32Array(2);
  constructor(
    length: number,
    endBy: 'terminated' | 'truncated' = 'terminated',
    reuse = false,
  ) {
    super();
    this.length = length;
    this.endBy = endBy;
    this.reuse = reuse;
  }
  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    this.seedStreams(args.seed);
    this.t = 0;
    this.episode++;
    return [this.observation(), { seed: args.seed ?? -1, optionKeys: Object.keys(args.options ?? {}).join(',') }];
  }
  step(action: number): StepResult<Float32Array> {
    this.actions.push(action);
    this.t++;
    const ended = this.t >= this.length;
    return [this.observation(), 10 * this.t + action, ended && this.endBy === 'terminated', ended && this.endBy === 'truncated', { t: this.t }];
  }
  private observation(): Float32Array {
    const obs = this.reuse ? this.buffer : new Float32Array(2);
    obs[0] = this.t;
    obs[1] = this.episode;
    return obs;
  }
}

const rows = (obs: Float32Array, size: number) => Array.from({ length: obs.length / size }, (_, i) => Array.from(obs.subarray(i * size, (i + 1) * size)));
const list = (x: unknown) => Array.from(x as ArrayLike<unknown>);

describe('vector autoreset modes (Gymnasium 1.1 AutoresetMode)', () => {
  describe('same-step', () => {
    it('resets an ended env within the step; final_obs / final_info carry the last observation and info', () => {
      const a = new FixedLengthEnv(2, 'terminated');
      const b = new FixedLengthEnv(3, 'truncated');
      const envs = new SyncVectorEnv([() => a, () => b], { autoresetMode: 'same-step' });
      assert.equal(envs.autoresetMode, 'same-step');
      envs.reset({ seed: 10 });

      let [obs, rewards, terminated, truncated, infos] = envs.step([1, 1]);
      assert.deepEqual(rows(obs, 2), [[1, 1], [1, 1]]);
      assert.deepEqual(list(rewards), [11, 11]);
      assert.ok(!('final_obs' in infos) && !('final_info' in infos), 'no env ended: no final_* keys');

      // Env 0 ends (t = 2): its reward and terminated flag are the episode's last, its obs the reset's.
      [obs, rewards, terminated, truncated, infos] = envs.step([2, 0]);
      assert.deepEqual(rows(obs, 2), [[0, 2], [2, 1]]);
      assert.deepEqual(list(rewards), [22, 20]);
      assert.deepEqual(list(terminated), [1, 0]);
      assert.deepEqual(list(truncated), [0, 0]);
      assert.deepEqual(list(infos['_final_obs']), [1, 0]);
      assert.deepEqual(list((infos['final_obs'] as Float32Array[])[0]!), [2, 1]);
      assert.equal((infos['final_obs'] as unknown[])[1], undefined);
      assert.deepEqual(list(infos['_final_info']), [1, 0]);
      const finalInfo = infos['final_info'] as Info;
      assert.deepEqual(list(finalInfo['t']), [2, 0]);
      assert.deepEqual(list(finalInfo['_t']), [1, 0]);
      // The reset's info (no seed: -1) for env 0, the step's info for env 1.
      assert.deepEqual(list(infos['seed']), [-1, 0]);
      assert.deepEqual(list(infos['_seed']), [1, 0]);
      assert.deepEqual(list(infos['t']), [0, 2]);
      assert.deepEqual(list(infos['_t']), [0, 1]);

      // The next step steps env 0 at once (no action is ignored); env 1 ends by truncation.
      [obs, rewards, terminated, truncated, infos] = envs.step([0, 2]);
      assert.deepEqual(rows(obs, 2), [[1, 2], [0, 2]]);
      assert.deepEqual(list(rewards), [10, 32]);
      assert.deepEqual(list(terminated), [0, 0]);
      assert.deepEqual(list(truncated), [0, 1]);
      assert.deepEqual(list(infos['_final_obs']), [0, 1]);
      assert.deepEqual(list((infos['final_obs'] as Float32Array[])[1]!), [3, 1]);
      assert.deepEqual(list((infos['final_info'] as Info)['t']), [0, 3]);
      assert.deepEqual(a.actions, [1, 2, 0]);
      assert.deepEqual(b.actions, [1, 0, 2]);
    });

    it('copies the final observation, so an env reusing its observation array cannot overwrite it', () => {
      const envs = new SyncVectorEnv([() => new FixedLengthEnv(1, 'terminated', true)], { autoresetMode: 'same-step' });
      envs.reset();
      const [obs, , , , infos] = envs.step([0]);
      assert.deepEqual(list(obs), [0, 2]);
      assert.deepEqual(list((infos['final_obs'] as Float32Array[])[0]!), [1, 1]);
    });
  });

  describe('disabled', () => {
    it('never resets by itself; stepping an ended env throws naming it, before any env steps', () => {
      const a = new FixedLengthEnv(2);
      const b = new FixedLengthEnv(3);
      const envs = new SyncVectorEnv([() => a, () => b], { autoresetMode: 'disabled' });
      envs.reset({ seed: 0 });
      envs.step([1, 1]);
      const [obs, rewards, terminated, , infos] = envs.step([1, 1]);
      assert.deepEqual(rows(obs, 2), [[2, 1], [2, 1]], 'env 0 keeps its terminal observation');
      assert.deepEqual(list(rewards), [21, 21]);
      assert.deepEqual(list(terminated), [1, 0]);
      assert.ok(!('final_obs' in infos));
      assert.throws(() => envs.step([0, 0]), (e: Error) => e instanceof ResetNeededError && /SyncVectorEnv\.step: env 0 has ended \(terminated or truncated\) and autoresetMode is 'disabled'; reset first with reset\(\{ options: \{ reset_mask \} \}\)/.test(e.message));
      assert.deepEqual(b.actions, [1, 1], 'the refused step stepped no env');
    });

    it('resets only the masked envs, with their seeds and the other options; the rest keep their observation', () => {
      const a = new FixedLengthEnv(2);
      const b = new FixedLengthEnv(3);
      const envs = new SyncVectorEnv([() => a, () => b], { autoresetMode: 'disabled' });
      envs.reset({ seed: 0 });
      envs.step([0, 0]);
      const [, , endedByTermination, endedByTruncation] = envs.step([0, 0]);
      const options = { reset_mask: endedByTermination.map((t, i) => t | endedByTruncation[i]!), level: 3 };
      let [obs, infos] = envs.reset({ seed: 7, options });
      assert.deepEqual(rows(obs, 2), [[0, 2], [2, 1]]);
      assert.deepEqual(list(infos['seed']), [7, 0], 'env 0 gets seed + 0');
      assert.deepEqual(list(infos['_seed']), [1, 0]);
      assert.deepEqual(infos['optionKeys'], ['level', undefined], 'reset_mask is not passed to the env');
      assert.ok('reset_mask' in options, "the caller's options are not modified");

      const [next, rewards, terminated] = envs.step([2, 1]);
      obs = next;
      assert.deepEqual(rows(obs, 2), [[1, 2], [3, 1]]);
      assert.deepEqual(list(rewards), [12, 31]);
      assert.deepEqual(list(terminated), [0, 1]);
      assert.throws(() => envs.step([0, 0]), /env 1 has ended/);
      [obs, infos] = envs.reset({ seed: [undefined, 5], options: { reset_mask: [false, true] } });
      assert.deepEqual(rows(obs, 2), [[1, 2], [0, 2]]);
      assert.deepEqual(list(infos['seed']), [0, 5]);
      assert.deepEqual(list(infos['_seed']), [0, 1]);
      envs.step([0, 0]);
    });

    it('names every ended env', () => {
      const envs = new SyncVectorEnv([1, 5, 1].map((n) => () => new FixedLengthEnv(n)), { autoresetMode: 'disabled' });
      envs.reset();
      envs.step([0, 0, 0]);
      assert.throws(() => envs.step([0, 0, 0]), /envs 0, 2 have ended/);
    });
  });

  describe('next-step', () => {
    it('is the default; a reset_mask reset of an ended env cancels its pending autoreset', () => {
      const a = new FixedLengthEnv(1);
      const envs = new SyncVectorEnv([() => a, () => new FixedLengthEnv(5)]);
      assert.equal(envs.autoresetMode, 'next-step');
      envs.reset({ seed: 1 });
      const [, , terminated] = envs.step([0, 0]);
      assert.deepEqual(list(terminated), [1, 0]);
      const [obs, infos] = envs.reset({ seed: 3, options: { reset_mask: Uint8Array.of(1, 0) } });
      assert.deepEqual(rows(obs, 2), [[0, 2], [1, 1]]);
      assert.deepEqual(list(infos['seed']), [3, 0]);
      const [next, rewards] = envs.step([2, 0]);
      assert.deepEqual(rows(next, 2), [[1, 2], [2, 1]], 'env 0 steps: no second reset');
      assert.deepEqual(list(rewards), [12, 20]);
      assert.deepEqual(a.actions, [0, 2]);
    });
  });

  describe('reset_mask validation', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['a mask of the wrong type', Int8Array.of(1, 0), /options\.reset_mask must be a Uint8Array \(0\/1\) or boolean\[\], got Int8Array\(2\)/],
      ['a mask of the wrong length', [true], /options\.reset_mask has 1 entries, expected one per env \(2\)/],
      ['a Uint8Array entry other than 0/1', Uint8Array.of(1, 2), /options\.reset_mask\[1\] = 2 must be 0 or 1/],
      ['a boolean[] entry that is not a boolean', [true, 1], /options\.reset_mask\[1\] = 1 must be true or false/],
      ['a mask that marks no env', [false, false], /options\.reset_mask marks no env; reset at least one, or omit reset_mask to reset all/],
    ];
    for (const [what, mask, message] of bad) {
      it(`rejects ${what}, naming the entry`, () => {
        const envs = new SyncVectorEnv([() => new FixedLengthEnv(3), () => new FixedLengthEnv(3)]);
        envs.reset();
        assert.throws(() => envs.reset({ options: { reset_mask: mask } }), (e: Error) => /^SyncVectorEnv\.reset: /.test(e.message) && message.test(e.message));
      });
    }
  });

  describe('CartPole-v1 episode boundary', () => {
    /** A single CartPole pushed right from seed 4 until it terminates; then reset without a seed. */
    function reference() {
      const env = make('CartPole-v1');
      env.reset({ seed: 4 });
      let step;
      let steps = 0;
      do {
        step = env.step(1);
        steps++;
      } while (!step[2]);
      const [nextObs] = env.reset();
      return { steps, terminalObs: Array.from(step[0]), nextObs: Array.from(nextObs) };
    }
    const ref = reference();
    const vector = (autoresetMode: 'next-step' | 'same-step' | 'disabled') =>
      new SyncVectorEnv([0, 1].map(() => () => new RecordEpisodeStatistics(make('CartPole-v1'))), { autoresetMode });
    /** Steps env 0 right (env 1 alternates) up to the step before env 0's episode ends. */
    function runToBoundary(envs: SyncVectorEnv<Float32Array, number>) {
      envs.reset({ seed: 4 });
      for (let t = 1; t < ref.steps; t++) assert.equal(envs.step([1, t % 2])[2][0], 0);
    }

    it('same-step: reward 1 and terminated at the boundary, obs = the next episode, final_obs = the terminal state', () => {
      const envs = vector('same-step');
      runToBoundary(envs);
      const [obs, rewards, terminated, truncated, infos] = envs.step([1, 0]);
      assert.deepEqual([rewards[0], terminated[0], truncated[0]], [1, 1, 0]);
      assert.deepEqual(Array.from(obs.subarray(0, 4)), ref.nextObs);
      assert.deepEqual(list((infos['final_obs'] as Float32Array[])[0]!), ref.terminalObs);
      assert.deepEqual(list(infos['_final_obs']), [1, 0]);
      const episode = (infos['final_info'] as Info)['episode'] as Info;
      assert.deepEqual([(episode['r'] as Float64Array)[0], (episode['l'] as Float64Array)[0]], [ref.steps, ref.steps]);
      assert.deepEqual(list(infos['_final_info']), [1, 0]);
      assert.ok(!('episode' in infos), 'the episode statistics are in final_info, not at the top level');
    });

    it('next-step: terminal obs at the boundary, then reward 0 and the next episode', () => {
      const envs = vector('next-step');
      runToBoundary(envs);
      let [obs, rewards, terminated, , infos] = envs.step([1, 0]);
      assert.deepEqual([rewards[0], terminated[0]], [1, 1]);
      assert.deepEqual(Array.from(obs.subarray(0, 4)), ref.terminalObs);
      assert.deepEqual(list((infos['episode'] as Info)['l']), [ref.steps, 0]);
      [obs, rewards, terminated] = envs.step([1, 0]);
      assert.deepEqual([rewards[0], terminated[0]], [0, 0]);
      assert.deepEqual(Array.from(obs.subarray(0, 4)), ref.nextObs);
    });

    it('disabled: terminal obs at the boundary, refuses to step, the masked reset gives the next episode', () => {
      const envs = vector('disabled');
      runToBoundary(envs);
      let [obs, , terminated] = envs.step([1, 0]);
      assert.deepEqual(Array.from(obs.subarray(0, 4)), ref.terminalObs);
      assert.throws(() => envs.step([1, 0]), /env 0 has ended/);
      [obs] = envs.reset({ options: { reset_mask: terminated } });
      assert.deepEqual(Array.from(obs.subarray(0, 4)), ref.nextObs);
      [, , terminated] = envs.step([1, 0]);
      assert.equal(terminated[0], 0);
    });
  });

  it("makeVec passes autoresetMode through to a SyncVectorEnv; an unknown mode is refused listing the modes", () => {
    assert.equal(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: 'same-step' }).autoresetMode, 'same-step');
    assert.equal(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: 'disabled' }).autoresetMode, 'disabled');
    assert.equal(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' }).autoresetMode, 'next-step');
    assert.throws(() => makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: 'SAME_STEP' as never }), /SyncVectorEnv: autoresetMode "SAME_STEP" is not one of 'next-step', 'same-step', 'disabled'/);
  });
});
