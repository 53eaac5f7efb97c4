/**
 * CI-sized learning checks on CartPole-v1, where the answer is known: a uniformly random policy
 * averages ~22 steps; each agent must reach a deterministic evaluation of >= 150 (about 7x) on a
 * small budget. Seeds are fixed, the budgets leave margin (PPO reached 365-500 on seeds 1-3 when
 * this was written; DQN see below).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../agents/backend.ts';
import { trainRun } from '../../agents/run/train-run.ts';

const THRESHOLD = 150;

function presetHyperparameters(agent: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`configs/agents/${agent}-cartpole.json`, 'utf8')).hyperparameters;
}

describe('agents: learning on CartPole-v1 (CI budget)', function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-learn-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`PPO (zoo preset, 25k steps) evaluates deterministically at >= ${THRESHOLD}`, async () => {
    const summary = await trainRun({ agent: 'ppo', envId: 'CartPole-v1', steps: 25_000, seed: 1, outDir: join(dir, 'ppo'), backend: 'wasm', hyperparameters: presetHyperparameters('ppo') });
    assert.ok((summary.evalReturn ?? -Infinity) >= THRESHOLD, `PPO evaluation return ${summary.evalReturn} < ${THRESHOLD}`);
  });

  it(`DQN (zoo schedule and learning rate, 64x64, double Q, 25k steps) evaluates deterministically at >= ${THRESHOLD}`, async () => {
    // The preset's schedule (train every 256 steps, 128 gradient steps, target synced every 10) on
    // a 64x64 trunk, with the default double-Q target (the preset uses SB3's) and the zoo's
    // constant learning rate 2.3e-3: the preset's 1e-3 decaying to 0 is tuned for its 50k steps and
    // at 25k reached only 256, 68, 168, 149, 115 on seeds 1-5. With 2.3e-3 each of seeds 1-5
    // reached 500 when this was written (~8-10 CPU-seconds each).
    const hyperparameters = { ...presetHyperparameters('dqn'), hidden: [64, 64], doubleQ: true, learningRate: 2.3e-3, annealLr: false };
    const summary = await trainRun({ agent: 'dqn', envId: 'CartPole-v1', steps: 25_000, seed: 1, outDir: join(dir, 'dqn'), backend: 'wasm', hyperparameters });
    assert.ok((summary.evalReturn ?? -Infinity) >= THRESHOLD, `DQN evaluation return ${summary.evalReturn} < ${THRESHOLD}`);
  });
});
