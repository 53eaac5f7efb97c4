import assert from 'node:assert/strict';
import { initBackend } from '../../agents/backend.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { ReplayBuffer } from '../../agents/dqn/replay-buffer.ts';
import { makeRng } from '../../env/core/rng.ts';
import { MultiDiscrete } from '../../env/index.ts';
import { ConstantEnv } from './constant-env.ts';

const DIMS = 3;
const LEVELS = 4;


/** Per stored transition, how many dimensions differ from the most frequent (greedy) level. */
async function deviationsPerAction(explorationPerDimension: boolean): Promise<number[]> {
  // epsilon fixed at 0.2, no warm-up, no training: the greedy action never changes.
  const hp = DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 2000, batchSize: 8, learningStarts: 0, startE: 0.2, endE: 0.2, trainFrequency: 100_000, totalTimesteps: 2000, explorationPerDimension });
  const trainer = new DqnTrainer({ hp, seed: 5, makeEnv: () => new ConstantEnv(new MultiDiscrete(new Array<number>(DIMS).fill(LEVELS))) });
  await trainer.train(2000);
  const n = 4000;
  const batch = trainer.replay.sample(n, makeRng(3), ReplayBuffer.allocateBatch(n, 2, DIMS));
  trainer.dispose();
  const greedy: number[] = [];
  for (let d = 0; d < DIMS; d++) {
    const counts = new Array<number>(LEVELS).fill(0);
    for (let b = 0; b < n; b++) counts[batch.actions[b * DIMS + d]!]! += 1;
    greedy.push(counts.indexOf(Math.max(...counts)));
  }
  return Array.from({ length: n }, (_, b) => greedy.reduce((k, g, d) => k + (batch.actions[b * DIMS + d] === g ? 0 : 1), 0));
}

describe('agents/dqn exploration', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('joint epsilon-greedy replaces whole actions: off-greedy dimensions come together', async () => {
    const dev = await deviationsPerAction(false);
    // P(all 3 off-greedy) = 0.2 * 0.75^3 = 0.084; P(exactly 1) = 0.2 * 3 * 0.25^2 * 0.75 = 0.028.
    const all = dev.filter((k) => k === DIMS).length / dev.length;
    const one = dev.filter((k) => k === 1).length / dev.length;
    assert.ok(all > 0.06 && all < 0.11, `P(all off-greedy) ${all}`);
    assert.ok(one < 0.05, `P(one off-greedy) ${one}`);
  });

  it('per-dimension epsilon-greedy perturbs dimensions independently, the rest stay greedy', async () => {
    const dev = await deviationsPerAction(true);
    // Each dimension off-greedy with 0.2 * 0.75 = 0.15: P(exactly 1) = 3 * 0.15 * 0.85^2 = 0.325, P(all 3) = 0.0034.
    const all = dev.filter((k) => k === DIMS).length / dev.length;
    const one = dev.filter((k) => k === 1).length / dev.length;
    assert.ok(one > 0.28 && one < 0.37, `P(one off-greedy) ${one}`);
    assert.ok(all < 0.015, `P(all off-greedy) ${all}`);
  });
});
