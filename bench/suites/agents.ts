/**
 * Training throughput of the learned agents on CartPole-v1 with the configs/agents/*-cartpole.json
 * presets (rl-baselines3-zoo's settings; the DQN preset's learning rate differs, its compute does
 * not), and of the `ppo-bdt` preset on BDT-v0 and BDT-large-v0 (120 partition heads), on the wasm
 * backend: env steps per second of training, rollouts, updates and all. Peers on this machine
 * (PyTorch CPU): SB3 PPO (zoo settings) 2,233 steps/s, CleanRL PPO ~2,200, SB3 DQN (zoo settings) 630.
 *
 * Each timed run continues the same trainer (after warm-up past DQN's learning start), so it
 * measures steady-state training, including the periodic gradient phases, with DQN acting at its
 * final epsilon.
 */
import { readFileSync } from 'node:fs';
import { make } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import type { BenchSuite } from '../harness.ts';

await initBackend('wasm');

function presetFile(name: string): { hyperparameters: Record<string, unknown>; envKwargs?: Record<string, unknown> } {
  return JSON.parse(readFileSync(new URL(`../../configs/agents/${name}.json`, import.meta.url), 'utf8'));
}

function preset(name: string): Record<string, unknown> {
  return presetFile(name).hyperparameters;
}

/** One PPO iteration (a rollout of 8 envs x 200 slots, then 5 epochs) per 1,600 env-steps, on `id` with the preset's training override. */
function ppoBdt(id: string): (ops: number) => void {
  const { hyperparameters, envKwargs } = presetFile('ppo-bdt');
  const hp = PpoHyperparametersSchema.parse({ ...hyperparameters, totalTimesteps: 100_000_000 });
  const trainer = new PpoTrainer({ hp, seed: 0, makeEnv: () => make(id, envKwargs) });
  trainer.iterate();
  return (ops) => {
    for (let done = 0; done < ops; done += trainer.batchSize) trainer.iterate();
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'agents-wasm',
    cases: [
      {
        name: 'ppo-cartpole-zoo',
        unit: 'env-steps',
        ops: 2048, // 8 iterations of 8 envs x 32 steps, 20 epochs each
        setup: () => {
          const hp = PpoHyperparametersSchema.parse({ ...preset('ppo-cartpole'), totalTimesteps: 10_000_000 });
          const trainer = new PpoTrainer({ hp, seed: 0, makeEnv: () => make('CartPole-v1') });
          trainer.iterate();
          return (ops) => {
            for (let done = 0; done < ops; done += trainer.batchSize) trainer.iterate();
          };
        },
      },
      { name: 'ppo-bdt', unit: 'env-steps', ops: 3200, setup: () => ppoBdt('BDT-v0') },
      { name: 'ppo-bdt BDT-large-v0', unit: 'env-steps', ops: 1600, setup: () => ppoBdt('BDT-large-v0') },
      {
        name: 'dqn-cartpole',
        unit: 'env-steps',
        ops: 1024, // four 256-step blocks, each with 128 gradient steps
        setup: () => {
          // The long schedule keeps the trainer running; epsilon starts at its final value so acting
          // is greedy as late in a real run (a 10M-step decay would keep it near 1: random acting).
          const zoo = preset('dqn-cartpole');
          const hp = DqnHyperparametersSchema.parse({ ...zoo, totalTimesteps: 10_000_000, startE: zoo['endE'] });
          const trainer = new DqnTrainer({ hp, seed: 0, makeEnv: () => make('CartPole-v1') });
          while (trainer.counters.globalStep < hp.learningStarts + 24) trainer.iterate();
          return (ops) => {
            for (let i = 0; i < ops; i++) trainer.iterate();
          };
        },
      },
    ],
  },
];
