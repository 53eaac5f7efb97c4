import assert from 'node:assert/strict';
import { registerEntryPoint, makeVec, type VectorizationMode, NormalizeReward, SyncVectorEnv, VectorRecordEpisodeStatistics, VectorNormalizeObservation, RecordEpisodeStatistics, CartPoleEnv, Env, InvalidActionError, InvalidArgumentError, OrderEnforcing, PassiveEnvChecker, ResetNeededError, TimeLimit, make, register, registry, unregister, UnregisteredEnvError, Discrete, Box, Dict, Tuple, EnvCheckError, captureWarnings, spec, type StepResult, type ResetResult, type ResetArgs } from '../../env/index.ts';
import { unregisteredEnvHint } from '../../env/registration.ts';


describe('registration', () => {
  it('make and makeVec type the built-in ids without type arguments (checked by tsc), others as given', () => {
    const bdt = make('BDT-small-v0');
    const [obs] = bdt.reset({ seed: 1 });
    const queues: Float32Array = obs.H; // a BdtObservation, not unknown
    assert.equal(queues.length, 2);
    const cartPole = make('CartPole-v1');
    const [state] = cartPole.reset({ seed: 1 });
    const position: number | undefined = state[0]; // a Float32Array
    assert.ok(Number.isFinite(position));
    assert.equal(cartPole.step(1).length, 5); // the action is a number
    // @ts-expect-error a built-in id's action type is checked
    const typo = () => cartPole.step('1');
    assert.equal(typeof typo, 'function');
    const untyped = make<{ H: number }, number>('CartPole-v1'); // explicit types still win
    assert.ok(untyped instanceof Env);
    const vector = makeVec('BDT-small-v0', 2);
    const [batch] = vector.reset({ seed: 1 });
    const batchQueues: Float32Array = batch.H; // a batched BdtObservation
    assert.equal(batchQueues.length, 4);
    // @ts-expect-error a built-in id's batched actions are checked
    const wrongBatch = () => vector.step(1);
    assert.equal(typeof wrongBatch, 'function');
    vector.close();
  });

  it("make types a built-in id's keyword arguments (checked by tsc): a partial scenario, the env's options; other ids take any", () => {
    const env = make('BDT-small-v0', { scenario: { lyapunov: { V: 7 }, slots: 3 }, infoLevel: 'summary' });
    env.reset({ seed: 1 });
    const steps = [1, 2, 3].map(() => env.step(env.actionSpace.sample()));
    assert.deepEqual(steps.map(([, , , truncated]) => truncated), [false, false, true]);
    // @ts-expect-error a misspelt option is refused by the type, not only at run time
    assert.throws(() => make('BDT-small-v0', { infolevel: 'summary' }), /infolevel/);
    // @ts-expect-error so is a scenario field of the wrong type
    assert.throws(() => make('BDT-small-v0', { scenario: { lyapunov: { V: '7' } } }), /lyapunov\.V/);
    // @ts-expect-error CartPole's kwargs too
    assert.throws(() => make('CartPole-v1', { renderMode: 'human' }), /renderMode/);
    const id: string = 'BDT-small-v0'; // an id known at run time only: its kwargs are checked at run time only
    assert.throws(() => make(id, { anything: 1 }), /Unrecognized key: "anything"/);
  });

  it("makeVec types a built-in id's kwargs (checked by tsc): its native vector env's by default, make's in 'sync' mode; other ids take any", () => {
    const native = makeVec('BDT-small-v0', 2, { kwargs: { scenario: { slots: 3 }, autoresetMode: 'same-step', copy: false } });
    assert.equal(native.reset({ seed: 1 })[0].progress.length, 2);
    native.close();
    const sync = makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync', kwargs: { infoLevel: 'full', reuseObservation: false } });
    assert.ok(sync instanceof SyncVectorEnv);
    sync.close();
    // @ts-expect-error a misspelt kwarg is refused by the type
    assert.throws(() => makeVec('BDT-small-v0', 2, { kwargs: { infolevel: 'summary' } }), /infolevel/);
    // @ts-expect-error the native vector env gives summary infos only
    assert.throws(() => makeVec('BDT-small-v0', 2, { kwargs: { infoLevel: 'full' } }), /vectorizationMode 'sync'/);
    // @ts-expect-error reuseObservation is BdtEnv's, not the native vector env's (which has copy)
    assert.throws(() => makeVec('BDT-small-v0', 2, { kwargs: { reuseObservation: true } }), /reuseObservation/);
    // @ts-expect-error so is a scenario field of the wrong type, in either mode
    assert.throws(() => makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync', kwargs: { scenario: { lyapunov: { V: '7' } } } }), /lyapunov\.V/);
    // @ts-expect-error the vector env's copy is not make's (the 'sync' envs are made by make)
    assert.throws(() => makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync', kwargs: { copy: false } }), /Unrecognized key: "copy"/);
    const mode = 'sync' as VectorizationMode; // known at run time only: either mode's kwargs type-check
    const either = makeVec('BDT-small-v0', 2, { vectorizationMode: mode, kwargs: { infoLevel: 'full' } });
    assert.ok(either instanceof SyncVectorEnv);
    either.close();
    const id: string = 'BDT-small-v0';
    assert.throws(() => makeVec(id, 2, { kwargs: { anything: 1 } }), /Unrecognized key: "anything"/);
  });

  it('make wraps PassiveEnvChecker -> OrderEnforcing -> TimeLimit and sets the spec', () => {
    const env = make('CartPole-v1');
    assert.equal(env.toString(), '<TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>>');
    assert.ok(env instanceof TimeLimit && env.env instanceof OrderEnforcing && env.env.env instanceof PassiveEnvChecker);
    assert.ok(env.unwrapped instanceof CartPoleEnv);
    assert.equal(env.spec?.maxEpisodeSteps, 500);
    assert.equal(env.spec?.rewardThreshold, 475);
  });

  it('CartPole-v0 is CartPole with the 200-step limit and the 195 threshold, as Gymnasium registers it', () => {
    const env = make('CartPole-v0');
    assert.equal(env.toString(), '<TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v0>>>>>');
    assert.equal(env.spec?.maxEpisodeSteps, 200);
    assert.equal(env.spec?.rewardThreshold, 195);
    // the same dynamics as v1 from the same seed; only the limit differs
    const v1 = make('CartPole-v1', {}, { maxEpisodeSteps: 201 });
    assert.deepEqual(env.reset({ seed: 3 })[0], v1.reset({ seed: 3 })[0]);
    // a balancing controller (push toward the pole's lean) outlives 200 steps, so the limit ends it
    let steps = 0;
    let truncated = false;
    let obs = v1.reset({ seed: 3 })[0];
    env.reset({ seed: 3 });
    while (!truncated) {
      const action = obs[2]! + 0.5 * obs[3]! > 0 ? 1 : 0;
      const [next, , terminated, cut] = env.step(action);
      const [nextV1, , terminatedV1, cutV1] = v1.step(action);
      assert.deepEqual(next, nextV1, `step ${steps}`);
      assert.ok(!terminated && !terminatedV1 && !cutV1, `the controller keeps the pole up (step ${steps})`);
      obs = next;
      truncated = cut;
      steps++;
    }
    assert.equal(steps, 200);
  });

  it('the spec shows the TimeLimit that applies: on the wrapper, not the unwrapped env (gymnasium.make)', () => {
    const env = make('CartPole-v1');
    assert.equal(env.unwrapped.spec?.maxEpisodeSteps, undefined);
    assert.equal(env.unwrapped.spec?.id, 'CartPole-v1');
    const shorter = new TimeLimit(env, 100);
    assert.equal(shorter.spec?.maxEpisodeSteps, 100);
    assert.equal(shorter.spec, shorter.spec, 'one object while the inner spec stays');
    const rebuilt = make(shorter.spec!);
    assert.ok(rebuilt instanceof TimeLimit && rebuilt.maxEpisodeSteps === 100, 'make(env.spec) rebuilds the limit');
    assert.ok(!(make(env.unwrapped.spec!) instanceof TimeLimit), 'no limit from the unwrapped spec');
    assert.throws(() => (shorter.spec = undefined), /set env\.unwrapped\.spec instead/);
    // elapsedSteps counts the steps since the last reset, as Gymnasium's elapsed_steps
    shorter.reset({ seed: 1 });
    shorter.step(0);
    shorter.step(1);
    assert.equal(shorter.elapsedSteps, 2);
    shorter.reset();
    assert.equal(shorter.elapsedSteps, 0);
  });

  it('maxEpisodeSteps -1 makes without a TimeLimit, as Gymnasium', () => {
    const env = make('CartPole-v1', {}, { maxEpisodeSteps: -1 });
    assert.ok(env instanceof OrderEnforcing, env.toString());
    assert.equal(env.spec?.maxEpisodeSteps, undefined);
  });

  it('reset refuses a negative or fractional seed, naming the env (Gymnasium: seeds are integers >= 0)', () => {
    const env = make('CartPole-v1');
    for (const seed of [-1, 1.5, NaN, 2 ** 53]) {
      assert.throws(() => env.reset({ seed }), new RegExp(`CartPoleEnv\\.reset: seed = ${seed} must be an integer >= 0`));
    }
    assert.throws(() => make('BDT-small-v0').reset({ seed: -3 }), /BdtEnv\.reset: seed = -3 must be an integer >= 0/);
    env.reset({ seed: 2 ** 53 - 1 });
    assert.throws(() => env.reset({ seed: '7' as unknown as number }), /CartPoleEnv\.reset: seed = "7" must be an integer >= 0/);
    assert.throws(() => make('BDT-small-v0').reset(5 as never), /<PassiveEnvChecker<BdtEnv<BDT-small-v0>>>\.reset: expected \{ seed\?, options\? \} or nothing, got 5/);
    assert.throws(() => make('BDT-small-v0').unwrapped.reset(5 as never), /BdtEnv\.reset: expected \{ seed\?, options\? \} or nothing, got 5/);
    // one class for every refused seed or reset argument, so callers (and the Python client) catch it by type
    for (const bad of [() => env.reset({ seed: -1 }), () => make('BDT-small-v0').reset(5 as never), () => make('BDT-small-v0').reset({ options: { tarce: 1 } }), () => makeVec('BDT-small-v0', 2).reset({ seed: [1] })]) {
      assert.throws(bad, InvalidArgumentError);
    }
    assert.throws(() => make('CartPole-v1').reset(null as never), /CartPoleEnv<CartPole-v1>>>\.reset: expected \{ seed\?, options\? \} or nothing, got null/);
  });

  it('reset takes null options as none and refuses options that are not a plain object (a typed array or Map reset every env of a vector env) with an InvalidArgumentError naming the caller, raw, made and vectorised', () => {
    const resets: Array<[string, (options: unknown) => unknown]> = [
      ['CartPoleEnv', (options) => new CartPoleEnv().reset({ options } as never)],
      ['<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>', (options) => make('CartPole-v1').reset({ options } as never)],
      ['BdtEnv', (options) => make('BDT-small-v0').unwrapped.reset({ options } as never)],
      ['<PassiveEnvChecker<BdtEnv<BDT-small-v0>>>', (options) => make('BDT-small-v0').reset({ options } as never)],
      ['SyncVectorEnv', (options) => makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' }).reset({ options } as never)],
      ['CartPoleVectorEnv', (options) => makeVec('CartPole-v1', 2).reset({ options } as never)],
      ['BdtVectorEnv', (options) => makeVec('BDT-small-v0', 2).reset({ options } as never)],
      ['VectorNormalizeObservation', (options) => new VectorNormalizeObservation(makeVec('CartPole-v1', 2)).reset({ options } as never)],
    ];
    for (const [owner, reset] of resets) {
      for (const options of [null, undefined, {}, Object.create(null)]) reset(options);
      class Options {
        reset_mask = Uint8Array.of(1, 0);
      }
      const refused: Array<[unknown, string]> = [[5, '5'], ['low', '"low"'], [[], '[]'], [Uint8Array.of(1, 0), 'Uint8Array(2) [1, 0]'], [new Map([['reset_mask', Uint8Array.of(1, 0)]]), '{} (class Map)'], [new Options(), '{reset_mask: Uint8Array(2) [1, 0]} (class Options)']];
      for (const [options, shown] of refused) {
        assert.throws(() => reset(options), (e: unknown) => e instanceof InvalidArgumentError && e.message === `${owner}.reset: options must be a plain object, or null or undefined for none; got ${shown}`, `${owner}, options ${shown}`);
      }
    }
  });

  it('reset takes a null seed as none (Python\'s seed=None, as vector envs do): the streams continue, raw and made, and the type says so', () => {
    const makers: Array<[string, () => { reset(args?: ResetArgs): [unknown, unknown] }]> = [
      ['CartPoleEnv', () => new CartPoleEnv()],
      ['CartPole-v1', () => make('CartPole-v1')],
      ['BdtEnv', () => make('BDT-small-v0').unwrapped],
      ['BDT-small-v0', () => make('BDT-small-v0')],
    ];
    for (const [name, makeOne] of makers) {
      const withNull = makeOne();
      const without = makeOne();
      withNull.reset({ seed: 5 });
      without.reset({ seed: 5 });
      assert.deepEqual(withNull.reset({ seed: null }), without.reset(), name);
      assert.notDeepEqual(withNull.reset({ seed: null })[0], makeOne().reset({ seed: 5 })[0], `${name}: a second null-seeded reset goes on from the first`);
    }
  });

  it('reset refuses an argument it does not know (a misspelt seed would reset unseeded), raw, made and vectorised', () => {
    const owners: Array<[string, () => unknown]> = [
      ['BdtEnv', () => make('BDT-small-v0').unwrapped.reset({ seeed: 7 } as never)],
      ['<PassiveEnvChecker<BdtEnv<BDT-small-v0>>>', () => make('BDT-small-v0').reset({ seeed: 7 } as never)],
      ['CartPoleEnv', () => new CartPoleEnv().reset({ sed: 1 } as never)],
      ['BdtVectorEnv', () => makeVec('BDT-small-v0', 2).reset({ seeed: 7 } as never)],
      ['SyncVectorEnv', () => makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' }).reset({ seeed: 7 } as never)],
      ['CartPoleVectorEnv', () => makeVec('CartPole-v1', 2).reset({ seeed: 7 } as never)],
    ];
    for (const [owner, reset] of owners) {
      assert.throws(reset, (e: Error) => e instanceof InvalidArgumentError && e.message.startsWith(`${owner}`) && /\.reset: unknown reset argument "se+e?d" \(reset takes \{ seed\?, options\? \}\)/.test(e.message), owner);
    }
    // an env of the user's that checks nothing, made: OrderEnforcing refuses it before the env sees it
    class Quiet extends Env<number, number> {
      readonly observationSpace = new Discrete(2);
      readonly actionSpace = new Discrete(2);
      reset(args: { seed?: number } = {}): ResetResult<number> {
        this.seedStreams(args.seed);
        return [0, {}];
      }
      step(): StepResult<number> {
        return [0, 0, true, false, {}];
      }
    }
    register({ id: 'QuietReset-v0', entryPoint: () => new Quiet() });
    try {
      assert.throws(() => make('QuietReset-v0').reset({ seed: 1, option: {} } as never), /QuietReset-v0>>>\.reset: unknown reset argument "option"/);
    } finally {
      unregister('QuietReset-v0'); // a later file of the same process checks every registered env
    }
  });

  it('make and makeVec refuse options they do not know, instead of ignoring them', () => {
    assert.throws(() => make('CartPole-v1', {}, { maxEpisodeStep: 5 } as never), /make: unknown option "maxEpisodeStep" \(options: maxEpisodeSteps, disableEnvChecker; env kwargs go in the second argument\)/);
    assert.throws(() => makeVec('CartPole-v1', 2, { autoReset: 'same-step' } as never), /makeVec: unknown option "autoReset" \(options: .*autoresetMode\)/);
    assert.throws(() => makeVec('CartPole-v1', 2, { vectorizationMode: 'async' } as never), /is not one of 'sync', 'vector-entry-point' \(the async form runs worker threads, Node only: new AsyncVectorEnv\(\.\.\.\) from 'bdt-gym\/node'\)/);
  });

  it("makeVec sets the vector env's spec as gymnasium.make_vec: the id's spec, kwargs with numEnvs, the mode, vector options and wrappers; a vector wrapper shows it", () => {
    const native = makeVec('BDT-small-v0', 3, { kwargs: { infoLevel: 'summary' }, copy: false });
    assert.equal(native.spec?.id, 'BDT-small-v0');
    assert.equal(native.spec?.maxEpisodeSteps, registry.get('BDT-small-v0')!.maxEpisodeSteps);
    assert.deepEqual(native.spec?.kwargs, { infoLevel: 'summary', numEnvs: 3, vectorizationMode: 'vector-entry-point', vectorKwargs: { copy: false } });
    assert.ok(Object.isFrozen(native.spec) && Object.isFrozen(native.spec!.kwargs));
    assert.equal(new VectorRecordEpisodeStatistics(native).spec, native.spec);
    const wrap = (env: Env<Float32Array, number>) => new RecordEpisodeStatistics(env);
    const sync = makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', wrappers: [wrap] });
    assert.deepEqual(sync.spec?.kwargs, { numEnvs: 2, vectorizationMode: 'sync', wrappers: [wrap] });
    assert.deepEqual(makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', makeOptions: { maxEpisodeSteps: 50 } }).spec?.kwargs, { numEnvs: 2, vectorizationMode: 'sync', makeOptions: { maxEpisodeSteps: 50 } });
    assert.equal(sync.spec?.rewardThreshold, 475);
    assert.equal(new SyncVectorEnv([() => make('CartPole-v1')]).spec, undefined, 'a vector env not made by makeVec has none');
  });

  it("makeVec rebuilds a vector env from its spec, as gymnasium.make_vec(spec): numEnvs, mode, vector options and env kwargs from the spec; explicit arguments override", () => {
    const wrap = (env: Env<Float32Array, number>) => new NormalizeReward(env);
    const originals: Array<ReturnType<typeof makeVec>> = [
      makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', kwargs: { suttonBartoReward: true }, autoresetMode: 'same-step', makeOptions: { maxEpisodeSteps: 20 }, wrappers: [wrap] }),
      makeVec('BDT-v0', 2, { kwargs: { infoLevel: 'summary' }, copy: false }),
      makeVec('CartPole-v0', 2, { kwargs: { suttonBartoReward: true }, copy: false }),
    ];
    for (const original of originals) {
      const rebuilt = makeVec(original.spec!);
      assert.deepEqual(rebuilt.spec, original.spec);
      assert.equal(rebuilt.constructor, original.constructor);
      assert.deepEqual(rebuilt.reset({ seed: 5 }), original.reset({ seed: 5 }));
      original.actionSpace.seed(5);
      for (let t = 0; t < 30; t++) {
        const actions = original.actionSpace.sample();
        assert.deepEqual(rebuilt.step(actions), original.step(actions), `${original.spec!.id} step ${t}`);
      }
      const three = makeVec(original.spec!, 3);
      assert.equal(three.numEnvs, 3);
      assert.deepEqual(three.spec, { ...original.spec, kwargs: { ...original.spec!.kwargs, numEnvs: 3 } });
    }
    const cartPole = originals[0]!.spec!;
    const overridden = makeVec(cartPole, 2, { kwargs: { suttonBartoReward: false }, copy: false });
    assert.deepEqual(overridden.spec?.kwargs, { ...cartPole.kwargs, suttonBartoReward: false, vectorKwargs: { autoresetMode: 'same-step', copy: false } });
    const bdt = originals[1]!.spec!;
    const synced = makeVec(bdt, 2, { vectorizationMode: 'sync' });
    assert.ok(synced instanceof SyncVectorEnv);
    assert.deepEqual(synced.spec?.kwargs, { ...bdt.kwargs, vectorizationMode: 'sync' });
  });

  it('vector seeds: null is no seed, a non-integer or a seed + i past 2^53 is refused', () => {
    const envs = makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' });
    envs.reset({ seed: null as never });
    envs.reset({ seed: [3, null as never] });
    assert.throws(() => envs.reset({ seed: '3' as never }), /SyncVectorEnv\.reset: seed = "3" must be an integer >= 0/);
    assert.throws(() => envs.reset({ seed: 2 ** 53 - 1 }), /SyncVectorEnv\.reset \(env 1 gets seed \+ 1\): seed = 9007199254740992 must be an integer >= 0 and <= 9007199254740991 \(Number\.MAX_SAFE_INTEGER\)/);
  });

  it('registry is read-only at run time (a cast cannot set or delete); unregister removes an id', () => {
    const asMap = registry as Map<string, unknown>;
    assert.equal(typeof asMap.set, 'undefined');
    assert.equal(typeof asMap.delete, 'undefined');
    assert.throws(() => Object.assign(registry, { set: () => {} }), TypeError);
    const before = [...registry.keys()];
    assert.ok(before.includes('BDT-v0') && registry.has('CartPole-v1') && registry.size === before.length);
    register({ id: 'TestUnregister-v0', entryPoint: () => new CartPoleEnv() });
    assert.deepEqual([...registry.keys()], [...before, 'TestUnregister-v0']);
    assert.equal(unregister('TestUnregister-v0'), true);
    assert.equal(unregister('TestUnregister-v0'), false);
    assert.deepEqual([...registry.keys()], before);
    assert.throws(() => make('TestUnregister-v0'), UnregisteredEnvError);
  });

  it('register refuses arguments that would make a broken spec or be dropped unseen, and make refuses kwargs that are no object (a misspelt maxEpisodeStep left the env without a limit)', () => {
    const entryPoint = () => new CartPoleEnv();
    for (const [args, message] of [
      [{ id: 'Typo-v0', entryPoint, maxEpisodeStep: 5 }, 'register("Typo-v0"): unknown key "maxEpisodeStep" (keys: id, entryPoint, vectorEntryPoint, maxEpisodeSteps, rewardThreshold, nondeterministic, kwargs)'],
      [{ id: 'Typo-v0', entryPoint: 5 }, 'register("Typo-v0"): entryPoint must be a factory (kwargs) => Env or the key of one (registerEntryPoint), got 5'],
      [{ id: 'Typo-v0', entryPoint, maxEpisodeSteps: -3 }, 'register("Typo-v0"): maxEpisodeSteps must be an integer >= 1 (omit it for no limit), got -3'],
      [{ id: 'Typo-v0', entryPoint, rewardThreshold: NaN }, 'register("Typo-v0"): rewardThreshold must be a finite number (or omitted), got NaN'],
      [{ id: 'Typo-v0', entryPoint, kwargs: 5 }, 'register("Typo-v0"): kwargs must be a plain object of the factory\'s keyword arguments, got 5'],
      [{ id: 'Typo-v0', entryPoint, vectorEntryPoint: 'vec' }, 'register("Typo-v0"): vectorEntryPoint must be a factory (numEnvs, kwargs) => VectorEnv, got "vec"'],
    ] as const) {
      assert.throws(() => register(args as never), { message }, message);
    }
    assert.ok(!registry.has('Typo-v0'), 'nothing registered');
    assert.throws(() => make('CartPole-v1', [] as never), { message: 'make("CartPole-v1"): kwargs must be a plain object of keyword arguments, got []' });
    assert.throws(() => make('CartPole-v1', {}, { disableEnvChecker: 'no' as never }), { message: 'make("CartPole-v1"): options.disableEnvChecker must be a boolean, got "no"' });
  });

  it("register takes Gymnasium's id pattern only; make refuses an id that is not a string", () => {
    for (const id of ['has space', '', 'a/b/c-v0', 'x?']) {
      assert.throws(() => register({ id, entryPoint: () => new CartPoleEnv() }), new RegExp(`^GymError: register: id ${JSON.stringify(id).replace(/[?/]/g, '\\$&')} is not an env id: \\[namespace/\\]name\\[-vN\\]`));
    }
    assert.throws(() => make(5 as unknown as string), /^InvalidArgumentError: make: expected an env id \(a string such as "BDT-v0"\) or an EnvSpec, got 5$/);
    assert.throws(() => make({} as unknown as string), /^InvalidArgumentError: make: expected an env id .* got \{\}$/);
    assert.throws(() => makeVec(5n as unknown as string, 2), /^InvalidArgumentError: makeVec: expected an env id \(a string such as "BDT-v0"\) or an EnvSpec, got 5n?$/);
    assert.throws(() => register({ id: 5n as unknown as string, entryPoint: () => new CartPoleEnv() }), /^GymError: register: id 5n? is not an env id/);
    register({ id: 'Ünïcode/Plant-v1', entryPoint: () => new CartPoleEnv() }); // Gymnasium's \w takes letters of any script
    unregister('Ünïcode/Plant-v1');
  });

  it('unknown ids list the registered ones', () => {
    assert.throws(() => make('CartPole-v9'), (e: Error) => e instanceof UnregisteredEnvError && /CartPole-v1/.test(e.message));
  });

  it('an unversioned id makes its latest version with one warning, as gymnasium.make; make, makeVec and spec alike', () => {
    for (const id of ['TestVersions-v0', 'TestVersions-v2']) register({ id, entryPoint: () => new CartPoleEnv() });
    try {
      const expected = ['Using the latest versioned environment `TestVersions-v2` instead of the unversioned environment `TestVersions`.'];
      const made = captureWarnings(() => make('TestVersions'));
      assert.equal(made.result.spec?.id, 'TestVersions-v2');
      assert.deepEqual(made.warnings, expected);
      const vectorised = captureWarnings(() => makeVec('TestVersions', 2));
      assert.equal(vectorised.result.spec?.id, 'TestVersions-v2');
      assert.deepEqual(vectorised.warnings, expected, 'one warning for the vector env, none per env');
      assert.deepEqual(captureWarnings(() => spec('TestVersions').id), { result: 'TestVersions-v2', warnings: expected });
      assert.deepEqual(captureWarnings(() => make('TestVersions-v0').spec?.id), { result: 'TestVersions-v0', warnings: [] }, 'a registered id is made as given');
    } finally {
      unregister('TestVersions-v0');
      unregister('TestVersions-v2');
    }
  });

  it('an unknown id says which versions its name has, the closest registered name, or the unknown namespace, as gymnasium.make; still an UnregisteredEnvError', () => {
    const refused = (id: string, hint: string) =>
      assert.throws(
        () => make(id),
        (e: unknown) => e instanceof UnregisteredEnvError && e.message.startsWith(`No registered env with id "${id}". ${hint} Registered ids: CartPole-v0, CartPole-v1, `),
        id,
      );
    refused('CartPole-v9', '"CartPole" has no version v9; it provides versioned environments: [ v0, v1 ].');
    refused('CartPol-v1', 'Did you mean "CartPole"?');
    // the whole id in another case first: BDT-V0 parses as an unversioned name, with no near name
    refused('cartpole-v1', 'Env ids are case-sensitive: did you mean "CartPole-v1"?');
    refused('BDT-V0', 'Env ids are case-sensitive: did you mean "BDT-v0"?');
    assert.equal(unregisteredEnvHint('bdt-SMALL-V0'), 'Env ids are case-sensitive: did you mean "BDT-small-v0"?');
    refused('CartPol', 'Did you mean "CartPole"?');
    refused('Foo/CartPole-v1', 'No env is registered in namespace "Foo".');
    assert.throws(() => makeVec('BDT-smal-v0', 2), (e: unknown) => e instanceof UnregisteredEnvError && /^No registered env with id "BDT-smal-v0"\. Did you mean "BDT-small"\? Registered ids: /.test((e as Error).message));
    assert.throws(() => make('Nope-v0'), (e: unknown) => e instanceof UnregisteredEnvError && /^No registered env with id "Nope-v0"\. Registered ids: /.test((e as Error).message), 'nothing near: no hint');
    register({ id: 'TestUnversioned', entryPoint: () => new CartPoleEnv() });
    try {
      refused('TestUnversioned-v1', '"TestUnversioned" is registered without a version: use "TestUnversioned".');
    } finally {
      unregister('TestUnversioned');
    }
  });

  it('a version is written without leading zeros, as Gymnasium registers it; messages give the version as written', () => {
    const registered = register({ id: 'TestZeros-v02', entryPoint: () => new CartPoleEnv() });
    try {
      assert.equal(registered.id, 'TestZeros-v2', "Gymnasium's register reads the version as a number");
      assert.ok(registry.has('TestZeros-v2') && !registry.has('TestZeros-v02'));
      const refused = (id: string, hint: string) =>
        assert.throws(() => make(id), (e: unknown) => e instanceof UnregisteredEnvError && e.message.startsWith(`No registered env with id "${id}". ${hint} Registered ids: `), id);
      refused('TestZeros-v02', 'Versions are written without leading zeros: did you mean "TestZeros-v2"?');
      refused('TestZeros-v3', '"TestZeros" has no version v3; it provides versioned environments: [ v2 ].');
      refused('TestZeros-v99999999999999999999999', '"TestZeros" has no version v99999999999999999999999; it provides versioned environments: [ v2 ].');
      assert.equal(unregisteredEnvHint('TestZeros'), undefined, 'an unversioned id makes its latest version: nothing to hint');
    } finally {
      unregister('TestZeros-v2');
    }
  });

  it("an id is registered with versions or without one, not both, as Gymnasium refuses (so an unversioned id means one env)", () => {
    register({ id: 'TestPair', entryPoint: () => new CartPoleEnv() });
    try {
      assert.throws(() => register({ id: 'TestPair-v0', entryPoint: () => new CartPoleEnv() }), /^GymError: register: cannot register the versioned environment "TestPair-v0" when the unversioned environment "TestPair" of the same name already exists$/);
    } finally {
      unregister('TestPair');
    }
    register({ id: 'lab/TestPair-v1', entryPoint: () => new CartPoleEnv() });
    try {
      assert.throws(() => register({ id: 'lab/TestPair', entryPoint: () => new CartPoleEnv() }), /^GymError: register: cannot register the unversioned environment "lab\/TestPair" when the versioned environment "lab\/TestPair-v1" of the same name already exists \(make\("lab\/TestPair"\) makes its latest version\)$/);
      register({ id: 'TestPair', entryPoint: () => new CartPoleEnv() }); // another namespace: no clash
      unregister('TestPair');
    } finally {
      unregister('lab/TestPair-v1');
    }
  });

  it('step before reset fails clearly', () => {
    assert.throws(() => make('CartPole-v1').step(0), (e: Error) => e instanceof ResetNeededError && /before reset/.test(e.message));
    // render too, unless OrderEnforcing is told not to (then CartPole, with no state yet, draws nothing)
    const env = make('CartPole-v1', { renderMode: 'ansi' });
    assert.throws(() => env.render(), (e: Error) => e instanceof ResetNeededError && e.message === '<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>: cannot call render() before reset(); call env.reset() first');
    assert.ok(env instanceof TimeLimit && env.env instanceof OrderEnforcing);
    assert.equal(env.env.hasReset, false);
    env.reset({ seed: 1 });
    assert.equal(env.env.hasReset, true);
    assert.match(String(env.render()), /^\|[.:#]+\| x=0\.003 m θ=-0\.1°$/);
    assert.equal(new OrderEnforcing(new CartPoleEnv({ renderMode: 'ansi' }), true).render(), undefined);
  });

  it('bad actions name the space and the value', () => {
    const env = make<unknown, unknown>('CartPole-v1'); // untyped: it steps actions outside Discrete(2) on purpose
    env.reset({ seed: 0 });
    for (const bad of [2, NaN, 0.5, '1', Float32Array.of(1)]) {
      assert.throws(() => env.step(bad), (e: Error) => e instanceof InvalidActionError && /Discrete\(2\)/.test(e.message));
    }
    assert.throws(() => env.step(NaN), /invalid action: NaN is not an integer \(action NaN; action space Discrete\(2\)\)/);
  });

  it('TimeLimit truncates at maxEpisodeSteps', () => {
    const env = make('CartPole-v1', {}, { maxEpisodeSteps: 3 });
    env.reset({ seed: 1 });
    (env.unwrapped as CartPoleEnv).state = [0, 0, 0, 0];
    const truncs = [0, 1, 0].map((a) => env.step(a)[3]);
    assert.deepEqual(truncs, [false, false, true]);
  });

  it('string entry points resolve through registerEntryPoint, kwargs merge over the spec', () => {
    registerEntryPoint('test:cartpole', (kwargs) => new CartPoleEnv(kwargs));
    register({ id: 'TestCartPoleAnsi-v0', entryPoint: 'test:cartpole', kwargs: { renderMode: 'ansi' } });
    try {
      const env = make('TestCartPoleAnsi-v0', { suttonBartoReward: true });
      assert.equal(env.renderMode, 'ansi');
      env.reset({ seed: 3 });
      assert.equal(env.step(1)[1], 0);
      assert.match(String(env.render()), /\|.*#.*\| x=/);
      assert.deepEqual(env.spec?.kwargs, { renderMode: 'ansi', suttonBartoReward: true });
    } finally {
      unregister('TestCartPoleAnsi-v0');
    }
  });

  it('PassiveEnvChecker throws on a broken step contract and warns on out-of-space observations', () => {
    class Broken extends Env<Float32Array, number> {
      observationSpace = new Box(0, 1, { shape: [1] });
      actionSpace = new Discrete(2);
      reset(): ResetResult<Float32Array> {
        return [Float32Array.of(5), {}];
      }
      step(): StepResult<Float32Array> {
        return [Float32Array.of(0), 1, 0 as unknown as boolean, false, {}];
      }
    }
    const env = new PassiveEnvChecker(new Broken());
    const { warnings } = captureWarnings(() => env.reset());
    assert.match(warnings.join('\n'), /not within the observation space.*= 5 is outside \[0, 1\]/);
    assert.throws(() => env.step(0), /\[step-return\] step\(\) terminated must be a boolean/);
  });

  it("PassiveEnvChecker throws on a Dict observation with missing or extra keys and a Tuple observation of the wrong length (Gymnasium's check_obs asserts), nested too; values outside the space still only warn", () => {
    /** An env whose every observation is `observation`. */
    const envOf = (observationSpace: Env['observationSpace'], observation: unknown) =>
      new (class extends Env<unknown, number> {
        observationSpace = observationSpace;
        actionSpace = new Discrete(2);
        reset(): ResetResult<unknown> {
          return [observation, {}];
        }
        step(): StepResult<unknown> {
          return [observation, 0, false, false, {}];
        }
      })();
    const dict = new Dict({ a: new Discrete(2), b: new Discrete(2) });
    const structural = (pattern: RegExp) => (e: unknown) => e instanceof EnvCheckError && e.check === 'observation-structure' && pattern.test(e.message);
    assert.throws(() => new PassiveEnvChecker(envOf(dict, { a: 0 })).reset(), structural(/^\[observation-structure\] The observation returned by `reset\(\)` does not have the keys of Dict\(a: Discrete\(2\), b: Discrete\(2\)\): key "b" is missing \(observation keys: \[a\]; space keys: \[a, b\]\)$/));
    assert.throws(() => new PassiveEnvChecker(envOf(dict, { a: 0, b: 1, c: 1 })).reset(), structural(/key "c" is not in the space/));
    assert.throws(() => new PassiveEnvChecker(envOf(dict, [0, 1])).reset(), structural(/must be an object with keys \[a, b\], got \[0, 1\]/));
    const tuple = new Tuple([new Discrete(2), new Discrete(2)]);
    assert.throws(() => new PassiveEnvChecker(envOf(tuple, [0])).reset(), structural(/has 1 elements, Tuple\(Discrete\(2\), Discrete\(2\)\) has 2/));
    assert.throws(() => new PassiveEnvChecker(envOf(new Tuple([dict]), [{ a: 0 }])).reset(), structural(/`reset\(\)` at \[0\] does not have the keys of .*: key "b" is missing/));
    const { warnings } = captureWarnings(() => new PassiveEnvChecker(envOf(dict, { a: 0, b: 5 })).reset());
    assert.match(warnings.join('\n'), /not within the observation space .*key "b": 5 is outside/, 'a value outside the space warns');
  });
});
