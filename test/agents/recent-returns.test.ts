/**
 * Both trainers keep the returns of their last RECENT_RETURNS finished episodes, newest last:
 * what `train --json`'s meanReturnLast20 and the progress line average over.
 */
import assert from 'node:assert/strict';
import { Box, Discrete, Env, type StepResult } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { RECENT_RETURNS, type MetricRecord } from '../../agents/metrics.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';

/** One-step episodes whose reward counts them (1, 2, 3, ...), so every episode's return differs. */
class CountingEnv extends Env<Float32Array, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box(-1, 1, { shape: [1] });
  private episodes = 0;

  reset(): [Float32Array, Record<string, unknown>] {
    return [Float32Array.of(0), {}];
  }

  step(): StepResult<Float32Array> {
    this.episodes += 1;
    return [Float32Array.of(0), this.episodes, true, false, {}];
  }
}

/** The episodic returns `trainer` reported while `steps` env steps were trained. */
async function trainedReturns(trainer: PpoTrainer | DqnTrainer, steps: number): Promise<number[]> {
  const returns: number[] = [];
  const subscription = trainer.metrics$.subscribe((record: MetricRecord) => {
    const value = record.metrics['charts/episodic_return'];
    if (value !== undefined) returns.push(value);
  });
  await trainer.train(steps);
  subscription.unsubscribe();
  return returns;
}

describe('agents: recent returns', function () {
  this.timeout(120_000);
  before(() => initBackend('wasm'));

  for (const algo of ['ppo', 'dqn'] as const) {
    it(`${algo} keeps the returns of its last ${RECENT_RETURNS} episodes, newest last`, async () => {
      const steps = 2 * RECENT_RETURNS + 80; // next-step autoreset: every other step is a reset step
      const trainer =
        algo === 'ppo'
          ? new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ numEnvs: 1, numSteps: 16, hidden: [4], totalTimesteps: steps }), seed: 1, makeEnv: () => new CountingEnv() })
          : new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ numEnvs: 1, hidden: [4], bufferSize: 64, learningStarts: 16, batchSize: 8, totalTimesteps: steps }), seed: 1, makeEnv: () => new CountingEnv() });
      try {
        const returns = await trainedReturns(trainer, steps);
        assert.ok(returns.length > RECENT_RETURNS, `${returns.length} episodes reported`);
        assert.deepEqual(trainer.recentReturns, returns.slice(-RECENT_RETURNS));
      } finally {
        trainer.dispose();
      }
    });
  }
});
