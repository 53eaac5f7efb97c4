/**
 * Makes `createAgent('ppo' | 'dqn', env, { checkpoint })` (baselines/create-agent.ts) load trained
 * policies. Without a `checkpoint` option the committed one for the env is used:
 * `models/<algo>-<env id in lower case>` (e.g. models/ppo-bdt-v0), relative to the working directory.
 * The fastest available TensorFlow.js backend is started when such an agent is created.
 */
import { registerAgent } from '../baselines/create-agent.ts';
import type { Env } from '../env/core/env.ts';
import { initBackend } from './backend.ts';
import { loadPolicyAgent } from './policy-agent.ts';

/** Where `createAgent` looks for a checkpoint when none is given. */
export function defaultCheckpointDir(algo: 'ppo' | 'dqn', env: Env<unknown, unknown>): string {
  const id = env.spec?.id;
  if (id === undefined) throw new Error(`${algo}: give a checkpoint option (the env has no registry id to find models/${algo}-<id>)`);
  return `models/${algo}-${id.toLowerCase()}`;
}

/** Register the learned agents with the baselines' registry (idempotent). */
export function registerLearnedAgents(): void {
  for (const algo of ['ppo', 'dqn'] as const) {
    registerAgent(algo, {
      description: `${algo.toUpperCase()} policy from a training checkpoint (option checkpoint: run or checkpoint directory; default models/${algo}-<env id>)`,
      create: async (env, options) => {
        const checkpoint = options['checkpoint'];
        if (checkpoint !== undefined && typeof checkpoint !== 'string') throw new Error(`${algo}: option checkpoint must be a directory path, got ${JSON.stringify(checkpoint)}`);
        await initBackend();
        return loadPolicyAgent(checkpoint ?? defaultCheckpointDir(algo, env), env);
      },
    });
  }
}
