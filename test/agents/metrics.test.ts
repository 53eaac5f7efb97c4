/**
 * The metric records' JSON-lines form, and when a run's checkpoint implies a metric record was
 * logged (what `train --resume` expects to find in metrics.jsonl).
 */
import assert from 'node:assert/strict';
import { DQN_LOG_EVERY_GRADIENT_STEPS, metricRecordToJsonLine, trainingMustHaveLogged } from '../../agents/metrics.ts';

describe('agents: metrics', () => {
  it('a record is one JSON line, the step first and then its tags', () => {
    assert.equal(metricRecordToJsonLine({ step: 512, metrics: { 'charts/episodic_return': -3.5, 'losses/value_loss': 0.25 } }), '{"step":512,"charts/episodic_return":-3.5,"losses/value_loss":0.25}');
  });

  it('PPO has logged once past step 0; DQN once it made a loss record or every env finished an episode', () => {
    assert.equal(trainingMustHaveLogged('ppo', { globalStep: 0 }, 4, 100), false);
    assert.equal(trainingMustHaveLogged('ppo', { globalStep: 1 }, 4, undefined), true);
    assert.equal(trainingMustHaveLogged('dqn', { globalStep: 0, gradientSteps: 0 }, 1, 1), false);
    // a loss record per DQN_LOG_EVERY_GRADIENT_STEPS gradient steps
    assert.equal(trainingMustHaveLogged('dqn', { globalStep: 10, gradientSteps: DQN_LOG_EVERY_GRADIENT_STEPS }, 4, undefined), true);
    assert.equal(trainingMustHaveLogged('dqn', { globalStep: 10, gradientSteps: DQN_LOG_EVERY_GRADIENT_STEPS - 1 }, 4, undefined), false);
    // 4 envs, episodes of at most 100 steps: 400 env steps finish one in each, 399 may not
    assert.equal(trainingMustHaveLogged('dqn', { globalStep: 400 }, 4, 100), true);
    assert.equal(trainingMustHaveLogged('dqn', { globalStep: 399 }, 4, 100), false);
    assert.equal(trainingMustHaveLogged('dqn', { globalStep: 1e6 }, 4, undefined), false, 'no episode limit known');
  });
});
