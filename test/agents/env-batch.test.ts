/**
 * EnvBatch over any next-step vector env: the native BdtVectorEnv gives the learners the rows,
 * rewards, autoreset flags and episodes of a SyncVectorEnv of BdtEnvs, so PPO trains bit for bit
 * the same on it; `trainRun` uses it for the B-DT ids.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../agents/backend.ts';
import { readManifest } from '../../agents/checkpoint/checkpoint.ts';
import { scenarioOf } from '../../agents/checkpoint/trained-scenario.ts';
import { EnvBatch, type EnvSource } from '../../agents/env-batch.ts';
import type { MetricRecord } from '../../agents/metrics.ts';
import { ObservationEncoder } from '../../agents/nn/observation-encoder.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { trainRun } from '../../agents/run/train-run.ts';
import { BdtVectorEnv } from '../../env/bdt/bdt-vector-env.ts';
import { readBatchItem, writeBatchItem } from '../../env/vector/batch.ts';
import { Box, createBatch, Dict, Discrete, Env, flatten, GymError, make, makeVec, MultiBinary, SpaceError, SyncVectorEnv, Tuple, type Space, type StepResult, type VectorEnv } from '../../env/index.ts';

/** The fields of an EnvBatch after a reset or step, copied. */
function snapshot(batch: EnvBatch) {
  return {
    obs: Array.from(batch.obs),
    rewards: Array.from(batch.rewards),
    terminated: Array.from(batch.terminated),
    truncated: Array.from(batch.truncated),
    autoreset: Array.from(batch.autoreset),
    finished: batch.finished.map((e) => ({ ...e })),
  };
}

/**
 * Dict observations of Boxes of different sizes (float64 values that float32 rounds), each
 * depending on the env, the step and the key; with `discrete`, a Discrete key too. Episodes of 5 steps.
 */
interface DictObservation {
  wide: Float64Array;
  one: Float32Array;
  mid: Float32Array;
  pick?: number;
}

class DictEnv extends Env<DictObservation, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace: Space<DictObservation>;
  private readonly index: number;
  private readonly discrete: boolean;
  private t = 0;

  constructor(index: number, discrete: boolean) {
    super();
    this.index = index;
    this.discrete = discrete;
    const boxes = { wide: new Box<Float64Array>(-1e6, 1e6, { shape: [2, 3], dtype: 'float64' }), one: new Box(-1, 1, { shape: [1] }), mid: new Box(-10, 10, { shape: [4] }) };
    this.observationSpace = (discrete ? new Dict({ ...boxes, pick: new Discrete(3) }) : new Dict(boxes)) as Space<DictObservation>;
  }

  observation(): DictObservation {
    const base = (this.index + 1) * 0.1 + this.t * 0.01;
    const obs: DictObservation = {
      wide: Float64Array.from({ length: 6 }, (_, i) => ((base + i) / 3) * 1e3),
      one: Float32Array.of(Math.sin(base)),
      mid: Float32Array.from({ length: 4 }, (_, i) => Math.cos(base * (i + 1)) * 9),
    };
    if (this.discrete) obs.pick = (this.index + this.t) % 3;
    return obs;
  }

  reset(): [DictObservation, Record<string, unknown>] {
    this.t = 0;
    return [this.observation(), {}];
  }

  step(): StepResult<DictObservation> {
    this.t += 1;
    return [this.observation(), 1, false, this.t >= 5, {}];
  }
}

describe('EnvBatch', () => {
  it('reads a Dict of Boxes of different sizes key by key as flatten lays it out, and a Dict with a non-Box key through the generic flatten', () => {
    const n = 3;
    for (const discrete of [false, true]) {
      const envs = new SyncVectorEnv(Array.from({ length: n }, (_, e) => () => new DictEnv(e, discrete)), { copy: false });
      const space = envs.singleObservationSpace;
      let lastBatch: unknown;
      const step = envs.step.bind(envs);
      envs.step = (actions) => {
        const result = step(actions);
        lastBatch = result[0];
        return result;
      };
      const batch = new EnvBatch(envs, new ObservationEncoder(space, false));
      const dim = batch.encoder.dim;
      assert.equal(dim, discrete ? 14 : 11);
      batch.reset(1);
      // the layout itself: keys in the Dict's order, each row env e's own values (float32-rounded)
      for (let e = 0; e < n; e++) {
        const own = new DictEnv(e, discrete).reset()[0];
        const expected = [...Float32Array.from(own.wide), ...own.one, ...own.mid, ...(discrete ? [0, 1, 2].map((k) => (k === own.pick ? 1 : 0)) : [])];
        assert.deepEqual(Array.from(batch.obs.subarray(e * dim, (e + 1) * dim)), expected, `discrete ${discrete}, env ${e} after reset`);
      }
      for (let t = 0; t < 12; t++) {
        batch.step([0, 1, 0]);
        for (let e = 0; e < n; e++) {
          const generic: Float32Array = flatten(space, readBatchItem(space, lastBatch, e), new Float32Array(dim));
          assert.deepEqual(batch.obs.subarray(e * dim, (e + 1) * dim), generic, `discrete ${discrete}, step ${t}, env ${e}`);
        }
      }
      assert.deepEqual(Array.from(batch.autoreset), [1, 1, 1], 'the autoreset step after the second episode was compared too');
      batch.close();
    }
  });

  it('copies a Box, and Boxes and MultiBinaries nested in Tuples and Dicts, as the generic flatten of the same batch', () => {
    const n = 3;
    const spaces: Space<unknown>[] = [
      new Box(-5, 5, { shape: [2, 2] }),
      new Tuple([new Dict({ b: new Box(-1e6, 1e6, { shape: [3], dtype: 'float64' }), a: new MultiBinary(2) }), new Box(-1, 1, { shape: [1] })]),
    ];
    for (const space of spaces) {
      space.seed(2);
      const batch = createBatch(space, n);
      const items = Array.from({ length: n }, () => space.sample());
      const fake = { autoresetMode: 'next-step', numEnvs: n, singleObservationSpace: space, singleActionSpace: new Discrete(2), reset: () => [batch, {}], close: () => {} } as unknown as VectorEnv;
      const envBatch = new EnvBatch(fake, new ObservationEncoder(space, false));
      const dim = envBatch.encoder.dim;
      items.forEach((item, e) => writeBatchItem(space, batch, e, item));
      envBatch.reset(0);
      for (let e = 0; e < n; e++) {
        const generic: Float32Array = flatten(space, readBatchItem(space, batch, e), new Float32Array(dim));
        assert.deepEqual(envBatch.obs.subarray(e * dim, (e + 1) * dim), generic, `${space.toString()}, env ${e}`);
      }
    }
  });

  it('leaves a Dict batch whose Box key is not a typed array of E rows to the generic path and its error', () => {
    const space = new DictEnv(0, false).observationSpace;
    const column = (length: number) => new Float32Array(length);
    const fakeVectorEnv = (obs: unknown) =>
      ({ autoresetMode: 'next-step', numEnvs: 2, singleObservationSpace: space, singleActionSpace: new Discrete(2), reset: () => [obs, {}], close: () => {} }) as unknown as VectorEnv;
    const short = new EnvBatch(fakeVectorEnv({ wide: new Float64Array(12), one: column(2), mid: column(7) }), new ObservationEncoder(space, false));
    assert.throws(() => short.reset(0), (e: Error) => e instanceof SpaceError && e.message.includes('.mid') && e.message.includes('does not have 4 elements'));
    const plain = new EnvBatch(fakeVectorEnv({ wide: new Float64Array(12), one: [0, 0], mid: column(8) }), new ObservationEncoder(space, false));
    assert.throws(() => plain.reset(0), (e: Error) => e instanceof GymError && e.message.includes('must be a typed array, got Array'));
  });

  it('over makeVec(BDT-v0) (BdtVectorEnv) gives the rows, rewards, autoresets and episodes of a SyncVectorEnv of make(BDT-v0) envs', () => {
    const n = 3;
    const kwargs = { scenario: { slots: 40 } };
    const nativeEnv = makeVec('BDT-v0', n, { kwargs, copy: false });
    assert.ok(nativeEnv instanceof BdtVectorEnv);
    const referenceEnv = new SyncVectorEnv(Array.from({ length: n }, () => () => make('BDT-v0', kwargs)), { copy: false });
    const native = new EnvBatch(nativeEnv, new ObservationEncoder(nativeEnv.singleObservationSpace, false));
    const reference = new EnvBatch(referenceEnv, new ObservationEncoder(referenceEnv.singleObservationSpace, false));
    native.reset(7);
    reference.reset(7);
    assert.deepEqual(snapshot(native), snapshot(reference));
    const actionSpace = nativeEnv.singleActionSpace;
    actionSpace.seed(3);
    let episodes = 0;
    for (let t = 0; t < 300; t++) {
      const actions = Array.from({ length: n }, () => actionSpace.sample());
      native.step(actions);
      reference.step(actions);
      assert.deepEqual(snapshot(native), snapshot(reference), `step ${t}`);
      episodes += native.finished.length;
    }
    assert.equal(episodes, n * 7, 'every env finished its 40-slot episodes, so autoresets were compared too');
    native.close();
    reference.close();
  });

  it('refuses a vector env without next-step autoreset', () => {
    for (const autoresetMode of ['same-step', 'disabled'] as const) {
      const envs = makeVec('CartPole-v1', 2, { vectorizationMode: 'sync', autoresetMode });
      assert.throws(() => new EnvBatch(envs, new ObservationEncoder(envs.singleObservationSpace, false)), (e: Error) => e instanceof GymError && e.message.includes(`has autoresetMode '${autoresetMode}'; the learners need 'next-step'`));
      envs.close();
    }
  });
});

describe('PPO on the native BdtVectorEnv', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-env-batch-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const hp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 30, numMinibatches: 2, updateEpochs: 2, hidden: [16], normObs: true, normReward: true, totalTimesteps: 240 });

  it('trains exactly as on per-env make() envs: same metrics and parameters', () => {
    const kwargs = { scenario: { slots: 25 } };
    const train = (envs: EnvSource) => {
      const trainer = new PpoTrainer({ hp, seed: 4, ...envs });
      const records: MetricRecord[] = [];
      const subscription = trainer.metrics$.subscribe((r) => records.push(r));
      for (let i = 0; i < 4; i++) trainer.iterate();
      subscription.unsubscribe();
      const parameters = trainer.policy.variables.map((v) => Array.from(v.dataSync()));
      trainer.dispose();
      const withoutWallClock = (r: MetricRecord) => JSON.stringify({ step: r.step, ...Object.fromEntries(Object.entries(r.metrics).filter(([tag]) => tag !== 'charts/SPS')) });
      return { parameters, records: records.map(withoutWallClock) };
    };
    const native = train({ makeVectorEnv: (n) => makeVec('BDT-small-v0', n, { kwargs, copy: false }) });
    const perEnv = train({ makeEnv: () => make('BDT-small-v0', kwargs) });
    assert.ok(native.records.some((r) => r.includes('charts/episodic_return')), 'episodes finished');
    assert.deepEqual(native.records, perEnv.records);
    assert.deepEqual(native.parameters, perEnv.parameters);
  });

  it('refuses a makeVectorEnv that builds another number of envs', () => {
    assert.throws(() => new PpoTrainer({ hp, seed: 1, makeVectorEnv: () => makeVec('BDT-small-v0', 3) }), (e: Error) => e instanceof GymError && /makeVectorEnv\(2\) built a vector env of 3 envs/.test(e.message));
  });

  it('trainRun steps PPO on BDT-v0 through BdtVectorEnv', async () => {
    const steps: VectorEnv[] = [];
    const step = BdtVectorEnv.prototype.step;
    BdtVectorEnv.prototype.step = function (this: BdtVectorEnv, actions) {
      steps.push(this);
      return step.call(this, actions);
    };
    try {
      const summary = await trainRun({ agent: 'ppo', envId: 'BDT-v0', steps: 120, seed: 1, outDir: join(dir, 'ppo'), backend: 'wasm', evalEpisodes: 1, hyperparameters: { numEnvs: 2, numSteps: 30, numMinibatches: 1, updateEpochs: 1, hidden: [8] } });
      assert.equal(summary.steps, 120);
    } finally {
      BdtVectorEnv.prototype.step = step;
    }
    assert.deepEqual(readManifest(join(dir, 'ppo', 'checkpoint')).scenario, scenarioOf(make('BDT-v0')), 'the checkpoint records the scenario trained on');
    assert.equal(steps.length, 60, 'one BdtVectorEnv step per vector step of training');
    assert.equal(new Set(steps).size, 1);
    assert.equal(steps[0]!.numEnvs, 2);
  });
});
