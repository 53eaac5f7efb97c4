import assert from 'node:assert/strict';
import { Box, BoxAction, captureWarnings, checkEnv, Dict, Discrete, InvalidActionError, make, MultiDiscrete, type BdtAction, type BdtEnv } from '../../env/index.ts';
import { RecordingEnv } from './recording-env.ts';

describe('env/wrappers/BoxAction', () => {
  it('maps [0, 1]^n onto the Dict key by key: level start + min(floor(u L), L - 1) of a discrete part, low + u (high - low) of a Box part', () => {
    const inner = new RecordingEnv(new Dict({ partition: new MultiDiscrete([3, 2]), pick: new Discrete(4, 1), share: new Box<Float64Array>([0, -1], [1, 1], { dtype: 'float64' }) }));
    const env = new BoxAction(inner);
    assert.equal(env.actionSpace.toString(), new Box(0, 1, { shape: [5] }).toString());
    env.step(Float32Array.of(0, 1, 0.5, 1, 0.25));
    const sent = inner.last as { partition: Int32Array; pick: number; share: Float64Array };
    assert.deepEqual(Object.keys(sent), ['partition', 'pick', 'share'], 'the Dict keys, in order');
    assert.deepEqual(Array.from(sent.partition), [0, 1], 'u = 0 the first level, u = 1 the last');
    assert.equal(sent.pick, 3, 'start 1 + floor(0.5 * 4)');
    assert.ok(sent.share instanceof Float64Array);
    assert.deepEqual(Array.from(sent.share), [1, -0.5]);
  });

  it('maps onto a float64 Box wider than the largest double (-1e308 to 1e308) by mixing the bounds, as Box.sample (high - low is Infinity: NaN and Infinity)', () => {
    const inner = new RecordingEnv(new Dict({ x: new Box<Float64Array>(-1e308, 1e308, { shape: [1], dtype: 'float64' }) }));
    const env = new BoxAction(inner, 'float64');
    const sent = (u: number) => {
      env.step(Float64Array.of(u));
      return (inner.last as { x: Float64Array }).x[0]!;
    };
    assert.equal(sent(0), -1e308);
    assert.equal(sent(0.5), 0);
    assert.equal(sent(1), 1e308);
    assert.equal(sent(0.25), -1e308 * 0.75 + 1e308 * 0.25);
  });

  it("gives the B-DT env valid actions: each DT's partition from its u, the shares as they are; checkEnv passes", () => {
    const env = new BoxAction(make('BDT-small-v0'));
    const bdt = env.unwrapped as unknown as BdtEnv;
    const { N, M, J } = bdt.system;
    assert.deepEqual(env.actionSpace.shape, [N + M + J]);
    const { warnings } = captureWarnings(() => checkEnv(env));
    assert.ok(warnings.every((w) => w.includes('wrappers may affect the checks')), warnings.join('\n'));
    env.reset({ seed: 1 });
    env.actionSpace.seed(2);
    for (let t = 0; t < 20; t++) {
      const flat = env.actionSpace.sample();
      const action = env.action(flat) as unknown as BdtAction;
      assert.ok(bdt.actionSpace.contains(action), `step ${t}: ${bdt.actionSpace.explain(action)}`);
      for (let n = 0; n < N; n++) assert.equal(action.partition[n], Math.min(Math.floor(flat[n]! * bdt.system.unitCount[n]!), bdt.system.unitCount[n]! - 1));
      assert.deepEqual(Array.from(action.miningShare), Array.from(flat.subarray(N + M)));
      env.step(flat);
    }
  });

  it('refuses a flat action outside [0, 1], NaN or of another dtype, naming the element; and spaces it cannot flatten', () => {
    const env = new BoxAction(new RecordingEnv(new Dict({ partition: new MultiDiscrete([3]), share: new Box(0, 1, { shape: [1] }) })));
    assert.throws(() => env.step(Float32Array.of(0.5, 1.5)), (e: unknown) => e instanceof InvalidActionError && /^BoxAction\.step: invalid action: element \[1\] = 1\.5 is outside \[0, 1\] \(action /.test(e.message));
    assert.throws(() => env.step(Float32Array.of(NaN, 0)), (e: unknown) => e instanceof InvalidActionError && /element \[0\] is NaN/.test(e.message));
    assert.throws(() => env.step(Float64Array.of(0, 0)), (e: unknown) => e instanceof InvalidActionError && /Float32Array/.test(e.message));
    assert.ok(new BoxAction(new RecordingEnv(new Dict({ a: new Discrete(2) })), 'float64').actionSpace.contains(Float64Array.of(0.3)), 'dtype float64 on request');
    assert.throws(() => new BoxAction(new RecordingEnv(new Discrete(3))), /BoxAction: the action space is Discrete\(3\); it must be a Dict/);
    assert.throws(() => new BoxAction(new RecordingEnv(new Dict({ speed: new Box(0, Infinity, { shape: [1] }) }))), /BoxAction: the action space's key "speed" is Box\(.*\); only Discrete, MultiDiscrete and bounded Box keys/);
  });
});
