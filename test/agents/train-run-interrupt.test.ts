/**
 * `trainRun` stopped by its `signal` (the CLI aborts it on Ctrl-C): training stops at the
 * trainer's next yield, the checkpoint holds the steps reached and resumes from them, the final
 * evaluation is skipped (or cut between episodes) and the summary says `interrupted`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../agents/backend.ts';
import { trainRun } from '../../agents/run/train-run.ts';

const DQN_HP = { learningStarts: 200, trainFrequency: 50, gradientSteps: 4, batchSize: 32, targetNetworkFrequency: 50, hidden: [16] };
const PPO_HP = { numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 1, hidden: [16] };

describe('agents: trainRun interrupted by its signal', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-interrupt-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const globalStep = (outDir: string): number => JSON.parse(readFileSync(join(outDir, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep;

  for (const [agent, hyperparameters, stopAt] of [
    ['dqn', DQN_HP, 768], // DQN yields (and reports progress) every 256 env steps
    ['ppo', PPO_HP, 384], // PPO after every rollout of 2 x 64
  ] as const) {
    it(`${agent}: stops at the first yield after the abort, saves that step, skips the final evaluation, and resumes from it`, async () => {
      const outDir = join(dir, agent);
      const controller = new AbortController();
      const common = { agent, envId: 'CartPole-v1', seed: 3, outDir, backend: 'wasm', hyperparameters, evalEpisodes: 2 } as const;
      const summary = await trainRun({
        ...common,
        steps: 100_000,
        signal: controller.signal,
        onProgress: (step) => {
          if (step >= stopAt) controller.abort();
        },
      });
      assert.equal(summary.interrupted, true);
      assert.equal(summary.steps, stopAt);
      assert.equal(globalStep(outDir), stopAt, 'the checkpoint holds the steps reached');
      assert.equal(summary.evalReturn, undefined);
      assert.equal(summary.evalEpisodes, 0);

      const resumed = await trainRun({ ...common, steps: stopAt * 2, resume: true });
      assert.equal(resumed.steps, stopAt * 2);
      assert.equal(resumed.interrupted, undefined);
      assert.equal(resumed.evalEpisodes, 2);
      assert.ok(Number.isFinite(resumed.evalReturn), `evalReturn ${resumed.evalReturn}`);
    });
  }

  it('an abort after the last update skips the final evaluation: the run is trained and saved, marked interrupted', async () => {
    const controller = new AbortController();
    const outDir = join(dir, 'late');
    const summary = await trainRun({ agent: 'ppo', envId: 'CartPole-v1', seed: 3, outDir, backend: 'wasm', hyperparameters: PPO_HP, steps: 256, evalEpisodes: 3, signal: controller.signal, onProgress: (step) => step >= 256 && controller.abort() });
    assert.equal(summary.steps, 256);
    assert.equal(globalStep(outDir), 256);
    assert.equal(summary.interrupted, true);
    assert.equal(summary.evalReturn, undefined);
  });
});
