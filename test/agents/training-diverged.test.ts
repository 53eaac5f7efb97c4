/** Divergence: a non-finite gradient stops training with a TrainingDivergedError naming the update, the losses and the learning rate. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { make } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { discreteActionEnv } from '../../agents/dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { NonFiniteGradientError } from '../../agents/nn/flat-adam.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { TrainingDivergedError } from '../../agents/training-diverged.ts';

describe('agents: training that diverges', () => {
  before(async () => {
    await initBackend('wasm');
  });

  // vfCoef 1e38 overflows the value-loss gradient (float32) at the first update.
  for (const id of ['CartPole-v1', 'BDT-small-v0']) {
    it(`PPO on ${id} (${id === 'CartPole-v1' ? 'JS' : 'TF.js'} update path) stops at the first update, naming it, its losses and the learning rate, without leaking tensors`, () => {
      const hp = PpoHyperparametersSchema.parse({ numEnvs: 1, numSteps: 16, numMinibatches: 2, updateEpochs: 1, hidden: [8], vfCoef: 1e38, learningRate: 0.01, totalTimesteps: 64 });
      const trainer = new PpoTrainer({ hp, seed: 1, makeEnv: () => make(id) });
      assert.throws(
        () => trainer.iterate(),
        (error: unknown) => {
          assert.ok(error instanceof TrainingDivergedError, String(error));
          assert.ok(error.cause instanceof NonFiniteGradientError);
          assert.match(error.message, /^training diverged at PPO iteration 1 \(env step 16\), epoch 1, minibatch 1, Adam update 1: the gradient norm is (NaN|Infinity) \(/);
          assert.match(error.message, /losses\/value_loss = /);
          assert.match(error.message, /try a lower learningRate \(it is 0\.01\)$/);
          assert.deepEqual(Object.keys(error.losses), ['losses/policy_loss', 'losses/value_loss', 'losses/entropy']);
          return true;
        },
      );
      // A second failing iteration (the first one also builds cached tensors) leaks nothing.
      const before = tf.memory().numTensors;
      assert.throws(() => trainer.iterate(), TrainingDivergedError);
      assert.equal(tf.memory().numTensors, before, 'the failed update released its tensors');
      trainer.dispose();
    });
  }

  it('DQN names the gradient step, its TD loss and the learning rate', async () => {
    const hp = DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 100, learningStarts: 8, batchSize: 4, trainFrequency: 1, totalTimesteps: 100 });
    const trainer = new DqnTrainer({ hp, seed: 1, makeEnv: () => discreteActionEnv(make('CartPole-v1'), hp.actionLevels) });
    // A NaN gradient on demand: DqnTrainer's networks do not overflow within the schema's bounds.
    trainer.optimizer.applyFlatGradient = () => {
      throw new NonFiniteGradientError(NaN, 1);
    };
    await assert.rejects(trainer.train(100), (error: unknown) => {
      assert.ok(error instanceof TrainingDivergedError, String(error));
      assert.match(error.message, /^training diverged at DQN gradient step 1 \(env step 9\), Adam update 1: the gradient norm is NaN \(the losses were finite \(losses\/td_loss = .*\) but the gradient overflowed\); try a lower learningRate \(it is 0\.00025\)$/);
      return true;
    });
    trainer.dispose();
  });

  it('the message puts the non-finite losses first', () => {
    const error = new TrainingDivergedError('PPO iteration 3 (env step 1536), epoch 1, minibatch 2', { 'losses/policy_loss': 0.5, 'losses/value_loss': NaN }, 0.1, new NonFiniteGradientError(NaN, 7));
    assert.equal(error.message, 'training diverged at PPO iteration 3 (env step 1536), epoch 1, minibatch 2, Adam update 7: the gradient norm is NaN (non-finite loss: losses/value_loss = NaN); try a lower learningRate (it is 0.1)');
  });
});
