/**
 * CartPoleVectorEnv against Gymnasium 1.3's CartPoleVectorEnv. The differential cases run Python's
 * (skipped, saying why, where python3 with gymnasium is not installed): bdt-gym's generator is
 * not NumPy's, so Python's env is given the same starting states (those of the reset and of each
 * autoreset, which must fall on the same steps) and the same actions, and must give the same
 * states, rewards and flags. The other cases need no Python: spaces, seeding, the order of the
 * draws (Gymnasium's `uniform(size=(4, n))`), options and refusals.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Box, CartPoleEnv, CartPoleVectorEnv, InvalidActionError, InvalidArgumentError, KwargsError, make, makeRng, makeVec, MultiDiscrete, RecordEpisodeStatistics, ResetNeededError, SyncVectorEnv, type VectorEnv } from '../../env/index.ts';

const TOLERANCE = 1e-9;

/** Gymnasium's CartPoleVectorEnv replaying a recorded run: its reset and autoreset states overwritten by the recorded ones. */
const REPLAY_SCRIPT = `
import json, sys
import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv
run = json.load(sys.stdin)
env = CartPoleVectorEnv(num_envs=run["numEnvs"], max_episode_steps=run["maxEpisodeSteps"], sutton_barto_reward=run["suttonBartoReward"])
env.reset(seed=0)
env.state = np.array(run["initialState"], dtype=np.float64).T.copy()
out = {"states": [], "rewards": [], "terminated": [], "truncated": [], "autoreset": []}
for actions, resets in zip(run["actions"], run["resetStates"]):
    autoreset = np.flatnonzero(env.prev_done).tolist()
    _, reward, terminated, truncated, info = env.step(np.array(actions, dtype=np.int64))
    assert info == {}
    for i, state in resets.items():
        env.state[:, int(i)] = state
    out["autoreset"].append(autoreset)
    out["states"].append(env.state.T.tolist())
    out["rewards"].append(reward.astype(np.float64).tolist())
    out["terminated"].append(terminated.astype(int).tolist())
    out["truncated"].append(truncated.astype(int).tolist())
spaces = CartPoleVectorEnv(num_envs=run["numEnvs"])
show = lambda a: [str(v) for v in a.reshape(-1).tolist()]
out["spaces"] = {
    "singleLow": show(spaces.single_observation_space.low), "singleHigh": show(spaces.single_observation_space.high),
    "batchShape": list(spaces.observation_space.shape), "batchLow": show(spaces.observation_space.low),
    "actionNvec": spaces.action_space.nvec.tolist(), "metadataAutoreset": spaces.metadata["autoreset_mode"].value,
}
print(json.dumps(out))
`;

interface Recorded {
  initialState: number[][];
  actions: number[][];
  resetStates: Array<Record<number, number[]>>;
  states: number[][][];
  rewards: number[][];
  terminated: number[][];
  truncated: number[][];
  autoreset: number[][];
}

/** Rows of 4 of an env-major [n, 4] array. */
const rows = (a: ArrayLike<number>): number[][] => Array.from({ length: a.length / 4 }, (_, i) => Array.from(a).slice(i * 4, i * 4 + 4));

/** Runs a CartPoleVectorEnv for `steps` steps: half the envs pushed at random, half by a noisy balancing rule (which reaches truncation). */
function record(numEnvs: number, maxEpisodeSteps: number, suttonBartoReward: boolean, steps: number): Recorded {
  const env = new CartPoleVectorEnv(numEnvs, { maxEpisodeSteps, suttonBartoReward });
  const rng = makeRng('cartpole-vector-actions');
  env.reset({ seed: 11 });
  const run: Recorded = { initialState: rows(env.state!), actions: [], resetStates: [], states: [], rewards: [], terminated: [], truncated: [], autoreset: [] };
  let ended = new Array<boolean>(numEnvs).fill(false);
  for (let t = 0; t < steps; t++) {
    const state = env.state!;
    const actions = Array.from({ length: numEnvs }, (_, i) => {
      const balancing = i % 2 === 1 && rng() < 0.9;
      return balancing ? (state[i * 4 + 2]! + 0.5 * state[i * 4 + 3]! > 0 ? 1 : 0) : rng() < 0.5 ? 0 : 1;
    });
    const [obs, rewards, terminated, truncated, infos] = env.step(actions);
    assert.deepEqual(infos, {});
    const after = env.state!;
    assert.deepEqual(obs, Float32Array.from(after), 'observations are the float32 casts of the states');
    run.actions.push(actions);
    run.autoreset.push(ended.flatMap((e, i) => (e ? [i] : [])));
    run.resetStates.push(Object.fromEntries(ended.flatMap((e, i) => (e ? [[i, rows(after)[i]!]] : []))));
    run.states.push(rows(after));
    run.rewards.push(Array.from(rewards));
    run.terminated.push(Array.from(terminated));
    run.truncated.push(Array.from(truncated));
    ended = Array.from(terminated, (term, i) => term === 1 || truncated[i] === 1);
  }
  return run;
}

function replayInGymnasium(run: Recorded, numEnvs: number, maxEpisodeSteps: number, suttonBartoReward: boolean) {
  const input = JSON.stringify({ numEnvs, maxEpisodeSteps, suttonBartoReward, initialState: run.initialState, actions: run.actions, resetStates: run.resetStates });
  const result = spawnSync('python3', ['-c', REPLAY_SCRIPT], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Omit<Recorded, 'initialState' | 'actions' | 'resetStates'> & { spaces: Record<string, unknown> };
}

describe("CartPoleVectorEnv against Gymnasium's", function () {
  this.timeout(120_000);
  before(function () {
    const probe = spawnSync('python3', ['-c', 'import gymnasium.envs.classic_control.cartpole as c; c.CartPoleVectorEnv'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      process.stderr.write(`      (skipped: python3 with gymnasium 1.x is not available here: ${(probe.error?.message ?? probe.stderr.trim().split('\n').pop()) || 'unknown'})\n`);
      this.skip();
    }
  });

  for (const suttonBartoReward of [false, true]) {
    it(`steps, terminates, truncates and autoresets as Gymnasium's to 1e-9 over many episodes${suttonBartoReward ? ' (sutton_barto_reward)' : ''}`, () => {
      const numEnvs = 6;
      const maxEpisodeSteps = 60;
      const run = record(numEnvs, maxEpisodeSteps, suttonBartoReward, 400);
      const python = replayInGymnasium(run, numEnvs, maxEpisodeSteps, suttonBartoReward);
      const flat = (a: number[][]) => a.flat();
      assert.ok(flat(run.terminated).filter((t) => t === 1).length >= 10, 'the run holds terminations');
      assert.ok(flat(run.truncated).filter((t) => t === 1).length >= 3, 'the run holds truncations');
      assert.deepEqual(run.autoreset, python.autoreset, 'the same envs autoreset on the same steps');
      run.states.forEach((states, t) => {
        states.forEach((state, i) => state.forEach((v, k) => assert.ok(Math.abs(v - python.states[t]![i]![k]!) <= TOLERANCE, `step ${t + 1} env ${i} state[${k}]: ${v} vs ${python.states[t]![i]![k]}`)));
      });
      // Gymnasium's sutton_barto_reward is -terminated in float32: -0.0 where not terminated
      assert.deepEqual(run.rewards, python.rewards.map((r) => r.map((v) => v + 0)));
      assert.deepEqual(run.terminated, python.terminated);
      assert.deepEqual(run.truncated, python.truncated);
      // its spaces and autoreset mode, read from the same Python run
      const env = new CartPoleVectorEnv(numEnvs);
      const fromPython = (key: string) => (python.spaces[key] as string[]).map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v)));
      const single = env.singleObservationSpace;
      const batch = env.observationSpace as Box<Float32Array>;
      assert.deepEqual([Array.from(single.low, Math.fround), Array.from(single.high, Math.fround)], [fromPython('singleLow'), fromPython('singleHigh')]);
      assert.deepEqual(batch.shape, python.spaces['batchShape']);
      assert.deepEqual(Array.from(batch.low, Math.fround), fromPython('batchLow'));
      assert.deepEqual(Array.from((env.actionSpace as unknown as MultiDiscrete).nvec), python.spaces['actionNvec']);
      assert.equal(python.spaces['metadataAutoreset'], 'NextStep');
      assert.equal(env.autoresetMode, 'next-step');
    });
  }
});

describe('CartPoleVectorEnv', () => {
  it("has CartPoleEnv's observation and action spaces, batched", () => {
    const env = new CartPoleVectorEnv(3);
    const single = new CartPoleEnv().observationSpace;
    assert.deepEqual([env.singleObservationSpace.low, env.singleObservationSpace.high], [single.low, single.high]);
    const batch = env.observationSpace as Box<Float32Array>;
    assert.ok(batch instanceof Box);
    assert.deepEqual(batch.shape, [3, 4]);
    assert.deepEqual(Array.from(batch.high), [0, 1, 2].flatMap(() => Array.from(single.high)));
    assert.ok(env.actionSpace instanceof MultiDiscrete);
    assert.deepEqual(Array.from((env.actionSpace as MultiDiscrete).nvec), [2, 2, 2]);
    assert.equal(env.singleActionSpace.n, 2);
  });

  it("draws every env's start from one generator seeded by reset's one seed, positions first, as Gymnasium's uniform(size=(4, n))", () => {
    const n = 3;
    const env = new CartPoleVectorEnv(n);
    const [obs] = env.reset({ seed: 7 });
    const u = makeRng(7);
    const draws = Array.from({ length: 4 * n }, () => -0.05 + 0.1 * u());
    assert.deepEqual(env.state, Float64Array.from({ length: 4 * n }, (_, j) => draws[(j % 4) * n + Math.floor(j / 4)]!));
    assert.deepEqual(obs, Float32Array.from(env.state!));
    assert.deepEqual(new CartPoleVectorEnv(n).reset({ seed: 7 })[0], obs, 'the same seed, the same starts');
    assert.notDeepEqual(env.reset()[0], obs, 'no seed continues the stream');
    // autoresets go on drawing from the same generator, in the same order, for the envs they reset
    env.reset({ seed: 7 });
    const mirror = makeRng(7);
    for (let j = 0; j < 4 * n; j++) mirror();
    let ended: number[] = [];
    let resets = 0;
    for (let t = 0; t < 200; t++) {
      const [, rewards, terminated, truncated] = env.step([1, 0, t % 2]);
      const state = env.state!;
      if (ended.length > 0) {
        const expected = Array.from({ length: 4 * ended.length }, () => -0.05 + 0.1 * mirror());
        ended.forEach((i, e) => {
          for (let k = 0; k < 4; k++) assert.equal(state[i * 4 + k], expected[k * ended.length + e], `step ${t + 1} env ${i}`);
          assert.deepEqual([rewards[i], terminated[i], truncated[i]], [0, 0, 0]);
        });
        resets++;
      }
      ended = [0, 1, 2].filter((i) => terminated[i] === 1 || truncated[i] === 1);
    }
    assert.ok(resets >= 5, `${resets} autoreset steps`);
  });

  it('refuses a seed per env and a reset_mask (it resets every env), pointing to the sync form', () => {
    const env = new CartPoleVectorEnv(2);
    assert.throws(() => env.reset({ seed: [1, 2] }), (e: unknown) => e instanceof InvalidArgumentError && /^CartPoleVectorEnv\.reset: seed must be one integer, .*got 2 seeds\. For one seed per env: makeVec\(id, n, \{ vectorizationMode: 'sync' \}\)$/.test(e.message));
    assert.throws(() => env.reset({ options: { reset_mask: Uint8Array.of(1, 0) } }), /CartPoleVectorEnv\.reset: options\.reset_mask is not taken: it resets every env \(Gymnasium's CartPoleVectorEnv ignores the mask\)/);
    assert.throws(() => env.reset({ seed: -1 }), /CartPoleVectorEnv\.reset: seed = -1 must be an integer >= 0/);
    assert.throws(() => env.step([0, 1]), ResetNeededError);
  });

  it('starts within options.low/high, and its autoresets too, until a reset without them', () => {
    const env = new CartPoleVectorEnv(2, { maxEpisodeSteps: 5 });
    const [obs] = env.reset({ options: { low: 0.1, high: 0.1 } });
    assert.deepEqual(Array.from(obs), new Array(8).fill(Math.fround(0.1)));
    for (let t = 0; t < 5; t++) env.step([0, 1]);
    const [after] = env.step([0, 1]); // both truncated on step 5: reset now
    assert.deepEqual(Array.from(after), new Array(8).fill(Math.fround(0.1)));
    const [defaults] = env.reset({ seed: 1 });
    for (const v of defaults) assert.ok(Math.abs(v) < 0.05);
    assert.throws(() => env.reset({ options: { low: 1, high: 0 } }), /CartPoleVectorEnv\.reset: options\.low = 1 is greater than options\.high = 0/);
  });

  it('truncates after maxEpisodeSteps, terminated and truncated together when both hold, and rewards as CartPoleEnv', () => {
    const env = new CartPoleVectorEnv(1, { maxEpisodeSteps: 3 });
    env.reset({ options: { low: 0, high: 0 } });
    const flags = [0, 1, 2].map(() => env.step([1]).slice(1, 4).map((a) => (a as ArrayLike<number>)[0]));
    assert.deepEqual(flags, [[1, 0, 0], [1, 0, 0], [1, 0, 1]]);
    const falling = new CartPoleVectorEnv(1, { maxEpisodeSteps: 2, suttonBartoReward: true });
    falling.reset({ options: { low: 0.2, high: 0.2 } }); // x, theta 0.2 pushed left: past 12° on step 2
    const results = [0, 1].map(() => falling.step([0]).slice(1, 4).map((a) => (a as ArrayLike<number>)[0]));
    assert.deepEqual(results, [[0, 0, 0], [-1, 1, 1]], 'sutton_barto_reward: 0, then -1 with both flags on the step that terminates and truncates');
  });

  it('checks every action, those of envs being reset included', () => {
    const env = new CartPoleVectorEnv(2);
    env.reset({ seed: 0 });
    assert.throws(() => env.step([0, 2]), (e: unknown) => e instanceof InvalidActionError && e.message.startsWith('CartPoleVectorEnv.step: env 1: invalid action'));
    assert.throws(() => env.step([0]), /CartPoleVectorEnv\.step/);
  });

  it("with copy: false returns its own arrays, overwritten by the next call", () => {
    const env = new CartPoleVectorEnv(2, { copy: false });
    const [obs] = env.reset({ seed: 0 });
    const [next, rewards] = env.step([0, 1]);
    assert.equal(next, obs);
    assert.equal(env.step([0, 1])[1], rewards);
    const copying = new CartPoleVectorEnv(2);
    assert.notEqual(copying.reset({ seed: 0 })[0], copying.step([0, 1])[0]);
  });

  it('refuses a render mode (Gymnasium renders rgb_array only, CartPoleEnv ansi only) and other autoreset modes', () => {
    assert.throws(() => new CartPoleVectorEnv(2, { renderMode: 'rgb_array' } as never), (e: unknown) => e instanceof KwargsError && /renderMode.*CartPoleVectorEnv renders nothing \(Gymnasium's renders rgb_array only, which bdt-gym does not draw\); render one env with make\('CartPole-v1', \{ renderMode: 'ansi' \}\)/s.test(e.message));
    assert.throws(() => new CartPoleVectorEnv(2, { autoresetMode: 'same-step' } as never), (e: unknown) => e instanceof KwargsError && /autoresets on the next step only, as Gymnasium's; other modes: makeVec\(id, n, \{ vectorizationMode: 'sync' \}\)/.test(e.message));
    assert.equal('render' in new CartPoleVectorEnv(1), false);
  });
});

describe("makeVec of the CartPole ids: CartPoleVectorEnv by default, as Gymnasium 1.x's make_vec", () => {
  /** Steps a balancing controller (push toward where the pole leans) for `steps` steps; each env's end steps as `env@step:terminated truncated`. */
  const balancedEnds = (envs: VectorEnv<Float32Array, ArrayLike<number>>, steps: number): string[] => {
    let [obs] = envs.reset({ seed: 1 });
    const ends: string[] = [];
    for (let t = 1; t <= steps; t++) {
      const actions = Array.from({ length: envs.numEnvs }, (_, i) => (obs[i * 4 + 2]! + 0.5 * obs[i * 4 + 3]! > 0 ? 1 : 0));
      const [next, , terminated, truncated] = envs.step(actions);
      obs = next;
      for (let i = 0; i < envs.numEnvs; i++) if (terminated[i] || truncated[i]) ends.push(`${i}@${t}:${terminated[i]}${truncated[i]}`);
    }
    return ends;
  };

  it("builds it with the id's episode limit (v0 200, v1 500, as make_vec passes the spec's max_episode_steps), unless the kwargs give one", () => {
    const v0 = makeVec('CartPole-v0', 2);
    const v1 = makeVec('CartPole-v1', 2);
    assert.ok(v0 instanceof CartPoleVectorEnv && v1 instanceof CartPoleVectorEnv);
    assert.deepEqual([v0.maxEpisodeSteps, v1.maxEpisodeSteps], [200, 500]);
    // Gymnasium 1.3's gym.make_vec with this controller and seed ends every episode by truncation at the same steps
    assert.deepEqual(balancedEnds(v0, 401), ['0@200:01', '1@200:01', '0@401:01', '1@401:01']);
    assert.deepEqual(balancedEnds(v1, 500), ['0@500:01', '1@500:01']);
    assert.equal((makeVec('CartPole-v0', 2, { kwargs: { maxEpisodeSteps: 50 } }) as CartPoleVectorEnv).maxEpisodeSteps, 50);
    assert.deepEqual(v0.spec?.kwargs, { numEnvs: 2, vectorizationMode: 'vector-entry-point' });
    const rebuilt = makeVec(v0.spec!);
    assert.ok(rebuilt instanceof CartPoleVectorEnv && rebuilt.maxEpisodeSteps === 200, 'rebuilt from its spec');
    const sutton = makeVec('CartPole-v1', 1, { kwargs: { suttonBartoReward: true }, copy: false });
    sutton.reset({ seed: 0 });
    assert.equal(sutton.step([0])[1][0], 0, 'kwargs reach the native env');
  });

  it("gives a SyncVectorEnv of make()'s envs with vectorizationMode 'sync'", () => {
    const sync = makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode: 'same-step' });
    assert.ok(sync instanceof SyncVectorEnv);
    assert.equal(sync.autoresetMode, 'same-step');
    assert.deepEqual(sync.reset({ seed: 3 })[0], Float32Array.from([...make('CartPole-v1').reset({ seed: 3 })[0], ...make('CartPole-v1').reset({ seed: 4 })[0]]));
  });

  it("refuses what only the SyncVectorEnv has, naming vectorizationMode: 'sync'", () => {
    const sync = /vectorizationMode: 'sync'/;
    assert.throws(() => makeVec('CartPole-v1', 2, { wrappers: [(env) => new RecordEpisodeStatistics(env)] }), (e: unknown) => e instanceof InvalidArgumentError && /^makeVec: wrappers apply to the envs of vectorizationMode 'sync', not to CartPole-v1's vectorEntryPoint; for wrapped envs pass vectorizationMode: 'sync', or wrap the vector env itself/.test(e.message));
    assert.throws(() => makeVec('CartPole-v1', 2, { makeOptions: { maxEpisodeSteps: 50 } }), (e: unknown) => e instanceof InvalidArgumentError && /^makeVec: makeOptions apply to the envs of vectorizationMode 'sync', not to CartPole-v1's vectorEntryPoint; for them pass vectorizationMode: 'sync'$/.test(e.message));
    for (const autoresetMode of ['same-step', 'disabled'] as const) {
      assert.throws(() => makeVec('CartPole-v1', 2, { autoresetMode }), (e: unknown) => e instanceof KwargsError && sync.test(e.message));
    }
    assert.throws(() => makeVec('CartPole-v1', 2, { autoReset: 'same-step' } as never), /^InvalidArgumentError: makeVec: unknown option "autoReset" \(options: vectorizationMode, kwargs, makeOptions, wrappers, copy, autoresetMode\)$/);
    const envs = makeVec('CartPole-v1', 2);
    assert.throws(() => envs.reset({ seed: [1, 2] }), (e: unknown) => e instanceof InvalidArgumentError && sync.test(e.message));
    assert.throws(() => envs.reset({ options: { reset_mask: Uint8Array.of(1, 0) } }), (e: unknown) => e instanceof InvalidArgumentError && sync.test(e.message));
  });
});
