/**
 * Steady-state DQN training throughput on CartPole-v1 with the dqn-cartpole preset as it trains
 * (its own 50k-step schedule, so epsilon is at its floor and acting is greedy): warm up past
 * 9,000 env steps, then time `--blocks` blocks of 256 env steps (each with one training phase of
 * 128 gradient steps). Prints env steps per wall second and per CPU second, and milliseconds per
 * gradient step (acting included). Issue 5's peer: SB3 DQN, 630 env steps/s on this machine.
 *
 *   npx tsx bench/dqn-throughput.ts [--blocks 8] [--seed 1] [--preset configs/agents/dqn-cartpole.json]
 */
import { readFileSync } from 'node:fs';
import { initBackend } from '../agents/backend.ts';
import { DqnTrainer } from '../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../agents/dqn/hyperparameters.ts';
import { make } from '../env/index.ts';
import { scriptArgs } from './script-args.ts';

/** Env steps before timing: past the 16% exploration phase of a 50k-step run. */
const WARMUP_STEPS = 9_000;
/** Env steps per block: one training phase of the preset. */
const BLOCK_STEPS = 256;

const { values } = scriptArgs('usage: npx tsx bench/dqn-throughput.ts [--blocks 8] [--seed 1] [--preset configs/agents/dqn-cartpole.json]', {
  blocks: { type: 'string', default: '8' },
  seed: { type: 'string', default: '1' },
  preset: { type: 'string', default: 'configs/agents/dqn-cartpole.json' },
});
const blocks = Number(values.blocks);
if (!Number.isInteger(blocks) || blocks < 1) throw new Error(`--blocks: expected a positive integer, got ${values.blocks}`);
const backend = await initBackend('wasm');
const hp = DqnHyperparametersSchema.parse(JSON.parse(readFileSync(values.preset, 'utf8')).hyperparameters);
const trainer = new DqnTrainer({ hp, seed: Number(values.seed), makeEnv: () => make('CartPole-v1') });
while (trainer.counters.globalStep < WARMUP_STEPS) trainer.iterate();

const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const gradientStart = trainer.counters.gradientSteps;
for (let i = 0; i < blocks * BLOCK_STEPS; i++) trainer.iterate();
const wallSeconds = (performance.now() - wallStart) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const steps = blocks * BLOCK_STEPS;
const gradientSteps = trainer.counters.gradientSteps - gradientStart;
trainer.dispose();
process.stdout.write(
  `${JSON.stringify({
    backend,
    preset: values.preset,
    steps,
    gradientSteps,
    stepsPerWallSecond: Math.round(steps / wallSeconds),
    stepsPerCpuSecond: Math.round(steps / cpuSeconds),
    msPerGradientStepWall: +((wallSeconds * 1000) / gradientSteps).toFixed(2),
    msPerGradientStepCpu: +((cpuSeconds * 1000) / gradientSteps).toFixed(2),
  })}\n`,
);
