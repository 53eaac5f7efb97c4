import assert from 'node:assert/strict';
import { addInfo, AttributeRefusedError, Box, CartPoleEnv, Dict, Discrete, Env, InvalidActionError, InvalidArgumentError, MAX_NUM_ENVS, RecordEpisodeStatistics, SpaceError, SyncVectorEnv, Tuple, batchSpace, make, makeVec, type ResetArgs, type ResetResult, type StepResult } from '../../env/index.ts';
import { docExample, runnable } from './doc-example.ts';

/** Counts steps; ends (terminated) after `length` steps; obs = [step count, reset count]. */
class CountingEnv extends Env<Float32Array, number> {
  private readonly length: number;
  observationSpace = new Box(0, 100, { shape: [2] });
  actionSpace = new Discrete(3);
  actions: number[] = [];
  private t = 0;
  private resets = 0;
  constructor(length: number) {
    super();
    this.length = length;
  }
  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    this.seedStreams(args.seed);
    this.t = 0;
    this.resets++;
    return [Float32Array.of(0, this.resets), { seed: args.seed ?? -1 }];
  }
  step(action: number): StepResult<Float32Array> {
    this.actions.push(action);
    this.t++;
    return [Float32Array.of(this.t, this.resets), this.t, this.t >= this.length, false, this.t === 1 ? { first: true } : {}];
  }
}

/** A CountingEnv whose `label` is read-only. */
class ReadOnlyLabelEnv extends CountingEnv {
  get label(): string {
    return 'fixed';
  }
}

describe('SyncVectorEnv', () => {
  it('batches observations env-major and seeds env i with seed + i', () => {
    const envs = new SyncVectorEnv([() => new CountingEnv(2), () => new CountingEnv(3)]);
    assert.equal(envs.numEnvs, 2);
    assert.equal(envs.observationSpace.toString(), 'Box(0, 100, [2, 2], float32)');
    assert.equal(envs.actionSpace.toString(), 'MultiDiscrete([3, 3])');
    const [obs, infos] = envs.reset({ seed: 10 });
    assert.deepEqual(Array.from(obs), [0, 1, 0, 1]);
    assert.deepEqual(Array.from(infos['seed'] as Float64Array), [10, 11]);
    assert.deepEqual(Array.from(infos['_seed'] as Uint8Array), [1, 1]);
  });

  it('autoresets on the next step (Gymnasium 1.x): reset obs, reward 0, action ignored', () => {
    const a = new CountingEnv(2);
    const b = new CountingEnv(3);
    const envs = new SyncVectorEnv([() => a, () => b]);
    envs.reset({ seed: 0 });
    let r = envs.step([1, 2]);
    assert.deepEqual(Array.from(r[0]), [1, 1, 1, 1]);
    assert.deepEqual(Array.from(r[1]), [1, 1]);
    assert.deepEqual(Array.from(r[4]['_first'] as Uint8Array), [1, 1]);
    assert.deepEqual(Array.from(r[4]['first'] as Uint8Array), [1, 1]);
    r = envs.step([0, 0]);
    assert.deepEqual(Array.from(r[2]), [1, 0], 'env 0 terminates');
    r = envs.step([2, 1]);
    // env 0 resets instead of stepping; env 1 terminates.
    assert.deepEqual(Array.from(r[0]), [0, 2, 3, 1]);
    assert.deepEqual(Array.from(r[1]), [0, 3]);
    assert.deepEqual(Array.from(r[2]), [0, 1]);
    assert.deepEqual(Array.from(r[4]['_seed'] as Uint8Array), [1, 0]);
    assert.deepEqual(a.actions, [1, 0], 'the action at the autoreset step is ignored');
    r = envs.step([1, 1]);
    assert.deepEqual(Array.from(r[0]), [1, 2, 0, 2]);
    assert.deepEqual(a.actions, [1, 0, 1]);
  });

  it('collects RecordEpisodeStatistics infos with nested masks', () => {
    const envs = new SyncVectorEnv([2, 4].map((n) => () => new RecordEpisodeStatistics(new CountingEnv(n))));
    envs.reset({ seed: 1 });
    envs.step([0, 0]);
    const [, , , , infos] = envs.step([0, 0]);
    const episode = infos['episode'] as { r: Float64Array; l: Float64Array; _r: Uint8Array };
    assert.deepEqual(Array.from(infos['_episode'] as Uint8Array), [1, 0]);
    assert.deepEqual(Array.from(episode.r), [3, 0]);
    assert.deepEqual(Array.from(episode.l), [2, 0]);
    assert.deepEqual(Array.from(episode._r), [1, 0]);
  });

  it("takes an info key holding undefined as unset: masked out, a number column's entry 0 (it was masked in, and NaN)", () => {
    const infos = addInfo(addInfo({}, { count: 3, tag: 'a', nested: { x: 1 } }, 0, 2), { count: undefined, tag: undefined, nested: { x: undefined } }, 1, 2);
    assert.deepEqual(infos, { count: new Float64Array([3, 0]), _count: new Uint8Array([1, 0]), tag: ['a', undefined], _tag: new Uint8Array([1, 0]), nested: { x: new Float64Array([1, 0]), _x: new Uint8Array([1, 0]) }, _nested: new Uint8Array([1, 1]) });
    const onlyUndefined = addInfo({}, { tag: undefined }, 0, 2);
    assert.deepEqual(onlyUndefined, {}, 'no column for a key no env set');
  });

  it('copies observations by default and reuses the buffer with copy: false', () => {
    const copying = new SyncVectorEnv([() => new CountingEnv(5)]);
    const [o1] = copying.reset();
    const [o2] = copying.step([0]);
    assert.notEqual(o1, o2);
    const sharing = new SyncVectorEnv([() => new CountingEnv(5)], { copy: false });
    const [s1] = sharing.reset();
    const [s2] = sharing.step([0]);
    assert.equal(s1, s2);
  });

  it('refuses a Discrete observation or action space beyond int32 (a batch is an Int32Array) naming the vector env and the space', () => {
    const withSpaces = (observationSpace: Env['observationSpace'], actionSpace: Env['actionSpace']) => () => Object.assign(new CountingEnv(3), { observationSpace, actionSpace });
    const refused = (where: string, space: string, values: string) => (e: unknown) =>
      e instanceof SpaceError && e.message === `SyncVectorEnv: the ${where} space ${space} cannot be batched: its values ${values} go beyond int32 [-2147483648, 2147483647], the range of a batch's Int32Array`;
    assert.throws(() => new SyncVectorEnv([withSpaces(new Discrete(3, 2 ** 31), new Discrete(3))]), refused('observation', 'Discrete(3, start=2147483648)', '2147483648 to 2147483650'));
    assert.throws(() => new SyncVectorEnv([withSpaces(new Box(0, 1), new Dict({ k: new Discrete(2, -(2 ** 31) - 1) }))]), refused('action', 'Discrete(2, start=-2147483649)', '-2147483649 to -2147483648'));
    assert.equal(new SyncVectorEnv([withSpaces(new Discrete(2, 2 ** 31 - 2), new Discrete(3))]).observationSpace.toString(), 'MultiDiscrete([2], start=[2147483646])', 'values up to int32 max batch');
  });

  it('rejects a wrong number of actions and bad actions naming the env', () => {
    const envs = new SyncVectorEnv([0, 1].map(() => () => make('CartPole-v1')));
    envs.reset({ seed: 0 });
    assert.throws(() => envs.step([0]), (e: unknown) => e instanceof InvalidActionError && /expected a batch of 2 actions for Discrete\(2\)/.test(e.message), 'an action batch that is not one: InvalidActionError, as an action outside the space');
    assert.throws(() => envs.step([0, 7]), /SyncVectorEnv\.step: env 1: invalid action: 7 is outside \{0, …, 1\} \(action 7; action space Discrete\(2\)\)$/);
  });

  it('refuses bad options and any call after close, as the other vector envs', () => {
    assert.throws(() => new SyncVectorEnv([() => make('CartPole-v1')], { copy: 'no' as never }), /SyncVectorEnv: copy = "no" must be true or false/);
    const envs = makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' });
    envs.close();
    envs.close();
    assert.throws(() => envs.reset(), /SyncVectorEnv\.reset: the env is closed/);
    assert.throws(() => envs.step([0, 0]), /SyncVectorEnv\.step: the env is closed/);
    assert.throws(() => new SyncVectorEnv([1 as never]), /SyncVectorEnv: envFns\[0\] must be a function returning an Env, got 1/);
    assert.throws(() => new SyncVectorEnv([() => 5 as never]), /envFns\[0\] must be a function returning an Env, got .* \(it returned 5\)/);
    assert.throws(() => makeVec('CartPole-v1', 2, null as never), /makeVec: options must be an object, got null/);
    assert.throws(() => makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', wrappers: [5 as never] }), /makeVec: wrappers\[0\] must be a function \(env\) => Env, got 5/);
    assert.throws(() => makeVec('CartPole-v1', '2' as never), /makeVec: numEnvs = "2" must be a positive integer/);
  });

  it("closes every env even when one's close throws, and rethrows the first error once all are closed (env 1 stayed open)", () => {
    const closed: number[] = [];
    const envs = new SyncVectorEnv(
      [0, 1, 2].map((i) => () => {
        const env = make('CartPole-v1');
        env.close = () => {
          closed.push(i);
          if (i < 2) throw new Error(`env ${i}: release failed`);
        };
        return env;
      }),
    );
    assert.throws(() => envs.close(), /^Error: env 0: release failed$/);
    assert.deepEqual(closed, [0, 1, 2]);
    envs.close(); // closed already: a no-op
    assert.deepEqual(closed, [0, 1, 2]);
    assert.throws(() => envs.reset(), /SyncVectorEnv\.reset: the env is closed/);
  });

  it('a step the vector env refuses leaves every env as it was: the batch is checked before any env steps', () => {
    const envs = makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync' });
    const twin = makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync' });
    envs.reset({ seed: 3 });
    twin.reset({ seed: 3 });
    const good = envs.actionSpace.sample() as { partition: Int32Array; inferenceShare: Float64Array; miningShare: Float64Array };
    const bad = { ...good, partition: good.partition.slice() };
    bad.partition[bad.partition.length - 1] = 99; // env 1's last unit: a MultiDiscrete part is still checked here
    assert.throws(() => envs.step(bad), /SyncVectorEnv\.step: env 1: invalid action: .* \(action .*; action space .*\)$/);
    assert.deepEqual(envs.step(good), twin.step(good), 'env 0 did not step on the refused call');
    const { miningShare: _missing, ...partial } = good;
    assert.throws(() => envs.step(partial as never), /SyncVectorEnv\.step: key "miningShare": expected a batch of 2 actions for Box\(0, 1, \[2\], float64\) \(4 numbers\), got undefined/);
    assert.throws(() => envs.step({ ...good, partition: new Int32Array(3 * good.partition.length / 2) }), /key "partition": expected a batch of 2 actions .* got 12 numbers/);
    assert.throws(() => envs.step({ ...good, extra: 1 } as never), /unexpected key "extra" in the action batch/);
  });

  it("leaves a Box action's bounds and NaN to each env, as make's env and Gymnasium's vector envs do, but refuses a row of another array type naming the env", () => {
    /** Rewards its action's element: an env that takes actions outside its Box. */
    class EchoActionEnv extends Env<Float32Array, Float32Array> {
      observationSpace = new Box(-1, 1, { shape: [1] });
      actionSpace = new Box(-1, 1, { shape: [1] });
      reset(): ResetResult<Float32Array> {
        return [new Float32Array(1), {}];
      }
      step(action: Float32Array): StepResult<Float32Array> {
        return [new Float32Array(1), action[0]!, false, false, {}];
      }
    }
    const single = new EchoActionEnv();
    single.reset();
    const envs = new SyncVectorEnv([() => new EchoActionEnv(), () => new EchoActionEnv()]);
    envs.reset();
    assert.deepEqual(Array.from(envs.step(Float32Array.of(2, -3))[1]), [single.step(Float32Array.of(2))[1], -3]);
    assert.ok(Number.isNaN(envs.step(Float32Array.of(0, NaN))[1][1]));
    assert.throws(() => envs.step(Float64Array.of(0, 0) as never), (e: unknown) => e instanceof InvalidActionError && /^SyncVectorEnv\.step: env 0: invalid action: expected a Float32Array of length 1, got Float64Array/.test((e as Error).message));
    assert.throws(() => envs.step(Float32Array.of(0)), /SyncVectorEnv\.step: expected a batch of 2 actions for Box\(-1, 1, \[1\], float32\) \(2 numbers\), got 1 numbers/);
  });

  it('batches Tuple observations and actions per index, and refuses a Tuple action batch of another form showing what it got', () => {
    type Pair = [number, Float32Array];
    /** Observes [id, [id / 4, -id / 4]] at reset, then [d + 1, [x, 0]] for the action [d, [x]], rewarded d + x. */
    class TupleEnv extends Env<Pair, Pair> {
      observationSpace = new Tuple([new Discrete(3), new Box<Float32Array>(-1, 1, { shape: [2] })] as const);
      actionSpace = new Tuple([new Discrete(2), new Box<Float32Array>(-1, 1, { shape: [1] })] as const);
      private readonly id: number;
      constructor(id: number) {
        super();
        this.id = id;
      }
      reset(): ResetResult<Pair> {
        return [[this.id, Float32Array.of(this.id / 4, -this.id / 4)], {}];
      }
      step([d, x]: Pair): StepResult<Pair> {
        return [[d + 1, Float32Array.of(x[0]!, 0)], d + x[0]!, false, false, {}];
      }
    }
    const envs = new SyncVectorEnv([() => new TupleEnv(1), () => new TupleEnv(2)]);
    assert.deepEqual(envs.reset()[0], [Int32Array.of(1, 2), Float32Array.of(0.25, -0.25, 0.5, -0.5)]);
    const [obs, rewards] = envs.step([Int32Array.of(0, 1), Float32Array.of(0.5, -0.5)] as never);
    assert.deepEqual(obs, [Int32Array.of(1, 2), Float32Array.of(0.5, 0, -0.5, 0)]);
    assert.deepEqual(Array.from(rewards), [0.5, 0.5]);
    const refused = (pattern: RegExp) => (e: unknown) => e instanceof InvalidActionError && pattern.test((e as Error).message);
    const expected = /^SyncVectorEnv\.step: expected a batch of 2 actions for Tuple\(Discrete\(2\), Box\(-1, 1, \[1\], float32\)\) \(an array of 2 per-index batches\), got /;
    // the batch as it is, not its String(), which reads "0,1" for both
    assert.throws(() => envs.step(Int32Array.of(0, 1) as never), refused(new RegExp(`${expected.source}Int32Array\\(2\\) \\[0, 1\\]$`)));
    assert.throws(() => envs.step([Int32Array.of(0, 1)] as never), refused(new RegExp(`${expected.source}\\[Int32Array\\(2\\) \\[0, 1\\]\\]$`)));
    assert.throws(() => envs.step([Int32Array.of(0, 5), Float32Array.of(0, 0)] as never), refused(/^SyncVectorEnv\.step: env 1: invalid action: index \[0\]: 5 is outside \{0, …, 1\}/));
    assert.throws(() => envs.step([Int32Array.of(0, 1), Float64Array.of(0, 0)] as never), refused(/^SyncVectorEnv\.step: env 0: invalid action: index \[1\]: expected a Float32Array of length 1, got Float64Array/));
    assert.throws(() => envs.step([Int32Array.of(0), Float32Array.of(0, 0)] as never), refused(/^SyncVectorEnv\.step: index \[0\]: expected a batch of 2 actions for Discrete\(2\) \(2 numbers\), got 1 numbers$/));
    // a Dict action batch given as an array, likewise
    const dict = makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync' });
    dict.reset({ seed: 1 });
    assert.throws(() => dict.step([Int32Array.of(0, 1)] as never), refused(/\(an object of per-key batches\), got \[Int32Array\(2\) \[0, 1\]\]$/));
  });

  it("refuses an out-of-range or NaN B-DT action through the env's own check, naming the env, the key and the index; the native vector env refuses it too", () => {
    const envs = makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync' });
    const native = makeVec('BDT-small-v0', 2);
    envs.reset({ seed: 3 });
    native.reset({ seed: 3 });
    const good = envs.actionSpace.sample() as { partition: Int32Array; inferenceShare: Float64Array; miningShare: Float64Array };
    const outside = { ...good, miningShare: good.miningShare.slice() };
    outside.miningShare[outside.miningShare.length / 2] = 2; // env 1's first AP
    const refused = (pattern: RegExp) => (e: unknown) => e instanceof InvalidActionError && pattern.test((e as Error).message);
    assert.throws(() => envs.step(outside), refused(/^SyncVectorEnv env 1: BdtEnv\.step: invalid action: key "miningShare": element \[0\] = 2 is outside \[0, 1\]/));
    assert.throws(() => native.step(outside), refused(/^BdtVectorEnv\.step: invalid action: env 1: key "miningShare": element \[0\] = 2 is outside \[0, 1\]/));
    const nan = { ...good, inferenceShare: good.inferenceShare.slice() };
    nan.inferenceShare[nan.inferenceShare.length - 1] = NaN; // env 1's last share
    assert.throws(() => envs.step(nan), refused(/^SyncVectorEnv env 1: BdtEnv\.step: invalid action: key "inferenceShare": element \[1\] is NaN/));
  });

  it('its doc example runs as written, with the observation batch its comment gives', () => {
    const example = docExample('env/vector/sync-vector-env.ts');
    const { obs } = runnable(`${example}\nreturn { obs };`, 'make', 'SyncVectorEnv')(make, SyncVectorEnv) as { obs: unknown };
    assert.ok(obs instanceof Float32Array && obs.length === 4 * 4, String(obs));
  });

  it('matches single CartPole envs stepped by hand', () => {
    const envs = new SyncVectorEnv([0, 1, 2].map(() => () => new CartPoleEnv()));
    const singles = [0, 1, 2].map(() => new CartPoleEnv());
    let [obs] = envs.reset({ seed: 5 });
    singles.forEach((e, i) => assert.deepEqual(Array.from(e.reset({ seed: 5 + i })[0]), Array.from(obs.subarray(4 * i, 4 * i + 4))));
    for (let t = 0; t < 6; t++) {
      const actions = Int32Array.of(t % 2, 1, 0); // few enough steps that no episode ends
      [obs] = envs.step(actions);
      singles.forEach((e, i) => assert.deepEqual(Array.from(e.step(actions[i]!)[0]), Array.from(obs.subarray(4 * i, 4 * i + 4))));
    }
  });

  it('makeVec builds numEnvs wrapped copies of a registered env', () => {
    const envs = makeVec('CartPole-v1', 3, { vectorizationMode: 'sync', wrappers: [(e) => new RecordEpisodeStatistics(e)] });
    assert.equal(envs.numEnvs, 3);
    assert.ok(envs.envs.every((e) => e instanceof RecordEpisodeStatistics));
    assert.equal(envs.reset({ seed: 0 })[0].length, 12);
    assert.throws(() => makeVec('CartPole-v1', 0), /numEnvs = 0/);
  });

  it('makeVec refuses more than MAX_NUM_ENVS envs at once, naming the limit (1e9 exhausted the heap)', () => {
    assert.equal(MAX_NUM_ENVS, 65_536);
    for (const numEnvs of [MAX_NUM_ENVS + 1, 1e9]) {
      assert.throws(() => makeVec('CartPole-v1', numEnvs), (e: unknown) => e instanceof InvalidArgumentError && e.message === `makeVec: numEnvs = ${numEnvs} is more than MAX_NUM_ENVS = 65536, the most envs one vector env takes`);
    }
  });

  it('getAttr, setAttr and call reach each env through its wrappers; unwrapped is the vector env', () => {
    const envs = new SyncVectorEnv([2, 3].map((n) => () => new RecordEpisodeStatistics(new CountingEnv(n))));
    assert.equal(envs.unwrapped, envs);
    envs.reset({ seed: 0 });
    envs.step(Int32Array.of(1, 2));
    assert.deepEqual(envs.getAttr('actions'), [[1], [2]]);
    envs.setAttr('actions', [[7], [8]]);
    assert.deepEqual(envs.getAttr('actions'), [[7], [8]]);
    envs.setAttr('label', 'same');
    assert.deepEqual(envs.getAttr('label'), ['same', 'same']);
    assert.throws(() => envs.setAttr('actions', [[1]]), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'SyncVectorEnv.setAttr: got 1 values for 2 envs', "Gymnasium's ValueError");
    assert.deepEqual(envs.call('toString'), ['<RecordEpisodeStatistics<CountingEnv>>', '<RecordEpisodeStatistics<CountingEnv>>']);
    const [first] = envs.call('reset', { seed: 3 }) as Array<ResetResult<Float32Array>>;
    assert.deepEqual(first![1], { seed: 3 }, 'called on the env with its arguments');
    assert.deepEqual(envs.call('label'), ['same', 'same'], 'a non-function attribute is returned as is');
  });

  it('setAttr refuses, before changing any env, a name that would break them: reserved, a method, a getter without a setter', () => {
    const envs = makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' });
    const refused = (name: string, why: RegExp) => (e: unknown) =>
      e instanceof AttributeRefusedError && e.message.startsWith(`SyncVectorEnv.setAttr: env 0: <TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>>.setWrapperAttr("${name}"): "${name}" is `) && why.test(e.message);
    assert.throws(() => envs.setAttr('step', 5), refused('step', /a method of TimeLimit; a value would replace it$/));
    assert.throws(() => envs.setAttr('__proto__', null), refused('__proto__', /reserved/));
    assert.throws(() => envs.setAttr('constructor', [1, 2]), refused('constructor', /reserved/));
    assert.throws(() => envs.setAttr('unwrapped', 1), refused('unwrapped', /read-only: Wrapper has a getter for it and no setter$/));
    envs.reset({ seed: 0 });
    envs.step(Int32Array.of(0, 1));
    envs.setAttr('gravity', [9.8, 20]);
    assert.deepEqual(envs.getAttr('gravity'), [9.8, 20], 'an ordinary data attribute is still set, on the env that has it');
    envs.close();
  });

  it('refuses an env whose setAttr target differs before setting the others', () => {
    const envs = new SyncVectorEnv<Float32Array, number>([() => new CountingEnv(2), () => new ReadOnlyLabelEnv(2)]);
    assert.throws(() => envs.setAttr('label', 'x'), /^AttributeRefusedError: SyncVectorEnv\.setAttr: env 1: <ReadOnlyLabelEnv>\.setWrapperAttr\("label"\): "label" is read-only: ReadOnlyLabelEnv has a getter for it and no setter$/);
    assert.equal((envs.envs[0] as unknown as { label?: string }).label, undefined, 'env 0 was not changed');
  });

  it('a value env i refuses is named with env i, and says the envs before it took theirs (set one by one, as Gymnasium)', () => {
    const envs = makeVec('CartPole-v1', 3, { vectorizationMode: 'sync' });
    envs.reset({ seed: 0 });
    assert.throws(() => envs.setAttr('state', [[0, 0, 0, 0], [0.01, 0, 0, 0], ['a', 0, 0, 0]]), (e: unknown) => e instanceof Error && /^SyncVectorEnv\.setAttr: env 2: .*"a".* \(envs 0-1 took theirs\)$/.test(e.message));
    assert.throws(() => envs.setAttr('state', [[0, 0, 0, 0], ['b', 0, 0, 0], [0, 0, 0, 0]]), (e: unknown) => e instanceof Error && /^SyncVectorEnv\.setAttr: env 1: .*"b".* \(env 0 took its\)$/.test(e.message));
    assert.throws(() => envs.setAttr('state', [['c', 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]), (e: unknown) => e instanceof Error && /^SyncVectorEnv\.setAttr: env 0: [^(]*"c"[^(]*$/.test(e.message));
    envs.close();
  });

  it('batches Dict spaces per key', () => {
    const space = batchSpace(new Dict({ a: new Discrete(2), b: new Box(0, 1, { shape: [3] }) }), 4);
    assert.equal(space.toString(), 'Dict(a: MultiDiscrete([2, 2, 2, 2]), b: Box(0, 1, [4, 3], float32))');
    const sample = space.sample() as { a: Int32Array; b: Float32Array };
    assert.equal(sample.a.length, 4);
    assert.equal(sample.b.length, 12);
  });
});
