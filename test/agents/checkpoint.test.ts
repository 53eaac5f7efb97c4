import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { make } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { CheckpointError, loadCheckpoint } from '../../agents/checkpoint/checkpoint.ts';
import { directoryHandler } from '../../agents/checkpoint/directory-handler.ts';
import { saveDqnCheckpoint, loadDqnRun } from '../../agents/dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { DqnAgent, loadPolicyAgent, PpoAgent } from '../../agents/policy-agent.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { loadPpoRun, savePpoCheckpoint } from '../../agents/ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';

const ppoHp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 2, normObs: true, hidden: [16, 16], totalTimesteps: 256 });
const dqnHp = DqnHyperparametersSchema.parse({ hidden: [16], bufferSize: 500, learningStarts: 32, batchSize: 16, trainFrequency: 4, gradientSteps: 2, targetNetworkFrequency: 20, totalTimesteps: 400, dueling: true });

/** Observations from a seeded CartPole episode, to compare agents on. */
function probeObservations(n: number): Float32Array[] {
  const env = make('CartPole-v1');
  env.actionSpace.seed(5);
  let [obs] = env.reset({ seed: 5 });
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    out.push(obs as Float32Array);
    const [next, , terminated, truncated] = env.step(env.actionSpace.sample());
    obs = terminated || truncated ? env.reset()[0] : next;
  }
  env.close();
  return out;
}

describe('agents/checkpoint', () => {
  let dir: string;
  before(async () => {
    await initBackend('wasm');
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function savedPpo(): Promise<{ trainer: PpoTrainer; path: string }> {
    const trainer = new PpoTrainer({ hp: ppoHp, seed: 3, makeEnv: () => make('CartPole-v1') });
    trainer.iterate();
    trainer.iterate();
    const path = join(dir, 'ppo');
    await savePpoCheckpoint(path, trainer, 'CartPole-v1', 3);
    return { trainer, path };
  }

  it('PPO round trip: the reloaded policy takes the same actions, normalisation included', async () => {
    const { trainer, path } = await savedPpo();
    const live = new PpoAgent(trainer.policy);
    const env = make('CartPole-v1');
    const loaded = await loadPolicyAgent(path, env);
    assert.ok(loaded instanceof PpoAgent);
    const observations = probeObservations(200);
    let differentFromFresh = 0;
    const fresh = new PpoTrainer({ hp: { ...ppoHp, normObs: false }, seed: 99, makeEnv: () => make('CartPole-v1') });
    const freshAgent = new PpoAgent(fresh.policy);
    for (const obs of observations) {
      assert.equal(loaded.act(obs), live.act(obs));
      if (freshAgent.act(obs) !== live.act(obs)) differentFromFresh++;
    }
    assert.ok(differentFromFresh > 0, 'the comparison must be able to fail: a fresh policy acts differently');
    loaded.dispose();
    fresh.dispose();
    trainer.dispose();
    env.close();
  });

  it('networks load with tf.loadLayersModel through the directory handler', async () => {
    const { trainer, path } = await savedPpo();
    const model = await tf.loadLayersModel(directoryHandler(join(path, 'actor')));
    const x = tf.tensor2d([[0.1, -0.2, 0.03, 0.4]]);
    const viaLayers = (model.predict(x) as tf.Tensor).dataSync();
    const viaStack = tf.tidy(() => trainer.policy.actor.apply(x).dataSync());
    viaLayers.forEach((v, i) => assert.ok(Math.abs(v - viaStack[i]!) < 1e-5));
    tf.dispose([x]);
    model.dispose();
    trainer.dispose();
  });

  it('PPO resume continues counters, optimiser and random stream', async () => {
    const { trainer, path } = await savedPpo();
    const env = make('CartPole-v1');
    const run = await loadPpoRun(path, env.observationSpace, env.actionSpace);
    assert.deepEqual(run.restore.counters, { globalStep: 64, iteration: 2, resumes: 0 });
    assert.deepEqual(run.restore.optimizerState.m, trainer.optimizer.getState().m);
    const resumed = new PpoTrainer({ hp: run.hp, seed: run.seed, makeEnv: () => make('CartPole-v1'), restore: run.restore });
    assert.equal(resumed.counters.resumes, 1);
    assert.equal(resumed.rng(), trainer.rng());
    resumed.iterate();
    assert.equal(resumed.counters.globalStep, 96);
    resumed.dispose();
    trainer.dispose();
    env.close();
  });

  it('DQN round trip and resume', async () => {
    const trainer = new DqnTrainer({ hp: dqnHp, seed: 4, makeEnv: () => make('CartPole-v1') });
    await trainer.train(200);
    const path = join(dir, 'dqn');
    const env = make('CartPole-v1');
    await saveDqnCheckpoint(path, trainer, 'CartPole-v1', 4, env.actionSpace);
    const live = new DqnAgent({ qNetwork: trainer.qNetwork, encoder: trainer.encoder, layout: trainer.layout, toEnvAction: (a) => a });
    const loaded = await loadPolicyAgent(path, env);
    assert.ok(loaded instanceof DqnAgent);
    for (const obs of probeObservations(100)) assert.equal(loaded.act(obs), live.act(obs));
    const run = await loadDqnRun(path, env);
    assert.equal(run.restore.counters.globalStep, 200);
    assert.ok(run.restore.counters.gradientSteps > 0);
    run.restore.qNetwork.dispose();
    run.restore.targetNetwork.dispose();
    loaded.dispose();
    trainer.dispose();
    env.close();
  });

  describe('corrupted or mismatched checkpoints fail clearly', () => {
    it('a missing directory', async () => {
      await assert.rejects(loadCheckpoint(join(dir, 'nope')), /does not exist/);
    });

    it('a manifest that is not JSON', async () => {
      const { trainer, path } = await savedPpo();
      writeFileSync(join(path, 'manifest.json'), '{ not json');
      await assert.rejects(loadCheckpoint(path), (e: Error) => e instanceof CheckpointError && /manifest .*manifest\.json is not valid JSON/.test(e.message));
      trainer.dispose();
    });

    it('a manifest with a wrong field names the field', async () => {
      const { trainer, path } = await savedPpo();
      const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
      manifest.algo = 'sac';
      writeFileSync(join(path, 'manifest.json'), JSON.stringify(manifest));
      await assert.rejects(loadCheckpoint(path), /invalid at algo/);
      trainer.dispose();
    });

    it('another format version', async () => {
      const { trainer, path } = await savedPpo();
      const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
      manifest.formatVersion = 99;
      writeFileSync(join(path, 'manifest.json'), JSON.stringify(manifest));
      await assert.rejects(loadCheckpoint(path), /format version 99; this build reads version 1/);
      trainer.dispose();
    });

    it('a flipped byte in the weights (checksum mismatch)', async () => {
      const { trainer, path } = await savedPpo();
      const file = join(path, 'actor', 'weights.bin');
      const bytes = readFileSync(file);
      bytes[10] = bytes[10]! ^ 0xff;
      writeFileSync(file, bytes);
      await assert.rejects(loadCheckpoint(path), /actor\/weights\.bin is corrupted: SHA-256/);
      trainer.dispose();
    });

    it("an env with other spaces than the checkpoint's", async () => {
      const { trainer, path } = await savedPpo();
      const other = make('BDT-small-v0');
      await assert.rejects(loadPolicyAgent(path, other), /trained on CartPole-v1 with a different observation layout/);
      other.close();
      trainer.dispose();
    });

    it('a model.json whose weights do not match its manifest', async () => {
      const { trainer, path } = await savedPpo();
      const file = join(path, 'critic', 'weights.bin');
      writeFileSync(file, readFileSync(file).subarray(0, 100));
      // Bypass the checksum by loading the network directly.
      await assert.rejects(tf.loadLayersModel(directoryHandler(join(path, 'critic'))), /have 100 bytes, its manifest describes/);
      trainer.dispose();
    });
  });
});
