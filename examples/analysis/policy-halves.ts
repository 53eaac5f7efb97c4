/**
 * Which half of a learned policy loses to DPRA: its partition points, or its CPU shares? Two
 * agents, each a learned policy with one half replaced by DPRA's, registered for `compare`:
 *
 * - `learned-partition`: the policy's partition points; DPRA's frequencies for them (its solver
 *   with the partition fixed, as WDPO's). Its gap to DPRA is what the partition choice costs.
 * - `learned-shares`: DPRA's partition points; the policy's inference and mining shares. Its gap
 *   to DPRA is what the shares cost, on DPRA's partition.
 *
 * Options (`--agent-options`): `policy`, 'ppo' (default) or 'dqn'; `checkpoint`, a run or
 * checkpoint directory (default: the committed model for the env, as for `--agents ppo`).
 *
 * Run: npx bdt-gym compare --import ./examples/analysis/policy-halves.ts --env BDT-large-v0 \
 *        --agents dpra,ppo,learned-partition,learned-shares --seeds 4-13
 */
import * as z from 'zod';
import { bdtEnvOf, createAgent, parseAgentOptions, registerAgent, ShareSolver, type ActContext, type Agent } from 'bdt-gym/baselines';
import type { BdtAction, BdtObservation, Env } from 'bdt-gym';

const PolicyHalfOptions = z
  .object({
    policy: z.enum(['ppo', 'dqn']).default('ppo').describe('The learned agent whose half is kept'),
    checkpoint: z.string().optional().describe("Its run or checkpoint directory (default: the env's committed model)"),
  })
  .strict();

type BdtAgent = Agent<BdtObservation, BdtAction>;

/** The learned agent the options name, created for `env` as `compare --agents ppo` creates it. */
async function learnedAgent(env: Env, options: z.output<typeof PolicyHalfOptions>): Promise<BdtAgent> {
  return (await createAgent(options.policy, env, options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint })) as BdtAgent;
}

/** The learned policy's partition points, with DPRA's frequencies for them (as a `cpuShares: 'solved'` agent plays). */
class LearnedPartition implements BdtAgent {
  readonly name = 'learned-partition';
  private readonly shares = new ShareSolver();
  private readonly learned: BdtAgent;

  constructor(learned: BdtAgent) {
    this.learned = learned;
  }

  reset(seed?: number): void {
    this.learned.reset(seed);
  }

  act(obs: BdtObservation, context?: ActContext<BdtObservation, BdtAction>): BdtAction {
    return this.shares.toAction(this.learned.act(obs, context), bdtEnvOf(this.name, context));
  }

  dispose(): void {
    this.learned.dispose?.();
  }
}

/** DPRA's partition points, with the learned policy's inference and mining shares. */
class LearnedShares implements BdtAgent {
  readonly name = 'learned-shares';
  private readonly learned: BdtAgent;
  private readonly dpra: BdtAgent;

  constructor(learned: BdtAgent, dpra: BdtAgent) {
    this.learned = learned;
    this.dpra = dpra;
  }

  reset(seed?: number): void {
    this.learned.reset(seed);
    this.dpra.reset(seed);
  }

  act(obs: BdtObservation, context?: ActContext<BdtObservation, BdtAction>): BdtAction {
    const { partition } = this.dpra.act(obs, context);
    const { inferenceShare, miningShare } = this.learned.act(obs, context);
    return { partition, inferenceShare, miningShare };
  }

  dispose(): void {
    this.learned.dispose?.();
    this.dpra.dispose?.();
  }
}

registerAgent('learned-partition', {
  description: "learned-partition: a learned policy's partition points, DPRA's frequencies for them (examples/analysis/policy-halves.ts)",
  create: async (env, options) => new LearnedPartition(await learnedAgent(env, parseAgentOptions(PolicyHalfOptions, options, 'learned-partition'))),
});

registerAgent('learned-shares', {
  description: "learned-shares: DPRA's partition points, a learned policy's CPU shares (examples/analysis/policy-halves.ts)",
  create: async (env, options) => new LearnedShares(await learnedAgent(env, parseAgentOptions(PolicyHalfOptions, options, 'learned-shares')), (await createAgent('dpra', env, {})) as BdtAgent),
});
