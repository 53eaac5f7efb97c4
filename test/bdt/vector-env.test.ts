import { strict as assert } from 'node:assert';
import { captureWarnings, CartPoleEnv, CartPoleVectorEnv, make, makeVec, register, unregister, GymError, InvalidActionError, KwargsError, ResetNeededError, SpaceError, SyncVectorEnv, type AutoresetMode, type Info } from '../../env/index.ts';
import { BdtVectorEnv } from '../../env/bdt/bdt-vector-env.ts';
import { drawTrace } from '../../env/bdt/exogenous.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';
import type { Scenario } from '../../env/bdt/scenario/schema.ts';
import { registeredBdtIds } from './registered-bdt-ids.ts';

const vec = (id: string, n: number, kwargs: Record<string, unknown> = {}) => makeVec(id, n, { kwargs }) as BdtVectorEnv;
const sync = (id: string, n: number, kwargs: Record<string, unknown>, autoresetMode: AutoresetMode) =>
  new SyncVectorEnv<BdtObservation, BdtAction>(Array.from({ length: n }, () => () => make<BdtObservation, BdtAction>(id, { ...kwargs, infoLevel: 'summary' })), { autoresetMode });

/** `infos` with `reputation` as SyncVectorEnv holds it: one array per env, `undefined` where unset. */
function perEnvReputation(infos: Info, n: number, J: number): Info {
  if (!(infos['reputation'] instanceof Float64Array)) return infos;
  const flat = infos['reputation'];
  const mask = infos['_reputation'] as Uint8Array;
  return { ...infos, reputation: Array.from({ length: n }, (_, i) => (mask[i] ? flat.slice(i * J, (i + 1) * J) : undefined)) };
}

/**
 * Steps `n` envs of `id` natively and as a SyncVectorEnv of BdtEnvs on the same actions for
 * `steps` steps, asserting every result equal bit for bit; returns how many times an episode ended.
 */
function assertNativeIsSync(id: string, n: number, kwargs: Record<string, unknown>, autoresetMode: AutoresetMode, copy: boolean, steps: number, label = ''): number {
  const native = vec(id, n, { ...kwargs, autoresetMode, copy });
  const reference = sync(id, n, kwargs, autoresetMode);
  assert.deepEqual(native.reset({ seed: 11 }), reference.reset({ seed: 11 }), `${label}reset`);
  native.actionSpace.seed(2);
  let ends = 0;
  for (let t = 0; t < steps; t++) {
    const actions = native.actionSpace.sample();
    const got = native.step(actions);
    const want = reference.step(actions);
    got[4] = perEnvReputation(got[4], n, native.system.J);
    assert.deepEqual(got, want, `${label}step ${t}`);
    const ended = got[3];
    ends += ended.reduce((a, b) => a + b, 0);
    if (autoresetMode === 'disabled' && ended.includes(1)) {
      assert.deepEqual(native.reset({ options: { reset_mask: ended } }), reference.reset({ options: { reset_mask: ended } }), `${label}reset after step ${t}`);
    }
  }
  return ends;
}

type ArrivalKind = Scenario['devices']['arrivals']['kind'];
type FadingKind = Scenario['channel']['fading']['kind'];
type BudgetKind = Scenario['gateways']['energyBudget']['kind'];
/**
 * A scenario override selecting each kind of exogenous process, given the id's device count N.
 * `satisfies Record<Kind, ...>`: the typecheck refuses a kind added to the schema without its
 * case here, so a new process is held to the native = sync equality from its first commit.
 */
const exogenousCases = {
  arrivals: {
    // device 0 above the CDF tables' rate limit (1000): the normal approximation
    poisson: (N: number) => ({ devices: { arrivals: { kind: 'poisson', rate: Array.from({ length: N }, (_, n) => (n === 0 ? 2000 : 3)) } } }),
    uniform: () => ({ devices: { arrivals: { kind: 'uniform', min: 0, max: 6 } } }),
    trace: (N: number) => ({ devices: { arrivals: { kind: 'trace', values: [0, 1, 2].map((t) => Array.from({ length: N }, (_, n) => (7 * t + n) % 5)) } } }),
  } satisfies Record<ArrivalKind, (N: number) => object>,
  fading: {
    rayleigh: () => ({ channel: { fading: { kind: 'rayleigh' } } }),
    'gauss-markov': () => ({ channel: { fading: { kind: 'gauss-markov', correlation: 0.8 } } }),
  } satisfies Record<FadingKind, (N: number) => object>,
  budgets: {
    constant: () => ({ gateways: { energyBudget: { kind: 'constant', joules: 5 } }, aps: { energyBudget: { kind: 'constant', joules: 40 } } }),
    uniform: () => ({ gateways: { energyBudget: { kind: 'uniform', min: 2, max: 8 } }, aps: { energyBudget: { kind: 'uniform', min: 10, max: 60 } } }),
  } satisfies Record<BudgetKind, (N: number) => object>,
};

describe('BdtVectorEnv', () => {
  const bdtIds = registeredBdtIds();
  for (const [autoresetMode, copy] of [['next-step', true], ['same-step', true], ['disabled', true], ['next-step', false], ['same-step', false]] as const) {
    it(`returns what a SyncVectorEnv of BdtEnvs returns, bit for bit (${autoresetMode}, copy ${copy})`, () => {
      const n = 3;
      const ends = assertNativeIsSync('BDT-small-v0', n, { scenario: { slots: 4 } }, autoresetMode, copy, 14);
      assert.ok(ends >= 2 * n, `episodes ended ${ends} times`); // every mode's reset path ran
    });
  }

  // The envs share one ArrivalSampler (and the compiled system): a process that kept per-episode
  // state there, rather than in its ExogenousProcess, would make the envs' draws interleave.
  describe('returns what a SyncVectorEnv returns, bit for bit, for every registered B-DT id and every kind of exogenous process', () => {
    for (const id of bdtIds) {
      it(id, () => {
        const N = vec(id, 1).system.N;
        const cases = Object.entries(exogenousCases).flatMap(([process, kinds]) => Object.entries(kinds).map(([kind, override]) => [`${process} ${kind}`, override(N)] as const));
        for (const [label, override] of [['the id\'s own scenario', {}] as const, ...cases]) {
          // a constant budget is a constant observation element, which the env checker warns of
          const { result: ends, warnings } = captureWarnings(() => assertNativeIsSync(id, 2, { scenario: { ...override, slots: 3 } }, 'next-step', true, 7, `${label}: `));
          assert.deepEqual(warnings.filter((w) => !/Budget Box\(.*\): low\[0\] equals high\[0\] \(a constant element\)$/.test(w)), [], label);
          assert.ok(ends >= 2, `${label}: episodes ended ${ends} times`); // the autoreset path ran
        }
      });
    }
  });

  it('env i of reset({seed}) plays BdtEnv.reset({seed: seed + i}) on BDT-v0, infos included', () => {
    const n = 2;
    const native = vec('BDT-v0', n);
    const singles = [0, 1].map(() => make('BDT-v0', { infoLevel: 'summary' }).unwrapped as BdtEnv);
    const [obs] = native.reset({ seed: 40 });
    singles.forEach((env, i) => assert.deepEqual(Array.from(env.reset({ seed: 40 + i })[0].gain), Array.from(obs.gain.subarray(i * 4, (i + 1) * 4))));
    native.actionSpace.seed(0);
    for (let t = 0; t < 25; t++) {
      const actions = native.actionSpace.sample();
      const [, rewards, , , infos] = native.step(actions);
      singles.forEach((env, i) => {
        const single: BdtAction = {
          partition: actions.partition.slice(i * 12, (i + 1) * 12),
          inferenceShare: actions.inferenceShare.slice(i * 4, (i + 1) * 4),
          miningShare: actions.miningShare.slice(i * 3, (i + 1) * 3),
        };
        const [, reward, , , info] = env.step(single);
        assert.equal(rewards[i], reward);
        assert.equal((infos['psi'] as Float64Array)[i], info['psi']);
        assert.deepEqual((infos['reputation'] as Float64Array).slice(i * 3, (i + 1) * 3), info['reputation']);
      });
    }
  });

  it('keeps every observation batch inside its batched observation space, for every registered B-DT id', () => {
    for (const id of bdtIds) {
      const native = vec(id, 3, { scenario: { slots: 3 } });
      native.actionSpace.seed(1);
      const [first] = native.reset({ seed: 2 });
      assert.equal(native.observationSpace.explain(first), undefined, id);
      for (let t = 0; t < 7; t++) {
        const [obs, rewards] = native.step(native.actionSpace.sample()); // ends and autoresets twice
        assert.equal(native.observationSpace.explain(obs), undefined, `${id} step ${t}`);
        assert.ok(rewards.every(Number.isFinite), `${id} step ${t}`);
      }
    }
  });

  it('replays options.trace in every env, as BdtEnv does', () => {
    const trace = drawTrace((make('BDT-small-v0', { scenario: { slots: 6 } }).unwrapped as BdtEnv).system, 9, 7);
    const native = vec('BDT-small-v0', 2, { scenario: { slots: 6 } });
    const single = make('BDT-small-v0', { scenario: { slots: 6 } }).unwrapped as BdtEnv;
    const [obs] = native.reset({ seed: 1, options: { trace } });
    const [first] = single.reset({ options: { trace } });
    const size = first.arrivals.length;
    assert.deepEqual(obs.arrivals, Float32Array.from([...first.arrivals, ...first.arrivals]));
    const action = single.actionSpace.sample();
    const both: BdtAction = {
      partition: Int32Array.from([...action.partition, ...action.partition]),
      inferenceShare: Float64Array.from([...action.inferenceShare, ...action.inferenceShare]),
      miningShare: Float64Array.from([...action.miningShare, ...action.miningShare]),
    };
    const [next, rewards] = native.step(both);
    const [want, reward] = single.step(action);
    assert.deepEqual(Array.from(rewards), [reward, reward]);
    assert.deepEqual(next.arrivals.subarray(size), want.arrivals);
  });

  it('refuses a bad action batch naming the env, the key and the index, and leaves every env as it was', () => {
    const native = vec('BDT-small-v0', 2);
    const reference = vec('BDT-small-v0', 2);
    native.reset({ seed: 3 });
    reference.reset({ seed: 3 });
    native.actionSpace.seed(4);
    const actions = native.actionSpace.sample();
    const bad = { ...actions, inferenceShare: actions.inferenceShare.slice() };
    bad.inferenceShare[3] = Number.NaN;
    // BDT-small-v0 has M = 2 gateways: flat element 3 is env 1's inference share 1
    assert.throws(() => native.step(bad), (e: unknown) => e instanceof InvalidActionError && /^BdtVectorEnv\.step: invalid action: env 1: key "inferenceShare": element \[1\] is NaN \(action /.test(e.message));
    const short = { ...actions, partition: actions.partition.subarray(1) };
    assert.throws(() => native.step(short), (e: unknown) => e instanceof InvalidActionError && /partition/.test(e.message));
    assert.deepEqual(native.step(actions), reference.step(actions));
  });

  it('needs a reset before step, in disabled mode a reset of each ended env, and is closed for good after close', () => {
    const native = vec('BDT-small-v0', 2, { scenario: { slots: 1 }, autoresetMode: 'disabled' });
    const actions = native.actionSpace.sample();
    assert.throws(() => native.step(actions), (e: unknown) => e instanceof ResetNeededError && /env 0 was never reset/.test((e as Error).message));
    native.reset({ seed: 0 });
    assert.deepEqual(Array.from(native.step(actions)[3]), [1, 1]);
    assert.throws(() => native.step(actions), /envs 0, 1 have ended/);
    assert.throws(() => native.reset({ options: { resetMask: Uint8Array.of(1, 1) } }), /BdtVectorEnv\.reset: unknown reset option "resetMask" \(options: trace, reset_mask\)/);
    native.reset({ options: { reset_mask: Uint8Array.of(1, 1) } });
    assert.deepEqual(Array.from(native.step(actions)[3]), [1, 1]);
    native.close();
    native.close();
    assert.throws(() => native.reset(), /BdtVectorEnv\.reset: the env is closed/);
  });

  it('with copy: false returns its own arrays, overwritten by each call; by default fresh ones', () => {
    const own = vec('BDT-small-v0', 2, { copy: false });
    const fresh = vec('BDT-small-v0', 2);
    const [buffer] = own.reset({ seed: 0 });
    fresh.reset({ seed: 0 });
    const actions = own.actionSpace.sample();
    const [obs, rewards, , , infos] = own.step(actions);
    const first = fresh.step(actions);
    assert.equal(obs, buffer);
    assert.deepEqual([obs, rewards, infos], [first[0], first[1], first[4]]);
    const second = own.step(actions);
    assert.equal(second[1], rewards);
    assert.equal(second[4]['psi'], infos['psi']);
    const [freshObs, freshRewards] = fresh.step(actions);
    assert.deepEqual([obs, rewards], [freshObs, freshRewards]); // overwritten with the latest values
    assert.notEqual(freshRewards, first[1]);
    assert.notDeepEqual(first[1], freshRewards); // the fresh arrays kept their values
  });

  it("getAttr gives each env's slot, queues, slotState and outcome and the shared spaces and system, as a SyncVectorEnv of BdtEnvs does", () => {
    const n = 3;
    const kwargs = { scenario: { slots: 4 } };
    const native = vec('BDT-small-v0', n, kwargs);
    const reference = sync('BDT-small-v0', n, kwargs, 'next-step');
    native.reset({ seed: [5, 6, 7] });
    reference.reset({ seed: [5, 6, 7] });
    native.actionSpace.seed(8);
    for (let t = 0; t < 6; t++) {
      // env 1 is reset alone after step 1, so the envs' slots differ from there on
      if (t === 2) {
        native.reset({ seed: [undefined, 9, undefined], options: { reset_mask: Uint8Array.of(0, 1, 0) } });
        reference.reset({ seed: [undefined, 9, undefined], options: { reset_mask: Uint8Array.of(0, 1, 0) } });
      }
      const actions = native.actionSpace.sample();
      native.step(actions);
      reference.step(actions);
      for (const name of ['slot', 'queues', 'slotState', 'outcome', 'system']) assert.deepEqual(native.getAttr(name), reference.getAttr(name), `${name} after step ${t}`);
    }
    assert.deepEqual(native.getAttr('slot'), [1, 4, 1], 'per env: envs 0 and 2 ended at step 3 and were autoreset at step 4; env 1, reset before step 2, ended at step 5');
    assert.notDeepEqual(native.getAttr('queues')[0], native.getAttr('queues')[1]);
    for (const name of ['observationSpace', 'actionSpace']) {
      assert.deepEqual(native.getAttr(name).map(String), reference.getAttr(name).map(String), name);
      assert.deepEqual(native.getAttr(name), new Array(n).fill(name === 'observationSpace' ? native.singleObservationSpace : native.singleActionSpace));
    }
    const queues = native.getAttr('queues')[0] as BdtEnv['queues'];
    native.step(native.actionSpace.sample());
    assert.equal(native.getAttr('queues')[0], queues, 'live, as BdtEnv.queues: the simulation\'s own object');
  });

  it('call returns the getAttr values and runs BdtEnv.encodeDecision and decodeAction, which need only the shared system', () => {
    const native = vec('BDT-small-v0', 2);
    const single = make('BDT-small-v0').unwrapped as BdtEnv;
    native.reset({ seed: 1 });
    assert.deepEqual(native.call('slot'), [0, 0]);
    const action = single.actionSpace.sample();
    const decision = single.decodeAction(action, { partition: new Int32Array(single.system.N), inferenceFreq: new Float64Array(single.system.M), miningFreq: new Float64Array(single.system.J) });
    const out = { partition: new Int32Array(single.system.N), inferenceFreq: new Float64Array(single.system.M), miningFreq: new Float64Array(single.system.J) };
    assert.deepEqual(native.call('decodeAction', action, out), [decision, decision]);
    assert.deepEqual(out, decision, 'written into the given decision, as BdtEnv.decodeAction does');
    const fresh = native.call('decodeAction', action) as unknown[];
    assert.deepEqual(fresh, [decision, decision], 'without out (a client in another language has none): a fresh decision per env');
    assert.notEqual(fresh[0], fresh[1]);
    assert.throws(() => native.call('decodeAction', { ...action, miningShare: Float64Array.of(2, 0) }), (e: unknown) => e instanceof InvalidActionError && /^BdtVectorEnv\.call\("decodeAction"\): key "miningShare": element \[0\] = 2 is outside \[0, 1\]$/.test(e.message));
    // plain arrays (what serve's clients send) are read into the space's typed arrays; nothing coerced
    const plain = { partition: Array.from(action.partition), inferenceShare: Array.from(action.inferenceShare), miningShare: Array.from(action.miningShare) };
    assert.deepEqual(native.call('decodeAction', plain), [decision, decision]);
    assert.throws(() => native.call('decodeAction', { ...plain, partition: [1.5, ...plain.partition.slice(1)] }), (e: unknown) => e instanceof SpaceError && e.message === 'BdtVectorEnv.call("decodeAction"): action.partition[0]: expected an integer, got 1.5');
    assert.deepEqual(native.call('encodeDecision', decision), [single.encodeDecision(decision), single.encodeDecision(decision)]);
  });

  it('refuses setAttr, and getAttr or call of what needs per-env env objects, pointing to the sync mode', () => {
    const native = vec('BDT-small-v0', 2);
    native.reset({ seed: 0 });
    const syncMode = /makeVec\(id, n, \{ vectorizationMode: 'sync' \}\)/;
    assert.throws(() => native.setAttr('slot', [1, 2]), (e: unknown) => e instanceof GymError && /^BdtVectorEnv\.setAttr\("slot"\): the native vector env has no per-env BdtEnv objects; it sets no attribute/.test(e.message) && syncMode.test(e.message));
    assert.deepEqual(native.getAttr('slot'), [0, 0], 'nothing was set');
    for (const name of ['spec', 'metadata', 'render', 'toString', 'simulations']) {
      assert.throws(() => native.getAttr(name), (e: unknown) => e instanceof GymError && e.message.startsWith(`BdtVectorEnv.getAttr("${name}"): the native vector env has no per-env BdtEnv objects; it gives observationSpace, actionSpace and system (shared by every env), slot, queues, slotState and outcome (per env).`) && syncMode.test(e.message));
    }
    assert.throws(() => native.call('render'), /^AttributeRefusedError: BdtVectorEnv\.call\("render"\): .*it calls decodeAction and encodeDecision, and returns the getAttr names as is/);
    assert.throws(() => native.call('reset'), /BdtVectorEnv\.call\("reset"\)/);
  });

  it("a SyncVectorEnv of BdtEnvs refuses setAttr of BdtEnv's read-only slot, naming it, and sets nothing", () => {
    const envs = sync('BDT-small-v0', 2, {}, 'next-step');
    envs.reset({ seed: 0 });
    assert.throws(() => envs.setAttr('slot', -5), /^AttributeRefusedError: SyncVectorEnv\.setAttr: env 0: <BdtEnv<BDT-small-v0>>\.setWrapperAttr\("slot"\): "slot" is read-only: BdtEnv has a getter for it and no setter$/);
    assert.deepEqual(envs.getAttr('slot'), [0, 0]);
  });

  it('rejects kwargs it cannot honour, naming the field, the rule and the value', () => {
    assert.throws(() => vec('BDT-small-v0', 2, { infoLevel: 'full' }), (e: unknown) => e instanceof KwargsError && /^BdtVectorEnv: invalid keyword arguments:\n {2}at infoLevel: the native vector env gives 'summary' infos only; 'full' .* needs an env object per env: makeVec's vectorizationMode 'sync' \(value: "full"\)$/.test(e.message));
    assert.throws(() => vec('BDT-small-v0', 2, { reuseObservation: true }), /at \(root\): Unrecognized key: "reuseObservation" \(keys: scenario, baseScenario, autoresetMode, infoLevel, copy\)$/);
    assert.throws(() => vec('BDT-small-v0', 2, { autoresetMode: 'SAME_STEP' }), /at autoresetMode: .* \(value: "SAME_STEP"\)/);
    assert.throws(() => vec('BDT-small-v0', 2, { scenario: { slots: -1 } }), /slots/);
    assert.throws(() => new BdtVectorEnv(0, { scenario: {} }), /numEnvs = 0/);
    // 1e9 hung: refused at the limit, before any simulation is built
    assert.throws(() => makeVec('BDT-v0', 1e9), /^InvalidArgumentError: makeVec: numEnvs = 1000000000 is more than MAX_NUM_ENVS = 65536, the most envs one vector env takes$/);
    assert.throws(() => new BdtVectorEnv(65_537, { scenario: {} }), /^InvalidArgumentError: BdtVectorEnv: numEnvs = 65537 is more than MAX_NUM_ENVS = 65536/);
  });
});

describe('makeVec vectorization modes', () => {
  it('builds the native form of an id that registers one, a SyncVectorEnv otherwise or on request', () => {
    assert.ok(makeVec('BDT-small-v0', 2) instanceof BdtVectorEnv);
    assert.equal(makeVec('BDT-small-v0', 2, { autoresetMode: 'same-step' }).autoresetMode, 'same-step');
    const synced = makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync' });
    assert.ok(synced instanceof SyncVectorEnv);
    assert.ok(makeVec('CartPole-v1', 2) instanceof CartPoleVectorEnv);
    assert.ok(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' }) instanceof SyncVectorEnv);
    register({ id: 'NoVectorEntryPoint-v0', entryPoint: () => new CartPoleEnv() });
    try {
      assert.ok(makeVec('NoVectorEntryPoint-v0', 2) instanceof SyncVectorEnv);
    } finally {
      unregister('NoVectorEntryPoint-v0'); // a later file of the same process checks every registered env
    }
  });

  it('refuses what the native form cannot take, and unknown modes', () => {
    register({ id: 'NoVectorEntryPoint-v0', entryPoint: () => new CartPoleEnv() });
    try {
      assert.throws(() => makeVec('NoVectorEntryPoint-v0', 2, { vectorizationMode: 'vector-entry-point' }), /NoVectorEntryPoint-v0 registers no vectorEntryPoint/);
    } finally {
      unregister('NoVectorEntryPoint-v0');
    }
    assert.throws(() => makeVec('BDT-small-v0', 2, { wrappers: [(e) => e] }), /wrappers apply to the envs of vectorizationMode 'sync'.*; for wrapped envs pass vectorizationMode: 'sync', or wrap the vector env itself \(VectorRecordEpisodeStatistics/);
    assert.throws(() => makeVec('BDT-small-v0', 2, { vectorizationMode: 'async' as never }), /vectorizationMode "async" is not one of/);
  });
});
