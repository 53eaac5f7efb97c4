/**
 * The learned agents' entries in `createAgent`'s registry (baselines/create-agent.ts), and where
 * their committed checkpoints are, without TensorFlow.js: `registerLearnedAgentsWith` takes how
 * to load it, so the library loads it with its own imports (register-learned-agents.ts) and the
 * CLI only when an agent is created (cli/learned-agents.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { parseAgentOptions } from '../baselines/agent-options.ts';
import type { Agent } from '../baselines/agent.ts';
import { registerAgent } from '../baselines/create-agent.ts';
import type { Env } from '../env/core/env.ts';

/** The learned agents' algorithms, which are also their agent names. */
export const LEARNED_ALGORITHMS = ['ppo', 'dqn'] as const;
export type LearnedAlgorithm = (typeof LEARNED_ALGORITHMS)[number];

/** Whether agent `name` is a learned one. */
export function isLearnedAlgorithm(name: string): name is LearnedAlgorithm {
  return (LEARNED_ALGORITHMS as readonly string[]).includes(name);
}

/** This package's models/ directory, which holds the committed models whatever the working directory. */
export const COMMITTED_MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));

/** The committed checkpoint of `algo` for registered env `envId` (it may not exist). */
export function defaultCheckpointDir(algo: LearnedAlgorithm, envId: string): string {
  return join(COMMITTED_MODELS_DIR, `${algo}-${envId.toLowerCase()}`);
}

/** The envs × algorithms with a committed checkpoint, e.g. to include them in a comparison. */
export function hasCommittedCheckpoint(algo: LearnedAlgorithm, envId: string): boolean {
  return existsSync(defaultCheckpointDir(algo, envId));
}

/** The options of a learned agent. */
export const LearnedAgentOptions = z
  .object({
    checkpoint: z.string().min(1).optional().describe('Run or checkpoint directory of the trained policy (path; default the committed models/<algo>-<env id>)'),
  })
  .strict();

/** The options of the learned agent `ppo`: those of every learned agent, and sampling. */
export const PpoAgentOptionsSchema = LearnedAgentOptions.extend({
  sample: z.number().int().optional().describe("Sample each action from the policy's distribution, as training does, with this seed, reseeded by each episode's seed (integer; default: act on the distribution's mode)"),
}).strict();

/** What creating a learned agent needs: a TensorFlow.js backend started, and a checkpoint read into an agent. */
export interface PolicyLoading {
  /** Starts a backend; its name, when it answers one, is what `learnedAgentBackend()` then tells. */
  initBackend(): Promise<unknown>;
  loadPolicyAgent(dir: string, env: Env<unknown, unknown>, expectedAlgo: LearnedAlgorithm, options: { sample?: number | undefined }): Promise<Agent<unknown, unknown>>;
}

function checkpointFor(algo: LearnedAlgorithm, env: Env<unknown, unknown>): string {
  const id = env.spec?.id;
  if (id === undefined) throw new Error(`${algo}: give a checkpoint option (the env has no registry id to find models/${algo}-<id>)`);
  return defaultCheckpointDir(algo, id);
}

/** The TensorFlow.js backend the last learned agent created started (initBackend's answer). */
let startedBackend: string | undefined;

/**
 * The TensorFlow.js backend the learned agents created in this process run on, or undefined when
 * none was created; known without loading TensorFlow.js (compare's provenance records it).
 */
export function learnedAgentBackend(): string | undefined {
  return startedBackend;
}

/**
 * Registers `ppo` and `dqn` (idempotent): without a `checkpoint` option the committed one for the
 * env, `models/<algo>-<env id in lower case>` in this package whatever the working directory; the
 * fastest available backend is started when an agent is created, after `load()`.
 */
export function registerLearnedAgentsWith(load: () => Promise<PolicyLoading>): void {
  for (const algo of LEARNED_ALGORITHMS) {
    registerAgent(algo, {
      description: `${algo.toUpperCase()} policy from a training checkpoint (option checkpoint: run or checkpoint directory; default models/${algo}-<env id>)`,
      create: async (env, options) => {
        // DQN acts greedily: it takes no sampling option
        const { checkpoint, sample } = algo === 'ppo' ? parseAgentOptions(PpoAgentOptionsSchema, options, algo) : { ...parseAgentOptions(LearnedAgentOptions, options, algo), sample: undefined };
        const dir = checkpoint ?? checkpointFor(algo, env);
        const { initBackend, loadPolicyAgent } = await load();
        const backend = await initBackend();
        if (typeof backend === 'string') startedBackend = backend;
        return loadPolicyAgent(dir, env, algo, { sample });
      },
    });
  }
}
