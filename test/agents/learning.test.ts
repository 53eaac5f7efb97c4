/**
 * CI-sized learning checks on CartPole-v1, where the answer is known: a uniformly random policy
 * averages ~22 steps; each agent must reach a deterministic evaluation of >= 150 (about 7x) on a
 * small budget. Seeds are fixed, the budgets leave margin (PPO reached 365-500 and DQN 473-500 on
 * seeds 1-3 when this was written).
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
    assert.ok(summary.evalReturn >= THRESHOLD, `PPO evaluation return ${summary.evalReturn} < ${THRESHOLD}`);
  });

  it(`DQN (64x64, train every 4 steps, 20k steps) evaluates deterministically at >= ${THRESHOLD}`, async () => {
    // doubleQ: the default algorithm (the preset uses SB3's target); seed 1 reached 186 after the warm-up fix.
    const hyperparameters = { ...presetHyperparameters('dqn'), hidden: [64, 64], trainFrequency: 4, gradientSteps: 2, targetNetworkFrequency: 256, doubleQ: true };
    const summary = await trainRun({ agent: 'dqn', envId: 'CartPole-v1', steps: 20_000, seed: 1, outDir: join(dir, 'dqn'), backend: 'wasm', hyperparameters });
    assert.ok(summary.evalReturn >= THRESHOLD, `DQN evaluation return ${summary.evalReturn} < ${THRESHOLD}`);
  });
});
