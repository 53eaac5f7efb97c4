/**
 * Makes `createAgent('ppo' | 'dqn', env, { checkpoint })` (baselines/create-agent.ts) load trained
 * policies. Without a `checkpoint` option the committed one for the env is used:
 * `models/<algo>-<env id in lower case>` (e.g. models/ppo-bdt-v0) in this package, whatever the
 * working directory.
 * The fastest available TensorFlow.js backend is started when such an agent is created, and
 * TensorFlow.js is only loaded then: registering costs a command (or a `serve` process) that never
 * makes a learned agent nothing (about 100 MB and 0.3 s).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseAgentOptions } from '../baselines/agent-options.ts';
import { registerAgent } from '../baselines/create-agent.ts';
import type { Env } from '../env/core/env.ts';

/** The committed checkpoint of `algo` for registered env `envId` (it may not exist). */
export function defaultCheckpointDir(algo: LearnedAlgorithm, envId: string): string {
  return fileURLToPath(new URL(`../models/${algo}-${envId.toLowerCase()}`, import.meta.url));
}

export type LearnedAlgorithm = 'ppo' | 'dqn';

/** The options of a learned agent. */
export const LearnedAgentOptions = z
  .object({
    checkpoint: z.string().min(1).optional().describe('Run or checkpoint directory of the trained policy (path; default the committed models/<algo>-<env id>)'),
  })
  .strict();

/** The envs × algorithms with a committed checkpoint, e.g. to include them in a comparison. */
export function hasCommittedCheckpoint(algo: LearnedAlgorithm, envId: string): boolean {
  return existsSync(defaultCheckpointDir(algo, envId));
}

function checkpointFor(algo: LearnedAlgorithm, env: Env<unknown, unknown>): string {
  const id = env.spec?.id;
  if (id === undefined) throw new Error(`${algo}: give a checkpoint option (the env has no registry id to find models/${algo}-<id>)`);
  return defaultCheckpointDir(algo, id);
}

/** Register the learned agents with the baselines' registry (idempotent). */
export function registerLearnedAgents(): void {
  for (const algo of ['ppo', 'dqn'] as const) {
    registerAgent(algo, {
      description: `${algo.toUpperCase()} policy from a training checkpoint (option checkpoint: run or checkpoint directory; default models/${algo}-<env id>)`,
      create: async (env, options) => {
        const { checkpoint } = parseAgentOptions(LearnedAgentOptions, options, algo);
        const dir = checkpoint ?? checkpointFor(algo, env);
        const [{ initBackend }, { loadPolicyAgent }] = await Promise.all([import('./backend.ts'), import('./policy-agent.ts')]);
        await initBackend();
        return loadPolicyAgent(dir, env, algo);
      },
    });
  }
}
