/**
 * PPO's `ratio: 'per-dimension'` (one clipped ratio per action dimension, MAPPO's per-agent
 * ratios): the same training as the joint ratio when the action has one dimension, on both update
 * paths; far fewer clipped samples when it has many; kept in checkpoints, and checkpoints saved
 * before the option load with the joint ratio they were trained with.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../agents/backend.ts';
import { PpoHyperparametersSchema, type PpoHyperparameters } from '../../agents/ppo/hyperparameters.ts';
import { loadPpoRun, savePpoCheckpoint } from '../../agents/ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { Box, Discrete, Env, make, MultiDiscrete, type Space, type StepResult } from '../../env/index.ts';

/**
 * One-step episodes from a fixed observation; the reward is the mean of the first `paying`
 * components of the action (Discrete: the index; Box: the value), so the policy has something to
 * learn and its ratios move.
 */
class PayingBandit<Act> extends Env<Float32Array, Act> {
  readonly observationSpace = new Box(-1, 1, { shape: [2] });
  readonly actionSpace: Space<Act>;
  private readonly paying: number;

  constructor(actionSpace: Space<Act>, paying: number) {
    super();
    this.actionSpace = actionSpace;
    this.paying = paying;
  }

  reset(): [Float32Array, Record<string, unknown>] {
    return [Float32Array.of(0.3, -0.7), {}];
  }

  step(action: Act): StepResult<Float32Array> {
    const values = typeof action === 'number' ? [action] : Array.from(action as ArrayLike<number>);
    let sum = 0;
    for (let i = 0; i < this.paying; i++) sum += values[i]!;
    return [Float32Array.of(0.3, -0.7), sum / this.paying, true, false, {}];
  }
}

/** Trains `iterations` PPO iterations of 4 x 64 steps with `ratio`; returns the parameters, the logged loss terms and the mean return. */
function train(actionSpace: Space<unknown>, paying: number, ratio: PpoHyperparameters['ratio'], iterations: number, learningRate: number) {
  const hp = PpoHyperparametersSchema.parse({ numEnvs: 4, numSteps: 64, numMinibatches: 4, updateEpochs: 4, hidden: [16], learningRate, entCoef: 0, totalTimesteps: iterations * 256, ratio });
  const trainer = new PpoTrainer({ hp, seed: 4, makeEnv: () => new PayingBandit(actionSpace, paying) });
  const losses: Array<Record<string, number>> = [];
  const subscription = trainer.metrics$.subscribe(({ metrics }) => {
    if (metrics['losses/clipfrac'] === undefined) return;
    const { 'charts/SPS': _wallClock, ...terms } = metrics;
    losses.push(terms);
  });
  try {
    for (let i = 0; i < iterations; i++) trainer.iterate();
    return { parameters: Array.from(trainer.optimizer.parameters), losses, meanReturn: trainer.recentReturns.reduce((a, b) => a + b, 0) / trainer.recentReturns.length };
  } finally {
    subscription.unsubscribe();
    trainer.dispose();
  }
}

describe("agents/ppo: ratio 'per-dimension'", () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('with one action dimension it trains bit for bit as the joint ratio: Discrete (the update in JS) and a 1-D Box (through tf.variableGrads)', () => {
    for (const [name, space] of [
      ['Discrete(3)', new Discrete(3)],
      ['Box [1]', new Box(-1, 1, { shape: [1] })],
    ] as const) {
      const joint = train(space, 1, 'joint', 6, 1e-2);
      const perDimension = train(space, 1, 'per-dimension', 6, 1e-2);
      assert.ok(joint.losses.some((m) => m['losses/clipfrac']! > 0), `${name}: the updates clip some samples, so the clipped branch is compared too`);
      assert.deepEqual(perDimension.parameters, joint.parameters, `${name}: parameters`);
      assert.deepEqual(perDimension.losses, joint.losses, `${name}: loss terms`);
    }
  });

  it('with 120 dimensions, of which 8 pay, the joint ratio clips a large share of the samples and per-dimension ratios almost none; both learn', () => {
    const space = new MultiDiscrete(new Array<number>(120).fill(2));
    const joint = train(space, 8, 'joint', 20, 1e-3);
    const perDimension = train(space, 8, 'per-dimension', 20, 1e-3);
    const meanClip = (run: typeof joint) => run.losses.slice(2).reduce((sum, m) => sum + m['losses/clipfrac']!, 0) / (run.losses.length - 2);
    assert.ok(meanClip(joint) > 0.1, `joint: clip fraction ${meanClip(joint)}`);
    // per dimension the fraction counts (sample, dimension) pairs
    assert.ok(meanClip(perDimension) < 0.02, `per-dimension: clip fraction ${meanClip(perDimension)}`);
    // a random policy earns 0.5
    for (const [name, run] of [['joint', joint], ['per-dimension', perDimension]] as const) assert.ok(run.meanReturn > 0.6, `${name}: mean return ${run.meanReturn}`);
  });

  describe('checkpoints', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'bdt-ratio-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a checkpoint keeps the ratio, and training resumes from it', async () => {
      const space = new MultiDiscrete([3, 2, 4]);
      const hp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 2, hidden: [8], learningRate: 1e-3, totalTimesteps: 96, ratio: 'per-dimension' });
      const makeEnv = () => new PayingBandit(space, 3);
      const saved = new PpoTrainer({ hp, seed: 5, makeEnv });
      try {
        saved.iterate();
        saved.iterate();
        await savePpoCheckpoint(dir, saved, { id: 'PayingBandit', scenario: undefined, actionSpace: space }, 5);
      } finally {
        saved.dispose();
      }
      const run = await loadPpoRun(dir, makeEnv().observationSpace, space);
      assert.equal(run.hp.ratio, 'per-dimension');
      const resumed = new PpoTrainer({ hp: run.hp, seed: run.seed, makeEnv, restore: run.restore });
      try {
        const before = Array.from(resumed.optimizer.parameters);
        resumed.iterate();
        assert.equal(resumed.counters.globalStep, 96);
        assert.ok(resumed.optimizer.parameters.every(Number.isFinite));
        assert.notDeepEqual(Array.from(resumed.optimizer.parameters), before, 'the resumed update moved the parameters');
      } finally {
        resumed.dispose();
      }
    });

    it("the committed models load with the ratio they were trained with: BDT-v0's, saved before the option, joint; BDT-large-v0's per-dimension", async () => {
      for (const [model, id, ratio] of [
        ['ppo-bdt-v0', 'BDT-v0', 'joint'],
        ['ppo-bdt-large-v0', 'BDT-large-v0', 'per-dimension'],
      ] as const) {
        const env = make(id);
        try {
          const run = await loadPpoRun(join('models', model), env.observationSpace, env.actionSpace);
          assert.equal(run.hp.ratio, ratio, model);
          run.restore.policy.dispose();
        } finally {
          env.close();
        }
      }
    });
  });
});
