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

import type { LearnedAlgorithm } from './learned-algorithms.ts';

export { isLearnedAlgorithm, LEARNED_ALGORITHMS, type LearnedAlgorithm } from './learned-algorithms.ts';

/** The options of a learned agent. */
export const LearnedAgentOptions = z
  .object({
    checkpoint: z.string().min(1).optional().describe('Run or checkpoint directory of the trained policy (path; default the committed models/<agent>-<env id>)'),
  })
  .strict();

/** The options of the PPO agents (`ppo`, `ppo-solved`): those of every learned agent, and sampling. */
const PpoAgentOptionsSchema = LearnedAgentOptions.extend({
  sample: z.number().int().optional().describe("Sample each action from the policy's distribution, as training does, with this seed, reseeded by each episode's seed (integer; default: act on the distribution's mode)"),
}).strict();

const candidates = z
  .number()
  .int()
  .min(1)
  .max(256)
  .optional()
  .describe(
    "Partitions weighed each slot (DROO's search; integer, default 1): the policy's best, and its best with one of its least sure partition points at its second choice; the agent plays the one whose solved CPU shares score best (DPRA's ranking: energy budgets met, then the least Psi). Each costs one fixed-partition solve. Not with sample",
  );

/** The options of the agent `dqn-solved`: those of every learned agent, and the candidates. */
const SolvedDqnAgentOptionsSchema = LearnedAgentOptions.extend({ candidates }).strict();

/** The options of the agent `ppo-solved`: those of the PPO agents, and the candidates. */
const SolvedPpoAgentOptionsSchema = PpoAgentOptionsSchema.extend({ candidates }).strict();

/** The options the learned agents take, each agent some of them (its `options` schema). */
export interface LearnedAgentOptionValues {
  checkpoint?: string | undefined;
  sample?: number | undefined;
  candidates?: number | undefined;
}

/** What a learned agent loads: checkpoints of `algo`, and when `cpuShares` is set only those trained with it; the options it takes. */
export interface LearnedAgentSpec {
  readonly algo: LearnedAlgorithm;
  readonly cpuShares: 'solved' | undefined;
  readonly description: string;
  readonly options: z.ZodType<LearnedAgentOptionValues>;
}

/**
 * The learned agents by name. `ppo` and `dqn` load any checkpoint of their algorithm (one trained
 * with cpuShares 'solved' acts as such); `ppo-solved` and `dqn-solved` only those trained with
 * cpuShares 'solved' (the policy picks the partition, DPRA's allocation the CPU shares).
 */
export const LEARNED_AGENTS = {
  ppo: { algo: 'ppo', cpuShares: undefined, description: 'PPO policy setting the whole action (partition and CPU shares)', options: PpoAgentOptionsSchema },
  dqn: { algo: 'dqn', cpuShares: undefined, description: 'branching DQN policy setting the whole action (partition and discretised CPU shares)', options: LearnedAgentOptions },
  'ppo-solved': { algo: 'ppo', cpuShares: 'solved', description: "PPO policy picking the partition points, DPRA's resource allocation solving the CPU shares for them (cpuShares 'solved')", options: SolvedPpoAgentOptionsSchema },
  'dqn-solved': { algo: 'dqn', cpuShares: 'solved', description: "branching DQN policy picking the partition points, DPRA's resource allocation solving the CPU shares for them (cpuShares 'solved')", options: SolvedDqnAgentOptionsSchema },
} as const satisfies Record<string, LearnedAgentSpec>;
/** The learned agents' names as messages and help list them: `ppo, dqn, ppo-solved, dqn-solved`. */
export const LEARNED_AGENT_LIST = Object.keys(LEARNED_AGENTS).join(', ');
/**
 * The name of a learned agent: `'ppo'`, `'dqn'`, `'ppo-solved'` or `'dqn-solved'` (see
 * `LEARNED_AGENTS`).
 */
export type LearnedAgentName = keyof typeof LEARNED_AGENTS;

/** Whether agent `name` is a learned one. */
export function isLearnedAgent(name: string): name is LearnedAgentName {
  return Object.hasOwn(LEARNED_AGENTS, name);
}

/** The learned agent named for a checkpoint of `algo` trained with `cpuShares`. */
export function learnedAgentFor(algo: LearnedAlgorithm, cpuShares: 'policy' | 'solved'): LearnedAgentName {
  return cpuShares === 'solved' ? `${algo}-solved` : algo;
}

/** This package's models/ directory, which holds the committed models whatever the working directory. */
export const COMMITTED_MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));

/** The committed checkpoint of learned agent `agent` for registered env `envId`, models/<agent>-<env id> (it may not exist). */
export function defaultCheckpointDir(agent: LearnedAgentName, envId: string): string {
  return join(COMMITTED_MODELS_DIR, `${agent}-${envId.toLowerCase()}`);
}

/** The envs × learned agents with a committed checkpoint, e.g. to include them in a comparison. */
export function hasCommittedCheckpoint(agent: LearnedAgentName, envId: string): boolean {
  return existsSync(defaultCheckpointDir(agent, envId));
}

/** What creating a learned agent needs: a TensorFlow.js backend started, and a checkpoint read into an agent. */
export interface PolicyLoading {
  /** Starts a backend; its name, when it answers one, is what `learnedAgentBackend()` then tells. */
  initBackend(): Promise<unknown>;
  /**
   * Reads the checkpoint in `dir` (of algorithm `expectedAlgo`, else refused) into an agent acting
   * in `env`; the options are the agent's (`sample` seed, `cpuShares`, `candidates`).
   */
  loadPolicyAgent(dir: string, env: Env<unknown, unknown>, expectedAlgo: LearnedAlgorithm, options: { sample?: number | undefined; cpuShares?: 'solved' | undefined; candidates?: number | undefined }): Promise<Agent<unknown, unknown>>;
}

function checkpointFor(agent: LearnedAgentName, env: Env<unknown, unknown>): string {
  const id = env.spec?.id;
  if (id === undefined) throw new Error(`${agent}: give a checkpoint option (the env has no registry id to find models/${agent}-<id>)`);
  return defaultCheckpointDir(agent, id);
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

/** Records that learned agents of this run were created on `backend` in another thread (`compare --jobs`'s workers), for `learnedAgentBackend`. */
export function noteLearnedAgentBackend(backend: string): void {
  startedBackend = backend;
}

/**
 * Registers the {@link LEARNED_AGENTS} (idempotent): without a `checkpoint` option the committed
 * one for the env, `models/<agent>-<env id in lower case>` in this package whatever the working
 * directory; the fastest available backend is started when an agent is created, after `load()`.
 */
export function registerLearnedAgentsWith(load: () => Promise<PolicyLoading>): void {
  for (const [name, { algo, cpuShares, description, options: schema }] of Object.entries(LEARNED_AGENTS) as [LearnedAgentName, LearnedAgentSpec][]) {
    registerAgent(name, {
      description: `${description}, from a training checkpoint (option checkpoint: run or checkpoint directory; default models/${name}-<env id>)`,
      create: async (env, options) => {
        // DQN acts greedily: it takes no sampling option; only the -solved agents weigh candidates
        const { checkpoint, sample, candidates } = parseAgentOptions(schema, options, name);
        if (sample !== undefined && candidates !== undefined) throw new Error(`${name}: options sample and candidates exclude each other (the candidates are around the policy's mode)`);
        const dir = checkpoint ?? checkpointFor(name, env);
        const { initBackend, loadPolicyAgent } = await load();
        const backend = await initBackend();
        if (typeof backend === 'string') startedBackend = backend;
        return loadPolicyAgent(dir, env, algo, { sample, cpuShares, candidates });
      },
    });
  }
}
