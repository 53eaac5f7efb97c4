/**
 * One episode of an agent in a B-DT env, summarised by the env's own {@link EpisodeMetrics}:
 * the single loop behind `run`, `sweep-v` and the comparison harness.
 */
import type { Env } from '../../env/core/env.ts';
import { InvalidActionError } from '../../env/core/errors.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { EpisodeMetrics, type EpisodeSummary } from '../../env/bdt/episode-metrics.ts';
import type { Agent } from '../agent.ts';

/**
 * Runs `agent` in `env` from `reset({seed, options})` until the episode ends. The env's exogenous
 * streams are seeded by `seed` alone, so every agent given the same seed sees the same trace;
 * `options` go to the env's reset (e.g. `{ trace }` to replay a recorded trace instead).
 */
export function runEpisode<Obs, Act>(env: Env<Obs, Act>, agent: Agent<Obs, Act>, seed: number, options?: Record<string, unknown>): EpisodeSummary {
  return playEpisode(env, agent, seed, options, {});
}

/** {@link runEpisode}, keeping in `progress.slot` the slot being decided (undefined until the env is reset). */
function playEpisode<Obs, Act>(env: Env<Obs, Act>, agent: Agent<Obs, Act>, seed: number, options: Record<string, unknown> | undefined, progress: { slot?: number }): EpisodeSummary {
  const raw = env.unwrapped;
  if (!(raw instanceof BdtEnv)) throw new TypeError(`runEpisode: needs a B-DT env, got ${String(raw)}`);
  const metrics = new EpisodeMetrics(raw.system);
  agent.reset(seed);
  let [obs, info] = env.reset(options === undefined ? { seed } : { seed, options });
  for (let slot = 0; ; slot++) {
    progress.slot = slot;
    const action = synchronousAction(agent.act(obs, { info, env }));
    const [next, reward, terminated, truncated, stepInfo] = env.step(action);
    metrics.add(reward, stepInfo);
    if (terminated || truncated) return metrics.summary();
    obs = next;
    info = stepInfo;
  }
}

/**
 * `action`, unless it is a Promise (an `async act`): the env would refuse it as an action with
 * no keys, and its rejection would surface later as an unhandled one, so it is caught here and
 * the act refused, saying why.
 */
export function synchronousAction<Act>(action: Act): Act {
  if (!isThenable(action)) return action;
  action.then(undefined, () => {}); // what it rejects with, if anything, is beside the point now
  throw new InvalidActionError('act returned a Promise: Agent.act must be synchronous (load in the factory, which may be async)');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * An episode that threw (the agent's `reset` or `act`, or the env refusing its action): names the
 * agent's label, the seed, the slot being decided (undefined when the episode failed before
 * its first decision) and, from `compareAgents` with traces, the index of the trace replayed; the
 * error thrown is the `cause`.
 */
export class AgentEpisodeError extends Error {
  readonly agent: string;
  readonly seed: number;
  readonly slot: number | undefined;
  /** Index into the comparison's `traces` of the trace replayed (the agents' seeds may repeat there). */
  readonly trace: number | undefined;
  override readonly cause: unknown;

  constructor(agent: string, seed: number, cause: unknown, slot?: number, trace?: number) {
    super(`agent "${agent}", seed ${seed}${trace === undefined ? '' : `, trace ${trace}`}${slot === undefined ? '' : `, slot ${slot}`}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.agent = agent;
    this.seed = seed;
    this.slot = slot;
    this.trace = trace;
    this.cause = cause;
    this.name = 'AgentEpisodeError';
  }
}

/**
 * {@link runEpisode}, an error in it rethrown as an {@link AgentEpisodeError} naming `label`,
 * `seed`, the slot and `trace`, the index of the trace replayed when the caller has several (what
 * compare, run and sweep-v report).
 */
export function runAgentEpisode<Obs, Act>(label: string, env: Env<Obs, Act>, agent: Agent<Obs, Act>, seed: number, options?: Record<string, unknown>, trace?: number): EpisodeSummary {
  const progress: { slot?: number } = {};
  try {
    return playEpisode(env, agent, seed, options, progress);
  } catch (error) {
    throw new AgentEpisodeError(label, seed, error, progress.slot, trace);
  }
}

