/**
 * One episode of an agent in a B-DT env, summarised by the env's own {@link EpisodeMetrics}:
 * the single loop behind `run`, `sweep-v` and the comparison harness.
 */
import type { Env } from '../../env/core/env.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { EpisodeMetrics, type EpisodeSummary } from '../../env/bdt/episode-metrics.ts';
import type { Agent } from '../agent.ts';

/**
 * Runs `agent` in `env` from `reset({seed, options})` until the episode ends. The env's exogenous
 * streams are seeded by `seed` alone, so every agent given the same seed sees the same trace;
 * `options` go to the env's reset (e.g. `{ trace }` to replay a recorded trace instead).
 */
export function runEpisode<Obs, Act>(env: Env<Obs, Act>, agent: Agent<Obs, Act>, seed: number, options?: Record<string, unknown>): EpisodeSummary {
  const raw = env.unwrapped;
  if (!(raw instanceof BdtEnv)) throw new TypeError(`runEpisode: needs a B-DT env, got ${String(raw)}`);
  const metrics = new EpisodeMetrics(raw.system);
  agent.reset(seed);
  let [obs, info] = env.reset(options === undefined ? { seed } : { seed, options });
  for (;;) {
    const action = agent.act(obs, { info, env });
    const [next, reward, terminated, truncated, stepInfo] = env.step(action);
    metrics.add(reward, stepInfo);
    if (terminated || truncated) return metrics.summary();
    obs = next;
    info = stepInfo;
  }
}

/**
 * An episode that threw (the agent's `act`, or the env refusing its action): names the agent's
 * label and the seed; the error thrown is the `cause`.
 */
export class AgentEpisodeError extends Error {
  readonly agent: string;
  readonly seed: number;
  override readonly cause: unknown;

  constructor(agent: string, seed: number, cause: unknown) {
    super(`agent "${agent}", seed ${seed}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.agent = agent;
    this.seed = seed;
    this.cause = cause;
    this.name = 'AgentEpisodeError';
  }
}

/** {@link runEpisode}, an error in it rethrown as an {@link AgentEpisodeError} naming `label` and `seed` (what compare, run and sweep-v report). */
export function runAgentEpisode<Obs, Act>(label: string, env: Env<Obs, Act>, agent: Agent<Obs, Act>, seed: number, options?: Record<string, unknown>): EpisodeSummary {
  try {
    return runEpisode(env, agent, seed, options);
  } catch (error) {
    throw new AgentEpisodeError(label, seed, error);
  }
}
