/**
 * PPO's `normReward` against the vector wrapper that defines it: both run `ReturnNormalizer`, and
 * the trainer must mark the same steps as no transition (the next-step autoreset) as
 * `VectorNormalizeReward` does, or stale returns enter the statistics.
 */
import assert from 'node:assert/strict';
import { initBackend } from '../../agents/backend.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { Box, Discrete, Env, SyncVectorEnv, VectorNormalizeReward, makeRng, type StepResult } from '../../env/index.ts';

/** Rewards around 1 from a stream of its own (actions ignored); episodes end by termination (p = 0.1) or truncation at 8 steps. */
class ScriptedRewardEnv extends Env<Float32Array, number> {
  readonly observationSpace = new Box(-10, 10, { shape: [2] });
  readonly actionSpace = new Discrete(2);
  private readonly stream;
  private t = 0;

  constructor(id: number) {
    super();
    this.stream = makeRng(`scripted-reward-${id}`);
  }

  reset(): [Float32Array, Record<string, unknown>] {
    this.t = 0;
    return [Float32Array.of(0, 0), {}];
  }

  step(): StepResult<Float32Array> {
    this.t++;
    const terminated = this.stream() < 0.1;
    return [Float32Array.of(this.t / 10, 0), 4 * this.stream() - 1, terminated, !terminated && this.t >= 8, {}];
  }
}

describe('PPO normReward', function () {
  this.timeout(60_000);
  before(() => initBackend('wasm'));

  it('gives the statistics VectorNormalizeReward gives on the same stream, terminations and truncations included', () => {
    const [numEnvs, numSteps, gamma] = [3, 100, 0.9];
    const hp = PpoHyperparametersSchema.parse({ numEnvs, numSteps, numMinibatches: 1, updateEpochs: 1, hidden: [8], normReward: true, gamma, totalTimesteps: numEnvs * numSteps });
    const trainer = new PpoTrainer({ hp, seed: 1, makeEnv: (i) => new ScriptedRewardEnv(i) });
    trainer.iterate();
    const trained = trainer.rewardStats()!;
    trainer.dispose();

    const wrapper = new VectorNormalizeReward(new SyncVectorEnv(Array.from({ length: numEnvs }, (_, i) => () => new ScriptedRewardEnv(i))), gamma);
    wrapper.reset();
    let autoresets = 0;
    for (let t = 0; t < numSteps; t++) {
      const [, , terminated, truncated] = wrapper.step(Int32Array.of(0, 0, 0));
      for (let i = 0; i < numEnvs; i++) autoresets += terminated[i]! | truncated[i]!;
    }
    assert.ok(autoresets > 20, `${autoresets} episode ends: the autoreset steps are what this checks`);
    // the same samples (the count says which steps entered), the trainer's rewards rounded to float32
    const expected = wrapper.returnRms.stats();
    assert.equal(trained.count, expected.count);
    for (const key of ['mean', 'var'] as const) assert.ok(Math.abs(trained[key][0]! - expected[key][0]!) <= 1e-6 * Math.abs(expected[key][0]!), `${key}: ${trained[key][0]} vs ${expected[key][0]}`);
  });
});
