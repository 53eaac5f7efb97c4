/**
 * PPO's `targetKl` early stop, as CleanRL's: after each epoch, the update ends when its last
 * minibatch's approx-KL exceeds the target. `losses/update_epochs` logs how many epochs ran, on
 * both update paths (the JS one for discrete-only actions, tf.variableGrads for the others).
 */
import assert from 'node:assert/strict';
import { initBackend } from '../../agents/backend.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { Box, Discrete, Env, type Space, type StepResult } from '../../env/index.ts';

/** One-step episodes from a fixed observation, paid the action's first component: the policy moves at every update. */
class PayingBandit<Act> extends Env<Float32Array, Act> {
  readonly observationSpace = new Box(-1, 1, { shape: [2] });
  readonly actionSpace: Space<Act>;

  constructor(actionSpace: Space<Act>) {
    super();
    this.actionSpace = actionSpace;
  }

  reset(): [Float32Array, Record<string, unknown>] {
    return [Float32Array.of(0.3, -0.7), {}];
  }

  step(action: Act): StepResult<Float32Array> {
    const reward = typeof action === 'number' ? action : (action as Float32Array)[0]!;
    return [Float32Array.of(0.3, -0.7), reward, true, false, {}];
  }
}

/** Trains 4 iterations of 4 x 32 steps (or as `hyperparameters` say); returns the final parameters and each update's loss record. */
function train(actionSpace: Space<unknown>, hyperparameters: { updateEpochs: number; targetKl: number | null; numEnvs?: number; numSteps?: number; numMinibatches?: number }) {
  const hp = PpoHyperparametersSchema.parse({ numEnvs: 4, numSteps: 32, numMinibatches: 2, hidden: [8], learningRate: 1e-2, totalTimesteps: 4 * 128, ...hyperparameters });
  const trainer = new PpoTrainer({ hp, seed: 2, makeEnv: () => new PayingBandit(actionSpace) });
  const updates: Array<Record<string, number>> = [];
  const subscription = trainer.metrics$.subscribe(({ metrics }) => {
    if (metrics['losses/approx_kl'] !== undefined) updates.push(metrics);
  });
  try {
    for (let i = 0; i < 4; i++) trainer.iterate();
    return { parameters: Array.from(trainer.optimizer.parameters), updates };
  } finally {
    subscription.unsubscribe();
    trainer.dispose();
  }
}

const spaces = [
  ['Discrete(3) (the update in JS)', new Discrete(3)],
  ['Box [1] (through tf.variableGrads)', new Box(-1, 1, { shape: [1] })],
] as const;

describe('agents/ppo: targetKl and losses/update_epochs', () => {
  before(async () => {
    await initBackend('wasm');
  });

  for (const [name, space] of spaces) {
    describe(name, () => {
      it('without a target every update runs all updateEpochs', () => {
        const { updates } = train(space, { updateEpochs: 3, targetKl: null });
        assert.equal(updates.length, 4);
        assert.deepEqual(updates.map((m) => m['losses/update_epochs']), [3, 3, 3, 3]);
      });

      it('a target below the first epoch\'s KL stops every update after one epoch, exactly as updateEpochs 1 trains', () => {
        const stopped = train(space, { updateEpochs: 3, targetKl: 1e-12 });
        assert.ok(stopped.updates.every((m) => m['losses/approx_kl']! > 1e-12), 'the policy moved in every first epoch');
        assert.deepEqual(stopped.updates.map((m) => m['losses/update_epochs']), [1, 1, 1, 1]);
        const oneEpoch = train(space, { updateEpochs: 1, targetKl: null });
        assert.deepEqual(stopped.parameters, oneEpoch.parameters);
      });

      it('a rollout of autoreset steps only (no decision to learn from) runs no epoch and logs 0', () => {
        // one-step episodes in one env, one step per rollout: every other rollout is the autoreset step
        const { updates } = train(space, { updateEpochs: 3, targetKl: null, numEnvs: 1, numSteps: 1, numMinibatches: 1 });
        assert.deepEqual(updates.map((m) => m['losses/update_epochs']), [3, 0, 3, 0]);
        assert.deepEqual(updates.map((m) => Number.isNaN(m['losses/policy_loss'])), [false, true, false, true]);
      });

      it('a target above every KL reached changes nothing', () => {
        const free = train(space, { updateEpochs: 3, targetKl: null });
        const loose = train(space, { updateEpochs: 3, targetKl: 1e6 });
        assert.deepEqual(loose.parameters, free.parameters);
        assert.deepEqual(loose.updates.map((m) => m['losses/update_epochs']), [3, 3, 3, 3]);
      });
    });
  }
});
