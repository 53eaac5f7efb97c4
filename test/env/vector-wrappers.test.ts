import assert from 'node:assert/strict';
import {
  AUTORESET_MODES,
  Box,
  captureWarnings,
  TransformObservation,
  TransformReward,
  CartPoleEnv,
  Dict,
  Discrete,
  Env,
  FlattenObservation,
  GymError,
  MultiDiscrete,
  NormalizeReward,
  RecordEpisodeStatistics,
  RunningMeanStd,
  SyncVectorEnv,
  Tuple,
  VectorFlattenObservation,
  VectorNormalizeObservation,
  VectorNormalizeReward,
  VectorRecordEpisodeStatistics,
  VectorRewardWrapper,
  flatten,
  make,
  makeVec,
  readBatchItem,
  type AutoresetMode,
  type EpisodeStatistics,
  type Info,
  type ResetResult,
  type StepResult,
  type VectorEnv,
  type VectorEpisodeStatistics,
} from '../../env/index.ts';
import { docExample, runnable } from './doc-example.ts';

/** Seeded random action batches for `env`, the same for every env built alike. */
function actionStream<A>(env: VectorEnv<unknown, A>, seed: number): () => A {
  env.actionSpace.seed(seed);
  return () => env.actionSpace.sample();
}

/** A `console` whose `log` keeps the numbers of each line logged. */
function numbersLogged(): { log(...args: unknown[]): void; lines: number[][] } {
  const lines: number[][] = [];
  return { lines, log: (...args) => lines.push((args.join(' ').match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number)) };
}

/** The envs that ended in the step result `ended` = terminated | truncated, as a reset mask. */
function endedMask(terminated: Uint8Array, truncated: Uint8Array): Uint8Array {
  return terminated.map((t, i) => t | truncated[i]!);
}

describe('vector wrappers', () => {
  it('refuse an epsilon or buffer length that would make every output NaN or keep nothing, as the single-env ones do', () => {
    const flat = () => new VectorFlattenObservation(makeVec('BDT-small-v0', 2));
    for (const epsilon of [-1, NaN, Infinity, 'x']) {
      assert.throws(() => new VectorNormalizeObservation(flat(), epsilon as number), /VectorNormalizeObservation: epsilon = .* must be a finite number >= 0/);
      assert.throws(() => new VectorNormalizeReward(makeVec('BDT-small-v0', 2), 0.99, epsilon as number), /VectorNormalizeReward: epsilon = .* must be a finite number >= 0/);
      assert.throws(() => new NormalizeReward(make('CartPole-v1'), 0.99, epsilon as number), /NormalizeReward: epsilon = .* must be a finite number >= 0/);
    }
    for (const bufferLength of [0, -1, 1.5, NaN, 'x']) {
      assert.throws(() => new VectorRecordEpisodeStatistics(makeVec('BDT-small-v0', 2), bufferLength as number), /VectorRecordEpisodeStatistics: bufferLength = .* must be a positive integer/);
      assert.throws(() => new RecordEpisodeStatistics(make('CartPole-v1'), bufferLength as number), /RecordEpisodeStatistics: bufferLength = .* must be a positive integer/);
    }
  });

  describe('VectorRecordEpisodeStatistics', () => {
    for (const mode of AUTORESET_MODES) {
      it(`records what per-env RecordEpisodeStatistics records, in ${mode} autoreset mode`, () => {
        // reference: one RecordEpisodeStatistics inside each env of a SyncVectorEnv
        const reference: VectorEpisodeStatistics[] = [];
        const inner = Array.from({ length: 3 }, (_, i) => () => {
          const env = new RecordEpisodeStatistics(make('CartPole-v1'));
          env.episodes$.subscribe((s: EpisodeStatistics) => reference.push({ ...s, env: i }));
          return env;
        });
        const perEnv = new SyncVectorEnv(inner, { autoresetMode: mode });
        const wrapped = new VectorRecordEpisodeStatistics(makeVec('CartPole-v1', 3, { vectorizationMode: 'sync', autoresetMode: mode }), 1000);
        const recorded: VectorEpisodeStatistics[] = [];
        wrapped.episodes$.subscribe((s) => recorded.push(s));
        const sample = actionStream(wrapped, 5);
        perEnv.reset({ seed: 11 });
        wrapped.reset({ seed: 11 });
        let withInfo = 0;
        for (let t = 0; t < 300; t++) {
          const actions = sample();
          perEnv.step(actions as Int32Array);
          const [, , terminated, truncated, infos] = wrapped.step(actions);
          const ended = endedMask(terminated, truncated);
          if (ended.includes(1)) {
            // the infos carry the step's records where _episode marks them
            const episode = infos['episode'] as Info;
            assert.deepEqual(Array.from(infos['_episode'] as Uint8Array), Array.from(ended));
            const last = recorded.slice(-ended.reduce((a, b) => a + b, 0));
            for (const s of last) assert.equal((episode['r'] as Float64Array)[s.env], s.r);
            withInfo++;
            if (mode === 'disabled') {
              perEnv.reset({ options: { reset_mask: ended } });
              wrapped.reset({ options: { reset_mask: ended } });
            }
          } else assert.ok(!('episode' in infos));
        }
        assert.ok(reference.length >= 20, `only ${reference.length} episodes`);
        assert.ok(withInfo > 0);
        const key = (s: VectorEpisodeStatistics) => `${s.env}:${s.r}:${s.l}`;
        assert.deepEqual(recorded.map(key), reference.map(key));
        assert.equal(wrapped.episodeCount, reference.length);
        assert.deepEqual(wrapped.returnQueue, recorded.map((s) => s.r));
      });
    }

    it('its doc example runs, and reads the infos both on steps where episodes ended and on steps where none did', () => {
      const example = docExample('env/wrappers/vector/record-episode-statistics.ts');
      // as written: BDT-v0 x8, one step, on which no episode ends
      const asWritten = numbersLogged();
      runnable(example, 'makeVec', 'VectorRecordEpisodeStatistics', 'console')(makeVec, VectorRecordEpisodeStatistics, asWritten);
      assert.deepEqual(asWritten.lines, []);
      // what follows the step reads `infos`: on CartPole-v1 x2 it must log env, return and length of each episode ended
      const reading = example.split(/^.*= envs\.step\(.*\n/m)[1];
      assert.ok(reading !== undefined && reading.trim() !== '', `no code after the step in the example:\n${example}`);
      const read = runnable(reading, 'envs', 'infos', 'console');
      const envs = new VectorRecordEpisodeStatistics(makeVec('CartPole-v1', 2));
      const recorded: VectorEpisodeStatistics[] = [];
      envs.episodes$.subscribe((s) => recorded.push(s));
      const sample = actionStream(envs, 4);
      envs.reset({ seed: 4 });
      const steps = { ended: 0, none: 0 };
      for (let t = 0; t < 100; t++) {
        const before = recorded.length;
        const [, , , , infos] = envs.step(sample());
        const logged = numbersLogged();
        read(envs, infos, logged);
        assert.deepEqual(logged.lines, recorded.slice(before).map((s) => [s.env, s.r, s.l]), `step ${t}`);
        steps[recorded.length > before ? 'ended' : 'none']++;
      }
      assert.ok(steps.ended > 0 && steps.none > 0, JSON.stringify(steps));
    });

    it('on the native BdtVectorEnv, an episode is its T slots and the sum of their rewards', () => {
      const env = new VectorRecordEpisodeStatistics(makeVec('BDT-small-v0', 2, { kwargs: { scenario: { slots: 7 } } }));
      const sample = actionStream(env, 2);
      env.reset({ seed: 3 });
      const sums = new Float64Array(2);
      for (let t = 0; t < 7; t++) {
        const [, rewards, , truncated, infos] = env.step(sample());
        for (let i = 0; i < 2; i++) sums[i]! += rewards[i]!;
        if (t < 6) assert.ok(!('episode' in infos));
        else {
          assert.deepEqual(Array.from(truncated), [1, 1]);
          const episode = infos['episode'] as Info;
          assert.deepEqual(Array.from(episode['l'] as Float64Array), [7, 7]);
          assert.deepEqual(Array.from(episode['r'] as Float64Array), Array.from(sums));
        }
      }
      // next-step: the autoreset step belongs to no episode, the next one starts the count
      env.step(sample());
      env.step(sample());
      assert.equal(env.episodeCount, 2);
    });

    it('a partial reset restarts only the envs it marks', () => {
      const env = new VectorRecordEpisodeStatistics(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: 'disabled' }));
      const recorded: VectorEpisodeStatistics[] = [];
      env.episodes$.subscribe((s) => recorded.push(s));
      env.reset({ seed: 1 });
      const steps = [0, 0];
      const expected: string[] = [];
      const step = () => {
        const [, , terminated, truncated] = env.step(Int32Array.of(0, 0));
        steps[0]!++;
        steps[1]!++;
        return endedMask(terminated, truncated);
      };
      step();
      step();
      env.reset({ options: { reset_mask: Uint8Array.of(0, 1) } }); // env 1 starts over, env 0 goes on
      steps[1] = 0;
      for (;;) {
        const ended = step();
        if (ended[1] === 1) expected.push(`1:${steps[1]}`);
        if (ended[0] === 1) {
          expected.push(`0:${steps[0]}`);
          break;
        }
        if (ended[1] === 1) {
          env.reset({ options: { reset_mask: Uint8Array.of(0, 1) } });
          steps[1] = 0;
        }
      }
      assert.ok(steps[0]! > 2);
      assert.deepEqual(recorded.map((s) => `${s.env}:${s.l}`), expected);
    });

    it("emits a step's episodes once all are counted: a subscriber that resets the envs no longer cuts the other envs' episodes short", () => {
      for (const resetInSubscriber of [true, false]) {
        // 4 envs whose 10-slot episodes all end on the same step
        const envs = new VectorRecordEpisodeStatistics(makeVec('BDT-small-v0', 4, { kwargs: { scenario: { slots: 10 } } }));
        const sample = actionStream(envs, 1);
        const seen: Array<{ l: number; count: number }> = [];
        envs.episodes$.subscribe((e) => {
          seen.push({ l: e.l, count: envs.episodeCount });
          if (resetInSubscriber && seen.length === 1) envs.reset({ seed: 2 }); // "stop and start over"
        });
        envs.reset({ seed: 1 });
        for (let t = 0; t < 10; t++) envs.step(sample());
        assert.deepEqual(seen.map((s) => s.l), [10, 10, 10, 10], `reset in subscriber: ${resetInSubscriber}`);
        assert.deepEqual(seen.map((s) => s.count), [4, 4, 4, 4], 'every episode of the step is counted before the first is emitted');
        envs.close();
      }
    });

    it('refuses to overwrite an info key the inner env already sets, and completes episodes$ on close', () => {
      const twice = new VectorRecordEpisodeStatistics(new VectorRecordEpisodeStatistics(makeVec('BDT-small-v0', 1, { kwargs: { scenario: { slots: 2 } } })));
      const sample = actionStream(twice, 1);
      twice.reset({ seed: 1 });
      twice.step(sample());
      assert.throws(() => twice.step(sample()), /already have a "episode" entry; pass another statsKey/);
      assert.equal(twice.episodeCount, 0, 'refused before counting');
      assert.deepEqual(twice.returnQueue, []);
      let completed = false;
      twice.episodes$.subscribe({ complete: () => (completed = true) });
      twice.close();
      assert.ok(completed);
    });
  });

  describe('VectorFlattenObservation', () => {
    it("is refused in same-step mode, whose infos' final_obs it would leave unflattened (as Gymnasium's observation wrappers)", () => {
      assert.throws(() => new VectorFlattenObservation(makeVec('BDT-v0', 2, { autoresetMode: 'same-step' })), /^GymError: VectorFlattenObservation: needs the 'next-step' or 'disabled' autoreset mode, got 'same-step'/);
      new VectorFlattenObservation(makeVec('BDT-v0', 2, { autoresetMode: 'disabled' })).close();
    });

    it('gives row i = flatten(obs_i) of the native BdtVectorEnv, in a Box batch space', () => {
      const raw = makeVec('BDT-v0', 3);
      const flat = new VectorFlattenObservation(makeVec('BDT-v0', 3));
      const single = raw.singleObservationSpace;
      const dim = flat.singleObservationSpace.size;
      assert.deepEqual(flat.observationSpace.shape, [3, dim]);
      const sample = actionStream(raw, 4);
      const check = (batch: unknown, rows: Float32Array | Float64Array) => {
        assert.ok(flat.observationSpace.contains(rows));
        for (let i = 0; i < 3; i++) assert.deepEqual(rows.subarray(i * dim, (i + 1) * dim), flatten(single, readBatchItem(single, batch, i)));
      };
      check(raw.reset({ seed: 8 })[0], flat.reset({ seed: 8 })[0]);
      for (let t = 0; t < 5; t++) {
        const actions = sample();
        check(raw.step(actions)[0], flat.step(actions)[0]);
      }
      assert.equal(flat.unwrapped, flat.env);
    });

    it('one-hot encodes Discrete and MultiDiscrete parts as the single-env FlattenObservation does', () => {
      type Obs = { a: number; b: Int32Array; c: Float32Array };
      class DictEnv extends Env<Obs, number> {
        observationSpace = new Dict({ a: new Discrete(3, 1), b: new MultiDiscrete([2, 3]), c: new Box<Float32Array>(-1, 1, { shape: [2] }) });
        actionSpace = new Discrete(2);
        private t = 0;
        reset(): ResetResult<Obs> {
          this.t = 0;
          return [this.obs(), {}];
        }
        step(): StepResult<Obs> {
          this.t++;
          return [this.obs(), 0, false, false, {}];
        }
        private obs(): Obs {
          return { a: 1 + (this.t % 3), b: Int32Array.of(this.t % 2, (this.t + 1) % 3), c: Float32Array.of(0.5, -this.t / 10) };
        }
      }
      const vector = new VectorFlattenObservation(new SyncVectorEnv([() => new DictEnv(), () => new DictEnv()]));
      const single = new FlattenObservation(new DictEnv());
      const expected = Array.from(single.reset()[0]);
      assert.deepEqual(Array.from(vector.reset()[0]), [...expected, ...expected]);
      for (let t = 0; t < 4; t++) {
        const row = Array.from(single.step(0)[0]);
        assert.deepEqual(Array.from(vector.step(Int32Array.of(0, 1))[0]), [...row, ...row]);
      }
      assert.equal(vector.singleObservationSpace.toString(), single.observationSpace.toString());
    });

    it('names the part of a batch that is not a typed array of numEnvs elements, or holds an index outside its one-hot', () => {
      class TupleEnv extends Env<unknown, number> {
        observationSpace = new Dict({ a: new Discrete(3, 1), b: new MultiDiscrete([2, 3]), c: new Tuple([new Box(-1, 1, { shape: [2] })]) });
        actionSpace = new Discrete(2);
        reset(): ResetResult<unknown> {
          return [this.observationSpace.sample(), {}];
        }
        step(): StepResult<unknown> {
          return [this.observationSpace.sample(), 0, false, false, {}];
        }
      }
      const vector = new VectorFlattenObservation(new SyncVectorEnv([() => new TupleEnv(), () => new TupleEnv()]));
      const batch = (a: number[], b: number[], c: unknown) => ({ a: Int32Array.from(a), b: Int32Array.from(b), c: [c] });
      const refused = (given: unknown, message: string) => assert.throws(() => vector.observations(given), (e: Error) => e instanceof GymError && e.message === `VectorFlattenObservation: ${message}`);
      refused(batch([1, 3], [0, 2, 1, 0], new Float32Array(3)), 'observations.c[0] should be a typed array of 4 numbers, got 3 numbers');
      refused(batch([1, 3], [0, 2, 1, 0], [0, 0, 0, 0]), 'observations.c[0] should be a typed array of 4 numbers, got object');
      refused({ b: Int32Array.of(0, 2, 1, 0), c: [new Float32Array(4)] }, 'observations.a should be a typed array of 2 numbers, got undefined');
      refused(batch([1, 4], [0, 2, 1, 0], new Float32Array(4)), 'observations.a holds index 3, outside 0..2');
      refused(batch([1, 3], [0, 2, 1, 3], new Float32Array(4)), 'observations.b[1] holds index 3, outside 0..2');
      assert.deepEqual(Array.from(vector.observations(batch([1, 3], [0, 2, 1, 0], Float32Array.of(0.5, -0.5, 1, -1)))), [1, 0, 0, 1, 0, 0, 0, 1, 0.5, -0.5, 0, 0, 1, 0, 1, 1, 0, 0, 1, -1]);
      vector.close();
    });
  });

  describe('VectorNormalizeObservation', () => {
    it("leaves an env's observation with NaN out of the statistics and VectorNormalizeReward an env's NaN reward out of its return and theirs; warned once, the rest finite", () => {
      let steps = 0;
      const poisoned = () => new TransformReward(new TransformObservation(make('CartPole-v1'), (o) => (++steps === 5 ? Float32Array.of(NaN, 0, 0, 0) : o)), (r) => (steps === 7 ? NaN : r));
      const env = new VectorNormalizeReward(new VectorNormalizeObservation(new SyncVectorEnv([poisoned, () => make('CartPole-v1')])));
      const { result: outputs, warnings } = captureWarnings(() => {
        env.reset({ seed: 3 });
        return Array.from({ length: 8 }, () => env.step(Int32Array.of(0, 1)));
      });
      const observations = env.env as VectorNormalizeObservation<unknown>;
      assert.equal(observations.obsRms.count, 1e-4 + 9 * 2 - 1, 'the batches counted, one observation left out');
      assert.ok([...observations.obsRms.mean, ...observations.obsRms.var].every(Number.isFinite));
      assert.ok(Number.isFinite(env.returnRms.var[0]));
      const last = outputs.at(-1)!;
      assert.ok(Array.from(last[0] as Float32Array).every(Number.isFinite) && Array.from(last[1]).every(Number.isFinite));
      assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['VectorNormalizeObservation', 'VectorNormalizeReward']);
    });

    it('normalises every batch with running statistics over all envs, frozen on request', () => {
      const env = new VectorNormalizeObservation(new VectorFlattenObservation(makeVec('BDT-v0', 4)));
      const raw = new VectorFlattenObservation(makeVec('BDT-v0', 4));
      const size = env.obsRms.size;
      // the expected statistics, fed with the raw batches of a twin env
      const rms = new RunningMeanStd(size);
      const check = (batch: Float32Array | Float64Array, normalised: Float32Array, update: boolean) => {
        if (update) rms.update(batch, 4);
        const expected = new Float32Array(batch.length);
        for (let i = 0; i < batch.length; i++) expected[i] = (batch[i]! - rms.mean[i % size]!) / Math.sqrt(rms.var[i % size]! + 1e-8);
        assert.deepEqual(normalised, expected);
      };
      const sample = actionStream(env, 6);
      check(raw.reset({ seed: 2 })[0], env.reset({ seed: 2 })[0], true);
      for (let t = 0; t < 50; t++) {
        const actions = sample();
        check(raw.step(actions)[0], env.step(actions)[0], true);
      }
      assert.equal(env.obsRms.count, 1e-4 + 51 * 4);
      env.updateRunningMean = false;
      const actions = sample();
      check(raw.step(actions)[0], env.step(actions)[0], false);
      assert.equal(env.obsRms.count, 1e-4 + 51 * 4);
    });

    it('is refused without a Box space, outside next-step mode, and on partial resets', () => {
      assert.throws(() => new VectorNormalizeObservation(makeVec('BDT-v0', 2) as never), /needs a Box single observation space, got Dict.*VectorFlattenObservation first/);
      assert.throws(() => new VectorNormalizeObservation(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: 'same-step' })), /^GymError: VectorNormalizeObservation: needs the 'next-step' autoreset mode, got 'same-step'/);
      assert.throws(() => new VectorNormalizeObservation(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: 'disabled' })), /^GymError: VectorNormalizeObservation: needs the 'next-step' autoreset mode, got 'disabled'$/);
      const env = new VectorNormalizeObservation(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' }));
      env.reset({ seed: 1 });
      assert.throws(() => env.reset({ options: { reset_mask: Uint8Array.of(1, 0) } }), /partial reset/);
      env.reset({ options: { reset_mask: Uint8Array.of(1, 1) } });
    });
  });

  describe('VectorNormalizeReward', () => {
    /** The one return a one-env step added to the statistics, from how their mean moved. */
    const addedReturn = (rms: { mean: Float64Array; count: number }, step: () => void): number | undefined => {
      const [mean, count] = [rms.mean[0]!, rms.count];
      step();
      return rms.count === count ? undefined : mean + (rms.mean[0]! - mean) * (count + 1);
    };
    /** Steps CartPole (reward 1) with always-left until the episode ends; the steps taken. */
    const runEpisode = (env: VectorNormalizeReward<Float32Array, Int32Array>): number => {
      let steps = 1;
      while (env.step(Int32Array.of(0))[2][0] === 0) steps++;
      return steps;
    };

    it('as Gymnasium: the next-step autoreset step adds no sample and leaves G; a reset starts G at 0', () => {
      const env = new VectorNormalizeReward(makeVec<Float32Array, Int32Array>('CartPole-v1', 1), 0.9);
      env.reset({ seed: 4 });
      runEpisode(env); // terminated: G = 0 * gamma + 1
      assert.equal(addedReturn(env.returnRms, () => env.step(Int32Array.of(0))), undefined, 'the autoreset step');
      assert.ok(Math.abs(addedReturn(env.returnRms, () => env.step(Int32Array.of(0)))! - (1 * 0.9 + 1)) < 1e-9, 'the first step of the new episode');
      env.reset({ seed: 5 });
      assert.ok(Math.abs(addedReturn(env.returnRms, () => env.step(Int32Array.of(0)))! - 1) < 1e-9, 'after reset');
    });

    it("in same-step mode the step after an end is the new episode's first and counts (Gymnasium skips it)", () => {
      const env = new VectorNormalizeReward(makeVec<Float32Array, Int32Array>('CartPole-v1', 1, { vectorizationMode: 'sync', autoresetMode: 'same-step' }), 0.9);
      env.reset({ seed: 4 });
      runEpisode(env);
      assert.ok(Math.abs(addedReturn(env.returnRms, () => env.step(Int32Array.of(0)))! - (1 * 0.9 + 1)) < 1e-9);
    });

    it('updateRunningMean = false freezes the statistics and keeps scaling by them', () => {
      const env = new VectorNormalizeReward(makeVec<Float32Array, Int32Array>('CartPole-v1', 2), 0.9);
      env.reset({ seed: 4 });
      for (let t = 0; t < 5; t++) env.step(Int32Array.of(0, 1));
      assert.equal(env.updateRunningMean, true);
      env.updateRunningMean = false;
      assert.equal(env.updateRunningMean, false);
      const [count, mean, variance] = [env.returnRms.count, env.returnRms.mean[0], env.returnRms.var[0]];
      const [, rewards] = env.step(Int32Array.of(0, 1));
      assert.deepEqual([env.returnRms.count, env.returnRms.mean[0], env.returnRms.var[0]], [count, mean, variance]);
      // CartPole's reward 1 over the frozen return's standard deviation (epsilon 1e-8)
      assert.deepEqual(Array.from(rewards), [1, 1].map((r) => r / Math.sqrt(variance! + 1e-8)));
    });

    it('scales rewards as the single-env NormalizeReward does over an episode', () => {
      // one env, so the pooled statistics are that env's: its first episode must match exactly
      const vector = new VectorNormalizeReward(makeVec('CartPole-v1', 1), 0.9);
      const single = new NormalizeReward(make('CartPole-v1'), 0.9);
      vector.reset({ seed: 4 });
      single.reset({ seed: 4 });
      let steps = 0;
      for (let ended = false; !ended; steps++) {
        const action = steps % 3 === 0 ? 1 : 0;
        const [, rewards, terminated] = vector.step(Int32Array.of(action));
        const [, reward, term, trunc] = single.step(action);
        assert.equal(rewards[0], reward);
        assert.equal(terminated[0] === 1, term);
        ended = term || trunc;
      }
      assert.ok(steps > 5);
      assert.throws(() => new VectorNormalizeReward(makeVec('CartPole-v1', 1), 1.5), /gamma = 1.5 must be in \[0, 1\]/);
    });
  });

  it('VectorRewardWrapper subclasses transform the rewards only', () => {
    class Doubled<BObs, BAct> extends VectorRewardWrapper<BObs, BAct> {
      rewards(rewards: Float64Array): Float64Array {
        return rewards.map((r) => 2 * r);
      }
    }
    const env = new Doubled(makeVec('CartPole-v1', 2));
    env.reset({ seed: 1 });
    const [, rewards] = env.step(Int32Array.of(0, 1));
    assert.deepEqual(Array.from(rewards), [2, 2]);
    assert.match(env.toString(), /^<Doubled/);
  });

  describe('getAttr, setAttr and call', () => {
    /** CartPole x2 with per-env RecordEpisodeStatistics, under two vector wrappers. */
    const wrapped = () => {
      const envs = makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', wrappers: [(e) => new RecordEpisodeStatistics(e)] });
      return { envs, outer: new VectorNormalizeReward(new VectorRecordEpisodeStatistics(envs, 100, 'vectorEpisode')) };
    };

    it('reach the envs below the vector wrappers, not the wrappers themselves', () => {
      const { envs, outer } = wrapped();
      outer.reset({ seed: 0 });
      for (let t = 0; t < 30; t++) outer.step(Int32Array.of(1, t % 2)); // env 0, always pushed right, ends episodes
      const counts = envs.envs.map((e) => (e as RecordEpisodeStatistics<Float32Array, number>).episodeCount);
      assert.ok(counts[0]! > counts[1]!, `episode counts ${counts}`);
      // the per-env RecordEpisodeStatistics' episodeCount, not VectorRecordEpisodeStatistics' own
      assert.deepEqual(outer.getAttr('episodeCount'), counts);
      assert.deepEqual(outer.call('getWrapperAttr', 'episodeCount'), counts);
      assert.deepEqual(outer.call('hasWrapperAttr', 'state'), [true, true]);
    });

    it('setAttr reaches each env: one value per env, or one for all; a wrong count is refused', () => {
      const { envs, outer } = wrapped();
      const reference = new SyncVectorEnv([0, 1].map(() => () => make('CartPole-v1')));
      outer.reset({ seed: 0 });
      reference.reset({ seed: 0 });
      const states = [
        [0.1, 0, 0.05, 0],
        [-0.2, 0.3, -0.01, 0.1],
      ];
      outer.setAttr('state', states);
      reference.envs.forEach((e, i) => ((e.unwrapped as CartPoleEnv).state = states[i]!));
      assert.deepEqual(outer.getAttr('state'), states);
      const [obs] = outer.step(Int32Array.of(0, 1));
      assert.deepEqual(obs, reference.step(Int32Array.of(0, 1))[0], 'each env stepped from its own new state');
      outer.setAttr('suttonBartoReward', true);
      assert.deepEqual(envs.getAttr('suttonBartoReward'), [true, true]);
      assert.deepEqual(Array.from(envs.step(Int32Array.of(0, 1))[1]), [0, 0], 'Sutton-Barto rewards: 0 per surviving step');
      assert.throws(() => outer.setAttr('state', [states[0]]), /SyncVectorEnv\.setAttr: got 1 values for 2 envs/);
    });

    it('reach the native BdtVectorEnv, whose refusals come through', () => {
      const env = new VectorFlattenObservation(makeVec('BDT-small-v0', 2));
      env.reset({ seed: 0 });
      env.step(env.actionSpace.sample());
      assert.deepEqual(env.getAttr('slot'), [1, 1]);
      assert.deepEqual(env.call('slot'), [1, 1]);
      assert.throws(() => env.setAttr('slot', 0), /BdtVectorEnv\.setAttr\("slot"\): the native vector env has no per-env BdtEnv objects/);
    });

    it('refuse by name when the wrapped vector env has no such method', () => {
      const full = makeVec('CartPole-v1', 1);
      // a vector env with the required members only
      const bare: VectorEnv<Float32Array, ArrayLike<number>> = {
        numEnvs: 1,
        singleObservationSpace: full.singleObservationSpace,
        singleActionSpace: full.singleActionSpace,
        observationSpace: full.observationSpace,
        actionSpace: full.actionSpace,
        autoresetMode: full.autoresetMode,
        reset: (args) => full.reset(args),
        step: (actions) => full.step(actions),
        close: () => full.close(),
        unwrapped: full,
      };
      bare.toString = () => 'BareVectorEnv';
      const env = new VectorRecordEpisodeStatistics(bare);
      assert.throws(() => env.getAttr('state'), (e: unknown) => e instanceof GymError && e.message === 'VectorRecordEpisodeStatistics.getAttr: the wrapped vector env BareVectorEnv has no getAttr');
      assert.throws(() => env.setAttr('state', []), /VectorRecordEpisodeStatistics\.setAttr: the wrapped vector env BareVectorEnv has no setAttr/);
      assert.throws(() => env.call('render'), /VectorRecordEpisodeStatistics\.call: the wrapped vector env BareVectorEnv has no call/);
    });
  });

  it('every wrapper passes the autoreset mode and spaces through', () => {
    const modes: AutoresetMode[] = [];
    for (const mode of AUTORESET_MODES) modes.push(new VectorRecordEpisodeStatistics(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: mode })).autoresetMode);
    assert.deepEqual(modes, [...AUTORESET_MODES]);
    const inner = makeVec('BDT-v0', 2);
    const env = new VectorNormalizeReward(inner);
    assert.equal(env.actionSpace, inner.actionSpace);
    assert.equal(env.singleObservationSpace, inner.singleObservationSpace);
  });
});
