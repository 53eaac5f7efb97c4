/**
 * `annealClip` anneals the policy's clip range only: the value clip (`clipVloss`) keeps
 * hp.clipCoef, as CleanRL (constant clip_coef) and SB3 (a separate clip_range_vf) do. Annealed,
 * it let the critic move by ~0 late in training.
 */
import assert from 'node:assert/strict';
import { initBackend } from '../../agents/backend.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { Box, Discrete, Env, type Space, type StepResult } from '../../env/index.ts';

/** Reward 1 per step, episodes truncated at 20 steps: returns far from an untrained critic's values, so the value clip binds. */
class CountingEnv<Act> extends Env<Float32Array, Act> {
  readonly observationSpace = new Box(-10, 10, { shape: [2] });
  readonly actionSpace: Space<Act>;
  private t = 0;

  constructor(actionSpace: Space<Act>) {
    super();
    this.actionSpace = actionSpace;
  }

  reset(): [Float32Array, Record<string, unknown>] {
    this.t = 0;
    return [Float32Array.of(0, 1), {}];
  }

  step(): StepResult<Float32Array> {
    this.t++;
    return [Float32Array.of(this.t / 10, 1), 1, false, this.t >= 20, {}];
  }
}

const ITERATIONS = 100;

/** One update at the last of ITERATIONS iterations (annealed policy clip 0.2 / 100); the flat actor and critic parameters after it. */
function lastUpdate(actionSpace: Space<unknown>, annealClip: boolean) {
  const [numEnvs, numSteps] = [2, 32];
  // No global gradient-norm clipping (its norm would couple the critic's step to the actor's
  // gradient) and no LR annealing: the critic's update then depends on the value loss alone.
  const hp = PpoHyperparametersSchema.parse({ numEnvs, numSteps, numMinibatches: 2, updateEpochs: 4, hidden: [8], learningRate: 1e-3, annealLr: false, maxGradNorm: 1e9, annealClip, totalTimesteps: ITERATIONS * numEnvs * numSteps });
  const trainer = new PpoTrainer({ hp, seed: 3, makeEnv: () => new CountingEnv(actionSpace) });
  try {
    trainer.counters.iteration = ITERATIONS - 1;
    const probe = Float32Array.from({ length: 2 * 21 }, (_, i) => (i % 2 === 0 ? i / 20 : 1));
    const valuesBefore = new Float32Array(21);
    trainer.policy.value(probe, 21, valuesBefore);
    trainer.iterate();
    const valuesAfter = new Float32Array(21);
    trainer.policy.value(probe, 21, valuesAfter);
    const actorSize = trainer.policy.actor.variables.reduce((n, v) => n + v.size, 0);
    const criticSize = trainer.policy.critic.variables.reduce((n, v) => n + v.size, 0);
    const params = trainer.optimizer.parameters;
    return {
      actor: Array.from(params.subarray(0, actorSize)),
      critic: Array.from(params.subarray(actorSize, actorSize + criticSize)),
      largestValueChange: Math.max(...valuesAfter.map((v, i) => Math.abs(v - valuesBefore[i]!))),
    };
  } finally {
    trainer.dispose();
  }
}

describe('PPO annealClip and the value clip', function () {
  this.timeout(120_000);
  before(() => initBackend('wasm'));

  for (const [path, actionSpace] of [
    ['discrete (loss gradient in JS)', new Discrete(2)],
    ['continuous (TF.js autodiff)', new Box(-1, 1, { shape: [1] })],
  ] as const) {
    it(`anneals the policy clip but clips the value with the constant clipCoef: ${path}`, () => {
      const annealed = lastUpdate(actionSpace, true);
      const constant = lastUpdate(actionSpace, false);
      const annealedRange = 0.2 / ITERATIONS;
      assert.ok(constant.largestValueChange > 2 * annealedRange, `the critic moves V by ${constant.largestValueChange}, past the annealed range ${annealedRange}: an annealed value clip would bind`);
      const differing = (a: number[], b: number[]) => a.filter((p, i) => p !== b[i]).length;
      assert.ok(differing(annealed.actor, constant.actor) > 0, 'the annealed policy clip changes the actor update');
      assert.equal(differing(annealed.critic, constant.critic), 0, 'critic parameters differing from the update with the constant clip range');
    });
  }
});
