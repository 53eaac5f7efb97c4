/**
 * Learning benchmark (not a test; minutes long): PPO and DQN on CartPole-v1 with the
 * configs/agents/{ppo,dqn}-cartpole.json presets (rl-baselines3-zoo's settings; the DQN preset's
 * learning rate differs, see its description), 3 seeds each, through the same `trainRun` as
 * `bdt-gym train`. Targets: PPO's deterministic evaluation (20 episodes) >= 475 within 100k
 * steps, DQN's within 50k. Prints one JSON line per run and a final summary line: `sps` is the
 * summary's (wall time of the training loop, as SB3's time/fps), `spsPerCpuSecond` divides by the
 * process CPU time of the whole `trainRun` (setup, checkpoint and final evaluation too: ~1% more
 * for DQN on CartPole). `--dqn-preset` / `--ppo-preset` swap in another preset file of the same
 * shape (a variant under test, e.g. one written to scratch/).
 *
 *   npx tsx bench/train-cartpole.ts [--agents ppo,dqn] [--seeds 1,2,3] [--out runs/bench-cartpole]
 *     [--dqn-preset FILE] [--ppo-preset FILE]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../agents/backend.ts';
import { trainRun, type TrainSummary } from '../agents/run/train-run.ts';
import { scriptArgs } from './script-args.ts';

const BUDGET = { ppo: 100_000, dqn: 50_000 } as const;
const TARGET_RETURN = 475;

const USAGE = `usage: npx tsx bench/train-cartpole.ts [--agents ppo,dqn] [--seeds 1,2,3] [--out runs/bench-cartpole]
         [--dqn-preset FILE] [--ppo-preset FILE]`;
const { values } = scriptArgs(USAGE, {
  agents: { type: 'string', default: 'ppo,dqn' },
  seeds: { type: 'string', default: '1,2,3' },
  out: { type: 'string', default: 'runs/bench-cartpole' },
  'ppo-preset': { type: 'string', default: 'configs/agents/ppo-cartpole.json' },
  'dqn-preset': { type: 'string', default: 'configs/agents/dqn-cartpole.json' },
});
const agents = values.agents.split(',') as Array<keyof typeof BUDGET>;
const seeds = values.seeds.split(',').map(Number);
const backend = await initBackend('wasm');
const results: TrainSummary[] = [];
for (const agent of agents) {
  if (!(agent in BUDGET)) throw new Error(`--agents: unknown agent ${agent} (ppo, dqn)`);
  const presetFile = agent === 'ppo' ? values['ppo-preset'] : values['dqn-preset'];
  const preset = JSON.parse(readFileSync(presetFile, 'utf8'));
  for (const seed of seeds) {
    const cpuStart = process.cpuUsage();
    const summary = await trainRun({ agent, envId: 'CartPole-v1', steps: BUDGET[agent], seed, outDir: join(values.out, `${agent}-${seed}`), backend, hyperparameters: preset.hyperparameters });
    const cpu = process.cpuUsage(cpuStart);
    results.push(summary);
    // CPU-time throughput is reported too: on a shared machine wall time depends on the load.
    process.stdout.write(`${JSON.stringify({ ...summary, cpuSeconds: (cpu.user + cpu.system) / 1e6, spsPerCpuSecond: summary.steps / ((cpu.user + cpu.system) / 1e6) })}\n`);
  }
}
const byAgent = Object.fromEntries(
  agents.map((agent) => {
    const runs = results.filter((r) => r.agent === agent);
    return [agent, { preset: agent === 'ppo' ? values['ppo-preset'] : values['dqn-preset'], budget: BUDGET[agent], evalReturns: runs.map((r) => r.evalReturn), allReachTarget: runs.every((r) => (r.evalReturn ?? -Infinity) >= TARGET_RETURN), medianSps: runs.map((r) => r.sps).sort((a, b) => a - b)[Math.floor(runs.length / 2)] }];
  }),
);
process.stdout.write(`${JSON.stringify({ target: TARGET_RETURN, backend, agents: byAgent })}\n`);
