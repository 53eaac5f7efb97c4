/** Where a PPO policy acts: in the env itself, or, with `cpuShares: 'solved'`, in the env with its CPU shares solved. */
import { partitionActionSpace, SolvedShares, unwrappedBdtEnv } from '../../baselines/dpra/solved-shares.ts';
import type { Env } from '../../env/core/env.ts';
import type { Space } from '../../env/spaces/space.ts';
import type { PpoHyperparameters } from './hyperparameters.ts';

const SOLVED = "hyperparameters.cpuShares 'solved'";

/**
 * `env` as the policy of `hp` sees it: `env` itself, or with `cpuShares: 'solved'` a
 * {@link SolvedShares} over it, whose action is the partition only (a GymError naming the
 * hyperparameter when `env` is no B-DT env).
 */
export function ppoActionEnv(env: Env<unknown, unknown>, hp: Pick<PpoHyperparameters, 'cpuShares'>): Env<unknown, unknown> {
  if (hp.cpuShares === 'policy') return env;
  unwrappedBdtEnv(SOLVED, env);
  return new SolvedShares(env as never) as Env<unknown, unknown>;
}

/** The action space the policy of `hp` acts in, in an env of action space `space` (that of {@link ppoActionEnv}). */
export function ppoActionSpace(space: Space<unknown>, hp: Pick<PpoHyperparameters, 'cpuShares'>): Space<unknown> {
  return hp.cpuShares === 'policy' ? space : partitionActionSpace(SOLVED, space);
}
