/**
 * Who sets a B-DT env's CPU shares, for both learned algorithms: the policy itself (PPO's
 * Gaussian head, DQN's discretised levels), or DPRA's resource allocation for the policy's
 * partition points each slot (`'solved'`, DROO's split; baselines/dpra/solved-shares.ts). A
 * 'solved' policy trains in a SolvedShares env, and a loaded one maps its partition to the full
 * action of the env it acts in; checkpoints record the env's own action space either way.
 */
import * as z from 'zod';
import type { ActContext } from '../baselines/agent.ts';
import { partitionActionSpace, ShareSolver, SolvedShares, unwrappedBdtEnv, type PartitionAction } from '../baselines/dpra/solved-shares.ts';
import type { BdtEnv } from '../env/bdt/bdt-env.ts';
import type { Env } from '../env/core/env.ts';
import type { Space } from '../env/spaces/space.ts';

export const CpuSharesSchema = z
  .enum(['policy', 'solved'])
  .default('policy')
  .describe(
    "Who sets a B-DT env's CPU shares (inference and mining): 'policy', the policy's own output (PPO's Gaussian head, DQN's discretised levels), or 'solved', DPRA's resource allocation for the policy's partition points each slot (DROO's split: the policy learns the integer part only, baselines/dpra/solved-shares.ts); 'solved' needs a B-DT env (name)",
  );

export type CpuShares = z.output<typeof CpuSharesSchema>;

const SOLVED = "hyperparameters.cpuShares 'solved'";

/**
 * `env` as a policy with `cpuShares` sees it: `env` itself, or for 'solved' a {@link SolvedShares}
 * over it, whose action is the partition only (a GymError naming the hyperparameter when `env` is
 * no B-DT env).
 */
export function cpuSharesEnv(env: Env<unknown, unknown>, cpuShares: CpuShares): Env<unknown, unknown> {
  if (cpuShares === 'policy') return env;
  unwrappedBdtEnv(SOLVED, env);
  return new SolvedShares(env as never) as Env<unknown, unknown>;
}

/** The action space a policy with `cpuShares` acts in, in an env of action space `space` (that of {@link cpuSharesEnv}). */
export function cpuSharesActionSpace(space: Space<unknown>, cpuShares: CpuShares): Space<unknown> {
  return cpuShares === 'policy' ? space : partitionActionSpace(SOLVED, space);
}

/**
 * For a loaded 'solved' policy acting in `env` (a B-DT env): maps its partition-only action to
 * the full action of the env acted in, `context.env` when given, else `env`, with DPRA's shares
 * for that env's current slot. `owner` names the checkpoint in the error for another env.
 */
export function solvedSharesAction(owner: string, env: Env<unknown, unknown>): (action: unknown, context?: ActContext) => unknown {
  const { solver, envOf } = sharesIn(owner, env);
  return (action, context) => solver.toAction(action as PartitionAction, envOf(context));
}

/**
 * As {@link solvedSharesAction}, for several candidate partition-only actions: the full action of
 * the one whose solved shares score best in the env acted in (`ShareSolver.bestOf`).
 */
export function solvedSharesChoice(owner: string, env: Env<unknown, unknown>): (candidates: readonly unknown[], context?: ActContext) => unknown {
  const { solver, envOf } = sharesIn(owner, env);
  return (candidates, context) => solver.bestOf(candidates as readonly PartitionAction[], envOf(context));
}

/** A share solver, and the B-DT env an act solves in: `context.env` when given, else `env` (checked now). */
function sharesIn(owner: string, env: Env<unknown, unknown>): { solver: ShareSolver; envOf: (context: ActContext | undefined) => BdtEnv } {
  const who = `${owner} (${SOLVED})`;
  const own = unwrappedBdtEnv(who, env);
  return { solver: new ShareSolver(), envOf: (context) => (context?.env === undefined ? own : unwrappedBdtEnv(who, context.env)) };
}
