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
import { GymError, make, makeVec, SyncVectorEnv, type VectorEnv } from '../../env/index.ts';

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

describe('EnvBatch', () => {
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
      const envs = makeVec('CartPole-v1', 2, { autoresetMode });
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
