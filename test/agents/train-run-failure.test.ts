/**
 * A training run that fails frees what it holds and reports the failure where the caller can
 * catch it: an env that throws mid-training rejects `trainRun` with the env's error and leaves
 * `tf.memory()` as it found it; an `onMetrics` callback that throws rejects `trainRun` (rxjs would
 * otherwise rethrow it asynchronously and end the process); a trainer's `metrics$` completes when
 * its `train()` fails, so a subscriber waiting for the end is not left hanging.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { lastValueFrom, toArray } from 'rxjs';
import { initBackend } from '../../agents/backend.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { trainRun } from '../../agents/run/train-run.ts';
import { CheckpointError } from '../../agents/checkpoint/checkpoint.ts';
import { KwargsError } from '../../env/core/zod-issues.ts';
import { make, register, unregister, Wrapper, type Env, type StepResult } from '../../env/index.ts';

const BOOM_ID = 'test/Boom-v0';
/** Steps each env takes before its step throws. */
const STEPS_BEFORE_BOOM = 300;

class Boom extends Error {}

/** CartPole whose step throws after STEPS_BEFORE_BOOM steps. */
class BoomEnv<Act> extends Wrapper<Float32Array, Act> {
  private steps = 0;
  override step(action: Act): StepResult<Float32Array> {
    if (++this.steps > STEPS_BEFORE_BOOM) throw new Boom(`step ${this.steps}: boom`);
    return super.step(action);
  }
}

const DQN_HP = { learningStarts: 64, trainFrequency: 4, batchSize: 16, targetNetworkFrequency: 50, hidden: [8] };
const PPO_HP = { numEnvs: 2, numSteps: 32, numMinibatches: 2, updateEpochs: 1, hidden: [8] };

describe('agents: a failed training run', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-failure-'));
    register({ id: BOOM_ID, entryPoint: () => new BoomEnv(make('CartPole-v1') as Env<Float32Array, unknown>), maxEpisodeSteps: 500 });
  });
  after(() => {
    unregister(BOOM_ID);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [agent, hyperparameters] of [
    ['dqn', DQN_HP],
    ['ppo', PPO_HP],
  ] as const) {
    it(`${agent}: an env that throws rejects trainRun with its error and leaks no tensor`, async () => {
      const failingRun = (n: number) => trainRun({ agent, envId: BOOM_ID, steps: 5_000, seed: 1, outDir: join(dir, `${agent}-env-${n}`), backend: 'wasm', hyperparameters, evalEpisodes: 0 });
      // the first run may leave tfjs's lazily made constants behind; a leak would grow with each run
      await assert.rejects(failingRun(1), Boom);
      const before = tf.memory().numTensors;
      await assert.rejects(failingRun(2), Boom);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });

    it(`${agent}: an onMetrics that throws rejects trainRun with its error, and training stops`, async () => {
      const before = tf.memory().numTensors;
      let calls = 0;
      const full = new Error('disk full');
      await assert.rejects(
        trainRun({
          agent,
          envId: 'CartPole-v1',
          steps: 20_000,
          seed: 1,
          outDir: join(dir, `${agent}-metrics`),
          backend: 'wasm',
          hyperparameters,
          evalEpisodes: 0,
          onMetrics: () => {
            calls++;
            throw full;
          },
        }),
        (error) => error === full,
      );
      assert.equal(calls, 1, 'the callback is not called again after it threw');
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });
  }

  it('refuses, before training, to overwrite a checkpoint, a typo in the hyperparameters (naming it), and a backend that is not running', async () => {
    const outDir = join(dir, 'refusals');
    const common = { agent: 'ppo', envId: 'CartPole-v1', steps: 64, seed: 1, outDir, hyperparameters: PPO_HP, evalEpisodes: 0 } as const;
    const summary = await trainRun(common);
    assert.equal(summary.backend, 'wasm', 'the running backend is recorded');
    await assert.rejects(trainRun(common), (e: Error) => e instanceof CheckpointError && e.message.includes('already holds a checkpoint; continue it with resume: true'));
    await assert.rejects(trainRun({ ...common, outDir: join(dir, 'typo'), hyperparameters: { numEnv: 4 } }), (e: Error) => e instanceof KwargsError && /trainRun: invalid hyperparameters:\n {2}at \(root\): Unrecognized key: "numEnv"/.test(e.message));
    await assert.rejects(trainRun({ ...common, outDir: join(dir, 'backend'), backend: 'tensorflow' }), /trainRun: backend "tensorflow" is not the one running \("wasm"\)/);
  });

  it("a trainer's metrics$ completes when its train() fails (a subscriber waiting for the end hung), and train() rejects with the error", async () => {
    const makeEnv = () => make(BOOM_ID);
    const trainers = [
      new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 5_000 }), seed: 1, makeEnv }),
      new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, totalTimesteps: 5_000 }), seed: 1, makeEnv }),
    ];
    for (const trainer of trainers) {
      const ended = lastValueFrom(trainer.metrics$.pipe(toArray()));
      await assert.rejects(trainer.train(5_000), Boom);
      assert.ok(Array.isArray(await ended));
      trainer.dispose();
    }
  });
});
