import assert from 'node:assert/strict';
import {
  AttributeRefusedError, Box, captureWarnings, SyncVectorEnv, TimeLimit, VectorRecordEpisodeStatistics, ClipAction, ClipReward, Discrete, Dict, Env, FlattenObservation, GymError, InvalidActionError, InvalidArgumentError, MultiDiscrete, NormalizeObservation, NormalizeReward,
  RecordEpisodeStatistics, RescaleAction, RunningMeanStd, makeRng, TransformAction, TransformObservation, TransformReward, Wrapper, make, type EpisodeStatistics, type ResetArgs, type ResetResult, type StepResult, type BoxElement, type BdtAction,
} from '../../env/index.ts';
import { RecordingEnv } from './recording-env.ts';

/** Records the actions it receives; observation = last action; reward = 2; ends after `length` steps. */
class EchoEnv extends Env<Float64Array, BoxElement> {
  private readonly length: number;
  observationSpace = new Box<Float64Array>(-10, 10, { shape: [2], dtype: 'float64' });
  actionSpace = new Box<Float64Array>([-2, 0], [2, 4], { dtype: 'float64' });
  received: number[][] = [];
  private t = 0;
  constructor(length = 3) {
    super();
    this.length = length;
  }
  reset(args: ResetArgs = {}): ResetResult<Float64Array> {
    this.seedStreams(args.seed);
    this.t = 0;
    return [Float64Array.of(this.npRandom(), this.npRandom()), {}];
  }
  step(action: BoxElement): StepResult<Float64Array> {
    if (!this.actionSpace.contains(action)) throw new InvalidActionError(`bad ${String(action)}`);
    this.received.push(Array.from(action));
    this.t++;
    return [Float64Array.from(action), 2, this.t >= this.length, false, {}];
  }
}

describe('wrappers', () => {
  it('RecordEpisodeStatistics adds info.episode at episode end and emits on episodes$', () => {
    const env = new RecordEpisodeStatistics(make('CartPole-v1', {}, { maxEpisodeSteps: 4 }));
    const seen: EpisodeStatistics[] = [];
    let completed = false;
    env.episodes$.subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
    env.reset({ seed: 0 });
    (env.unwrapped as unknown as { state: number[] }).state = [0, 0, 0, 0];
    const infos = [0, 1, 0, 1].map((a) => env.step(a)[4]);
    assert.deepEqual(infos.slice(0, 3), [{}, {}, {}]);
    const ep = infos[3]!['episode'] as EpisodeStatistics;
    assert.equal(ep.r, 4);
    assert.equal(ep.l, 4);
    assert.ok(ep.t >= 0);
    assert.deepEqual(seen, [ep]);
    assert.deepEqual(env.returnQueue, [4]);
    env.close();
    assert.ok(completed);
  });

  it('NormalizeObservation uses running mean/var as Gymnasium (count starts at 1e-4)', () => {
    const env = new NormalizeObservation(new EchoEnv(10));
    env.reset({ seed: 1 });
    const a = Float64Array.of(1, 2);
    const b = Float64Array.of(-1, 3);
    env.step(a);
    const [obs] = env.step(b);
    // Reference: the same Chan update from (mean 0, var 1, count 1e-4) over reset obs, a, b.
    const rms = new RunningMeanStd(2);
    const rs = new EchoEnv().reset({ seed: 1 })[0];
    rms.updateOne(rs);
    rms.updateOne(a);
    rms.updateOne(b);
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(obs[i]! - Math.fround((b[i]! - rms.mean[i]!) / Math.sqrt(rms.var[i]! + 1e-8))) < 1e-6);
    assert.ok(obs instanceof Float32Array);
    // After many samples the statistics approach the sample mean and variance.
    const big = new RunningMeanStd(1);
    const xs = Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    for (const x of xs) big.updateOne([x]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(big.mean[0]! - mean) < 1e-6 && Math.abs(big.var[0]! - variance) < 1e-3);
    const batch = new RunningMeanStd(1);
    batch.update(xs, xs.length);
    assert.ok(Math.abs(batch.mean[0]! - big.mean[0]!) < 1e-9 && Math.abs(batch.var[0]! - big.var[0]!) < 1e-6);
  });

  it('NormalizeReward divides by the std of the discounted return', () => {
    const env = new NormalizeReward(new EchoEnv(3), 0.5);
    env.reset();
    const r1 = env.step(Float64Array.of(0, 0))[1];
    // G = 2 after step 1: var from (0, 1, 1e-4) updated with 2.
    const rms = new RunningMeanStd(1);
    rms.updateOne([2]);
    assert.ok(Math.abs(r1 - 2 / Math.sqrt(rms.var[0]! + 1e-8)) < 1e-12);
    const r2 = env.step(Float64Array.of(0, 0))[1];
    rms.updateOne([2 * 0.5 + 2]);
    assert.ok(Math.abs(r2 - 2 / Math.sqrt(rms.var[0]! + 1e-8)) < 1e-12);
  });

  it('NormalizeReward and NormalizeObservation leave a NaN or an infinity out of their statistics, pass it on, warn once, and go on finite (it made every later output NaN)', () => {
    let rewards = 0;
    const rewarded = new NormalizeReward(new TransformReward(make('CartPole-v1'), (r) => (++rewards === 2 || rewards === 4 ? (rewards === 2 ? NaN : Infinity) : r)));
    const { result: outputs, warnings } = captureWarnings(() => {
      rewarded.reset({ seed: 1 });
      return Array.from({ length: 6 }, () => rewarded.step(0)[1]);
    });
    assert.ok(Number.isNaN(outputs[1]) && outputs[3] === Infinity, 'passed on, scaled');
    assert.ok([0, 2, 4, 5].every((i) => Number.isFinite(outputs[i])), String(outputs));
    assert.ok(Number.isFinite(rewarded.returnRms.var[0]) && Number.isFinite(rewarded.returnRms.mean[0]));
    assert.deepEqual(warnings, ['NormalizeReward: a reward holds NaN or an infinity; it is left out of the running statistics (which it would make NaN for good) and passed on as it normalises (warned once)']);

    let observations = 0;
    const observed = new NormalizeObservation(new TransformObservation(make('CartPole-v1'), (o) => (++observations === 3 ? Float32Array.of(NaN, 0, 0, 0) : o)));
    const { result: normalised, warnings: obsWarnings } = captureWarnings(() => {
      const out = [observed.reset({ seed: 1 })[0]];
      for (let t = 0; t < 5; t++) out.push(observed.step(t % 2)[0]);
      return out;
    });
    assert.ok(Number.isNaN(normalised[2]![0]) && normalised[2]!.slice(1).every(Number.isFinite), 'the NaN element alone stays NaN');
    assert.ok([0, 1, 3, 4, 5].every((t) => normalised[t]!.every(Number.isFinite)));
    assert.equal(observed.obsRms.count, 1e-4 + 5, 'five observations counted, the one with NaN left out');
    assert.equal(obsWarnings.length, 1);
    assert.match(obsWarnings[0]!, /^NormalizeObservation: an observation holds NaN or an infinity; it is left out/);
  });

  it('wrappers refuse an env that is no Env and callbacks that are no functions when built, and SyncVectorEnv unknown options (each failed later, far from the cause, or kept a default unseen)', () => {
    assert.throws(() => new TimeLimit(null as never, 5), { message: 'TimeLimit: env must be an Env (reset, step and both spaces; make(id) gives one), got null' });
    assert.throws(() => new ClipAction({} as never), { message: 'ClipAction: env must be an Env (reset, step and both spaces; make(id) gives one), got {}' });
    assert.throws(() => new TransformReward(make('CartPole-v1'), 5 as never), { message: 'TransformReward: func must be a function, got 5' });
    assert.throws(() => new TransformObservation(make('CartPole-v1'), 'x' as never), { message: 'TransformObservation: func must be a function, got "x"' });
    assert.throws(() => new TransformAction(make('CartPole-v1'), null as never), { message: 'TransformAction: func must be a function, got null' });
    assert.throws(() => new VectorRecordEpisodeStatistics(make('CartPole-v1') as never), { message: 'VectorRecordEpisodeStatistics: env must be a vector env (reset, step, numEnvs; makeVec(id, n) gives one), got <TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>>' });
    assert.throws(() => new SyncVectorEnv([() => make('CartPole-v1')], { autoReset: 'same-step' } as never), { message: 'SyncVectorEnv: unknown option "autoReset" (options: copy, autoresetMode)' });
    assert.throws(() => new SyncVectorEnv([() => make('CartPole-v1')], null as never), { message: 'SyncVectorEnv: options must be an object {copy?, autoresetMode?}, got null' });
  });

  it('RunningMeanStd refuses a bad size, epsilon, sample length or batch count (it made statistics of another length, or a RangeError)', () => {
    assert.throws(() => new RunningMeanStd(-1), { message: 'RunningMeanStd: size must be an integer >= 0, got -1' });
    assert.throws(() => new RunningMeanStd([2] as unknown as number), { message: 'RunningMeanStd: size must be an integer >= 0, got [2]' });
    assert.throws(() => new RunningMeanStd(2, NaN), { message: 'RunningMeanStd: epsilon must be a finite number >= 0, got NaN' });
    const rms = new RunningMeanStd(2);
    assert.throws(() => rms.updateOne([1]), { message: 'RunningMeanStd.updateOne: a sample has 2 values, got 1' });
    assert.throws(() => rms.update([1, 2, 3], 2), { message: 'RunningMeanStd.update: 2 samples of 2 need 4 values, got 3' });
    assert.throws(() => rms.update([1, 2], 1.5), { message: 'RunningMeanStd.update: batchCount must be an integer >= 0, got 1.5' });
    assert.equal(rms.update([1, 2, NaN, 4, 5, 6], 3), 1, 'one sample left out');
    const reference = new RunningMeanStd(2);
    reference.update([1, 2, 5, 6], 2);
    assert.deepEqual(rms.stats(), reference.stats());
  });

  it('FlattenObservation flattens Dict observations', () => {
    class DictEnv extends Env<{ a: number; b: Int32Array }, number> {
      observationSpace = new Dict({ a: new Discrete(3), b: new MultiDiscrete([2]) });
      actionSpace = new Discrete(1);
      reset(): ResetResult<{ a: number; b: Int32Array }> {
        return [{ a: 2, b: Int32Array.of(1) }, {}];
      }
      step(): StepResult<{ a: number; b: Int32Array }> {
        return [{ a: 0, b: Int32Array.of(0) }, 0, true, false, {}];
      }
    }
    const env = new FlattenObservation(new DictEnv());
    assert.deepEqual(Array.from(env.reset()[0]), [0, 0, 1, 0, 1]);
    assert.deepEqual(Array.from(env.step(0)[0]), [1, 0, 0, 1, 0]);
    assert.equal(env.observationSpace.toString(), 'Box(0, 1, [5], float32)');
  });

  it("a wrapper's unwrapped is typed by the env it wraps, as Gymnasium's Wrapper.unwrapped, not by the wrapper's own types (tsc checks the assignments)", () => {
    const flat = new FlattenObservation(make('BDT-v0'));
    const [obs] = flat.unwrapped.reset({ seed: 1 });
    const queues: Float32Array = obs.H; // the Dict observation of BDT-v0, not the flattened Float32Array
    // @ts-expect-error the innermost env's observation is not the wrapper's flat one
    const flattened: BoxElement = obs;
    assert.ok(!(flattened instanceof Float32Array) && queues instanceof Float32Array);
    // and the wrapper is still an Env of its own types, so it wraps and is wrapped as one
    const asEnv: Env<BoxElement, BdtAction> = flat;
    const normalized = new NormalizeObservation(flat);
    assert.ok(normalized.reset({ seed: 1 })[0] instanceof Float32Array && asEnv.unwrapped === flat.unwrapped);
    normalized.close();
  });

  it('ClipAction clips into the bounds and rejects NaN naming the space', () => {
    const inner = new EchoEnv();
    const env = new ClipAction(inner);
    env.reset();
    env.step(Float64Array.of(-5, 100));
    assert.deepEqual(inner.received[0], [-2, 4]);
    assert.throws(() => env.step(Float64Array.of(NaN, 0)), (e: Error) => e instanceof InvalidActionError && /^ClipAction\.step: invalid action: element \[0\] is NaN \(action .*; action space Box\(-Infinity, Infinity, \[2\], float64\)\)$/.test(e.message));
    assert.throws(() => env.step(Float64Array.of(0)), /length 2, got length 1/);
  });

  it('RescaleAction maps [-1, 1] onto the inner bounds and rejects out-of-space actions', () => {
    const inner = new EchoEnv();
    const env = new RescaleAction(inner, -1, 1);
    env.reset();
    env.step(Float64Array.of(-1, 1));
    env.step(Float64Array.of(0, 0));
    assert.deepEqual(inner.received, [[-2, 4], [0, 2]]);
    assert.throws(() => env.step(Float64Array.of(1.5, 0)), /RescaleAction\.step: invalid action: element \[0\] = 1\.5 is outside \[-1, 1\] \(action Float64Array\(2\) \[1\.5, 0\]/);
    assert.throws(() => new RescaleAction(inner, 1, 1), /must be < maxAction/);
  });

  it('RescaleAction maps onto, and from, float64 ranges wider than the largest double (a width or product of Infinity gave NaN or a bound)', () => {
    const wideInner = new RecordingEnv(new Box<Float64Array>(-1e308, 1e308, { shape: [1], dtype: 'float64' }));
    const wide = new RescaleAction(wideInner as Env<number, BoxElement>, -1, 1);
    const sent = (env: RescaleAction<unknown>, inner: RecordingEnv, a: number) => {
      env.step(Float64Array.of(a));
      return (inner.last as Float64Array)[0]!;
    };
    assert.deepEqual([-1, -0.5, 0, 0.5, 1].map((a) => sent(wide, wideInner, a)), [-1e308, -5e307, 0, 5e307, 1e308]);
    // the outer range that wide: (a - min) / (max - min) was 0 or NaN
    const echo = new EchoEnv(10);
    const fromWide = new RescaleAction(echo, -1e308, 1e308);
    echo.reset();
    fromWide.step(Float64Array.of(-1e308, 1e308));
    fromWide.step(Float64Array.of(0, 5e307));
    assert.deepEqual(echo.received, [[-2, 4], [0, 3]]);
    // finite widths whose product passes the largest double: (high - low) (a - min) was Infinity, clipped to high
    const tallInner = new RecordingEnv(new Box<Float64Array>(0, 1e308, { shape: [1], dtype: 'float64' }));
    const tenth = sent(new RescaleAction(tallInner as Env<number, BoxElement>, 0, 100), tallInner, 10);
    assert.ok(Math.abs(tenth - 1e307) <= 1e307 * 1e-15, `${tenth}`);
  });

  it('RescaleAction refuses an infinite minAction or maxAction (every action became NaN, refused by the inner env)', () => {
    const inner = new EchoEnv();
    const refused = (name: string, bound: number) => (e: unknown) =>
      e instanceof InvalidArgumentError && e.message === `RescaleAction: ${name}[1] = ${bound} must be finite, to be mapped onto ${inner.actionSpace.toString()}`;
    assert.throws(() => new RescaleAction(inner, [-1, -Infinity], 1), refused('minAction', -Infinity));
    assert.throws(() => new RescaleAction(inner, -1, [1, Infinity]), refused('maxAction', Infinity));
  });

  it('TransformObservation, TransformAction and TransformReward apply their functions, with the given spaces', () => {
    const inner = new EchoEnv(5);
    const halfSpace = new Box<Float64Array>(-5, 5, { shape: [2], dtype: 'float64' });
    const unitSpace = new Box<Float64Array>(0, 1, { shape: [2], dtype: 'float64' });
    const observed = new TransformObservation(inner, (obs: Float64Array) => obs.map((x) => x / 2), halfSpace);
    const acted = new TransformAction(observed, (a: Float64Array) => Float64Array.of(a[0]! * 2 - 1, a[1]! * 4), unitSpace);
    const env = new TransformReward(acted, (r) => -r);
    assert.equal(env.observationSpace, halfSpace);
    assert.equal(env.actionSpace, unitSpace);
    const [obs0] = env.reset({ seed: 1 });
    const [raw0] = new EchoEnv().reset({ seed: 1 });
    assert.deepEqual([...obs0], [...raw0].map((x) => x / 2));
    const [obs, reward] = env.step(Float64Array.of(0.75, 0.5));
    assert.deepEqual(inner.received, [[0.5, 2]]);
    assert.deepEqual([...obs], [0.25, 1]);
    assert.equal(reward, -2);
    assert.equal(new TransformObservation(inner, (o: Float64Array) => o).observationSpace, inner.observationSpace, 'space kept when not given');
  });

  it('ClipReward clips into its bounds, one side open when a bound is omitted', () => {
    const step = (env: Env<Float64Array, BoxElement>) => (env.reset(), env.step(Float64Array.of(0, 0))[1]);
    assert.equal(step(new ClipReward(new EchoEnv(), -1, 1)), 1);
    assert.equal(step(new ClipReward(new EchoEnv(), 3)), 3);
    assert.equal(step(new ClipReward(new EchoEnv(), undefined, 5)), 2);
    assert.throws(() => new ClipReward(new EchoEnv()), /give minReward, maxReward or both/);
    assert.throws(() => new ClipReward(new EchoEnv(), 2, 1), /minReward = 2 must be <= maxReward = 1/);
    assert.throws(() => new ClipReward(new EchoEnv(), NaN, 1), GymError);
  });

  it('getWrapperAttr, setWrapperAttr and hasWrapperAttr reach through the wrappers, as Gymnasium', () => {
    const inner = new EchoEnv(4);
    const env = new ClipReward(new RecordEpisodeStatistics(inner), -1, 1);
    assert.equal(env.getWrapperAttr('minReward'), -1, 'the outer wrapper own attribute');
    assert.deepEqual(env.getWrapperAttr('received'), [], 'the inner env attribute');
    assert.ok(env.hasWrapperAttr('received') && !env.hasWrapperAttr('nothing'));
    assert.throws(() => env.getWrapperAttr('nothing'), /has no attribute "nothing"/);
    env.setWrapperAttr('received', [[9]]);
    assert.deepEqual(inner.received, [[9]], 'set where it lives');
    assert.throws(() => env.setWrapperAttr('nothing', 1, { force: false }), /no attribute "nothing" to set/);
    env.setWrapperAttr('nothing', 1);
    assert.equal((env as unknown as { nothing: number }).nothing, 1, 'forced onto the outermost wrapper');
    assert.ok(!inner.hasWrapperAttr('nothing'));
    const made = make('CartPole-v1');
    made.reset({ seed: 7 });
    assert.equal(made.getWrapperAttr('npRandom'), made.unwrapped.getWrapperAttr('npRandom'), "a wrapper's generator is its env's (Gymnasium's Wrapper.np_random)");
    assert.equal(made.getWrapperAttr('seedValue'), 7);
  });

  it("npRandomSeed is Gymnasium's np_random_seed: the last seeded reset's seed, else the entropy seed of the generator, -1 once a generator of unknown seed is assigned; read-only, a wrapper's its inner env's", () => {
    const env = make('CartPole-v1');
    const drawn = env.npRandomSeed;
    assert.ok(Number.isSafeInteger(drawn) && drawn >= 0, `drawn from entropy: ${drawn}`);
    assert.equal(env.unwrapped.npRandomSeed, drawn, "a wrapper's is its inner env's");
    const [unseeded] = env.reset();
    assert.equal(env.npRandomSeed, drawn, 'an unseeded reset keeps it');
    assert.deepEqual(env.reset({ seed: drawn })[0], unseeded, 'it is the seed of the generator the unseeded reset drew from');
    env.reset({ seed: 7 });
    env.reset();
    assert.deepEqual([env.npRandomSeed, env.unwrapped.npRandomSeed], [7, 7], 'the seed of the last reset given one');
    assert.throws(() => env.setWrapperAttr('npRandomSeed', 3), (e: unknown) => e instanceof AttributeRefusedError && /"npRandomSeed" is read-only/.test(e.message));
    assert.notEqual(new EchoEnv().npRandomSeed, new EchoEnv().npRandomSeed, 'each env draws its own');

    /** Assigns a generator of unknown seed, as Gymnasium's `env.np_random = rng` (through a wrapper: to the inner env). */
    class Assigning extends Wrapper<Float64Array, BoxElement> {
      assign(): void {
        this.npRandom = makeRng('some stream');
      }
      seedThroughWrapper(seed: number): void {
        this.seedStreams(seed);
      }
    }
    const inner = new EchoEnv();
    const wrapper = new Assigning(inner);
    wrapper.seedThroughWrapper(11);
    assert.deepEqual([wrapper.npRandomSeed, inner.npRandomSeed], [11, 11], "a wrapper's seedStreams seeds its inner env");
    wrapper.assign();
    assert.deepEqual([wrapper.npRandomSeed, inner.npRandomSeed], [-1, -1]);
    inner.reset({ seed: 5 });
    assert.equal(wrapper.npRandomSeed, 5, 'a seeded reset records its seed again');
  });

  it("a wrapper's renderMode is its inner env's, read at each call, and read-only as Gymnasium's Wrapper.render_mode: setWrapperAttr refuses it on a wrapper", () => {
    const env = make('CartPole-v1');
    assert.equal(env.renderMode, undefined);
    env.unwrapped.renderMode = 'ansi';
    assert.equal(env.renderMode, 'ansi', 'a mode set below shows through every wrapper');
    assert.ok(env instanceof Wrapper && env.env.renderMode === 'ansi');
    assert.throws(
      () => env.setWrapperAttr('renderMode', undefined),
      (e: unknown) => e instanceof AttributeRefusedError && e.message === '<TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>>.setWrapperAttr("renderMode"): "renderMode" is read-only: Wrapper has a getter for it and no setter',
    );
    assert.equal(env.renderMode, 'ansi', 'the refused set changed nothing');
    env.reset({ seed: 0 });
    assert.match(env.render() as string, /^\|.*\| x=/);
  });

  it('setWrapperAttr refuses __proto__, constructor, prototype, methods and getters without a setter, naming the env and why, and sets nothing', () => {
    const inner = new EchoEnv(4);
    const env = new ClipReward(new RecordEpisodeStatistics(inner), -1, 1);
    const refused = (name: string, why: RegExp) => (e: unknown) => e instanceof AttributeRefusedError && e.message.startsWith(`<ClipReward<RecordEpisodeStatistics<EchoEnv>>>.setWrapperAttr("${name}"): "${name}" is `) && why.test(e.message);
    assert.throws(() => env.setWrapperAttr('__proto__', null), refused('__proto__', /reserved; setting it would replace the env's prototype or class link$/));
    assert.throws(() => env.setWrapperAttr('constructor', 1), refused('constructor', /reserved/));
    assert.throws(() => env.setWrapperAttr('prototype', 1), refused('prototype', /reserved/));
    assert.throws(() => env.setWrapperAttr('step', 5), refused('step', /a method of RewardWrapper; a value would replace it$/));
    assert.throws(() => env.setWrapperAttr('unwrapped', 5), refused('unwrapped', /read-only: Wrapper has a getter for it and no setter$/));
    assert.throws(() => env.setWrapperAttr('close', 5, { force: false }), refused('close', /a method of Wrapper/));
    assert.throws(() => inner.setWrapperAttr('reset', 5), /^AttributeRefusedError: <EchoEnv>\.setWrapperAttr\("reset"\): "reset" is a method of EchoEnv/);
    env.reset({ seed: 1 });
    assert.deepEqual(env.step(Float64Array.of(0, 1))[1], 1, 'the env still steps');
    env.close();
    const callback = (action: BoxElement) => action;
    const transform = new TransformAction(inner, (action: BoxElement) => action);
    transform.setWrapperAttr('func', callback);
    assert.equal(transform.getWrapperAttr('func'), callback, "an own function-valued field (a callback) is data, set as Gymnasium's set_wrapper_attr sets it");
  });
});
