import assert from 'node:assert/strict';
import { initBackend } from '../../agents/backend.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { ReplayBuffer } from '../../agents/dqn/replay-buffer.ts';
import { makeRng } from '../../env/core/rng.ts';
import { Discrete } from '../../env/index.ts';
import { ConstantEnv } from './constant-env.ts';


/** Distinct actions among 400 transitions sampled from `replay`. */
function storedActions(replay: ReplayBuffer): Set<number> {
  const batch = replay.sample(400, makeRng(3), ReplayBuffer.allocateBatch(400, 2, 1));
  return new Set(batch.actions);
}

describe('agents/dqn schedules', () => {
  before(async () => {
    await initBackend('wasm');
  });

  // epsilon 0 and no training: only the warm-up can make actions differ.
  const hp = (learningStarts: number) =>
    DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 1000, batchSize: 8, learningStarts, startE: 0, endE: 0, trainFrequency: 100_000, totalTimesteps: 1000 });

  it('acts uniformly at random before learningStarts, whatever epsilon is (SB3)', async () => {
    const trainer = new DqnTrainer({ hp: hp(300), seed: 5, makeEnv: () => new ConstantEnv(new Discrete(4)) });
    await trainer.train(300);
    assert.deepEqual([...storedActions(trainer.replay)].sort(), [0, 1, 2, 3]);
    trainer.dispose();
  });

  it('acts greedily from learningStarts on when epsilon is 0', async () => {
    const trainer = new DqnTrainer({ hp: hp(0), seed: 5, makeEnv: () => new ConstantEnv(new Discrete(4)) });
    await trainer.train(300);
    assert.equal(storedActions(trainer.replay).size, 1);
    trainer.dispose();
  });

  it('annealLr sets lr * (1 - step / totalTimesteps) before each training phase; off, lr stays', async () => {
    const schedule = { hidden: [8], bufferSize: 1000, batchSize: 8, learningStarts: 16, trainFrequency: 100, gradientSteps: 1, totalTimesteps: 1000, learningRate: 0.01 };
    const annealed = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...schedule, annealLr: true, gradientSteps: 100 }), seed: 5, makeEnv: () => new ConstantEnv(new Discrete(4)) });
    const logged: [number, number | undefined][] = [];
    annealed.metrics$.subscribe((record) => {
      if (record.metrics['losses/td_loss'] !== undefined) logged.push([record.step, record.metrics['charts/learning_rate']]);
    });
    await annealed.train(450); // last training phase at step 400
    assert.ok(Math.abs(annealed.optimizer.learningRate - 0.01 * (1 - 400 / 1000)) < 1e-12, `lr ${annealed.optimizer.learningRate}`);
    // each loss record carries the rate its phase trained with (100 gradient steps: one record per phase)
    assert.deepEqual(logged.map(([step]) => step), [100, 200, 300, 400]);
    for (const [step, rate] of logged) assert.ok(rate !== undefined && Math.abs(rate - 0.01 * (1 - step / 1000)) < 1e-12, `charts/learning_rate ${rate} at step ${step}`);
    annealed.dispose();
    const constant = new DqnTrainer({ hp: DqnHyperparametersSchema.parse(schedule), seed: 5, makeEnv: () => new ConstantEnv(new Discrete(4)) });
    await constant.train(450);
    assert.equal(constant.optimizer.learningRate, 0.01);
    constant.dispose();
  });

  it('refuses a batchSize above bufferSize, naming both (training waits for a minibatch that buffer never holds); an equal one trains', async () => {
    const refused = DqnHyperparametersSchema.safeParse({ bufferSize: 100, batchSize: 128 });
    assert.deepEqual(refused.error?.issues.map((issue) => [issue.path.join('.'), issue.message]), [['batchSize', 'rule: batchSize <= bufferSize (a minibatch is sampled from the replay buffer, so a larger one never trains); got batchSize 128 > bufferSize 100']]);
    const full = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 16, batchSize: 16, learningStarts: 0, trainFrequency: 1, totalTimesteps: 100 }), seed: 5, makeEnv: () => new ConstantEnv(new Discrete(4)) });
    await full.train(100);
    assert.equal(full.counters.gradientSteps, 100 - 15, 'one gradient step per env step once 16 transitions are stored');
    full.dispose();
  });

  it('a rising epsilon (startE < endE) rises to endE and holds there', async () => {
    const trainer = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ hidden: [8], startE: 0.1, endE: 0.3, explorationFraction: 0.5, learningStarts: 0, trainFrequency: 100_000, totalTimesteps: 400 }), seed: 5, makeEnv: () => new ConstantEnv(new Discrete(4)) });
    const epsilons: number[] = []; // at steps 0, 1, ..., 399
    for (let step = 0; step < 400; step++) {
      epsilons.push(trainer.epsilon);
      trainer.iterate();
    }
    assert.equal(epsilons[0], 0.1);
    assert.ok(Math.abs(epsilons[100]! - 0.2) < 1e-12, `half way through the 200-step ramp: ${epsilons[100]}`);
    assert.deepEqual(new Set(epsilons.slice(200)), new Set([0.3]), 'held at endE from step 200');
    trainer.dispose();
  });

  it('logs at most one loss record per env step, with a positive SPS, when a training phase crosses two multiples of 100 gradient steps', async () => {
    // 150 gradient steps every 10 env steps: the phase at step 20 reaches gradient steps 200 and 300
    const trainer = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 1000, batchSize: 8, learningStarts: 8, trainFrequency: 10, gradientSteps: 150, totalTimesteps: 60 }), seed: 5, makeEnv: () => new ConstantEnv(new Discrete(4)) });
    const lossRecords: { step: number; sps: number }[] = [];
    trainer.metrics$.subscribe((record) => {
      if (record.metrics['losses/td_loss'] !== undefined) lossRecords.push({ step: record.step, sps: record.metrics['charts/SPS']! });
    });
    await trainer.train(60);
    const steps = lossRecords.map((record) => record.step);
    assert.deepEqual(steps, [...new Set(steps)], `one loss record per step: ${steps}`);
    assert.ok(steps.length >= 4, `a record per phase: ${steps}`);
    assert.ok(lossRecords.every((record) => record.sps > 0), `SPS ${lossRecords.map((record) => record.sps)}`);
    trainer.dispose();
  });
});
