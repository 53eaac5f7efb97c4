/** Deterministic evaluation of an agent over whole episodes (the `train` command's final check). */
import type { Agent } from '../baselines/agent.ts';
import { synchronousAction } from '../baselines/harness/run-episode.ts';
import type { Env } from '../env/core/env.ts';
import { InvalidArgumentError } from '../env/core/errors.ts';
import { formatValue } from '../env/core/format.ts';
import { checkSeed } from '../env/core/rng.ts';

/** Returns and lengths of evaluation episodes, in episode order. */
export interface EvaluationResult {
  /** Undiscounted return of each episode. */
  readonly returns: number[];
  /** Steps of each episode. */
  readonly lengths: number[];
  /** Mean of `returns`. */
  readonly meanReturn: number;
}

/** Run `episodes` episodes, episode i reset with seed `seed + i`; the env is not closed. */
export function evaluateAgent(agent: Agent, env: Env<unknown, unknown>, episodes: number, seed: number): EvaluationResult {
  checkEvaluation('evaluateAgent', episodes, seed);
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < episodes; i++) {
    agent.reset(seed + i);
    let [obs, info] = env.reset({ seed: seed + i });
    let total = 0;
    let length = 0;
    for (;;) {
      // an async act's Promise would reach the env as an action with no keys, refused as such
      const action = synchronousAction(agent.act(obs, { info, env }));
      const [next, reward, terminated, truncated, nextInfo] = env.step(action);
      total += reward;
      length += 1;
      obs = next;
      info = nextInfo;
      if (terminated || truncated) break;
    }
    returns.push(total);
    lengths.push(length);
  }
  return evaluationResult(returns, lengths);
}

/**
 * {@link evaluateAgent}, yielding to the event loop between episodes so `signal` (Ctrl-C) can
 * stop it: undefined once `signal` has aborted, else the same result as `evaluateAgent` (the
 * episodes are the same, seeded seed + i, and summed in the same order).
 */
export async function evaluateAgentUnlessAborted(agent: Agent, env: Env<unknown, unknown>, episodes: number, seed: number, signal: AbortSignal | undefined): Promise<EvaluationResult | undefined> {
  checkEvaluation('evaluateAgentUnlessAborted', episodes, seed);
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < episodes; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) return undefined;
    const episode = evaluateAgent(agent, env, 1, seed + i);
    returns.push(episode.returns[0]!);
    lengths.push(episode.lengths[0]!);
  }
  return evaluationResult(returns, lengths);
}

/** Refuses an episode count that is no whole number >= 1 (0 episodes gave a mean return of 0, a score never played) and seeds beyond the seed range. */
function checkEvaluation(owner: string, episodes: number, seed: number): void {
  if (typeof episodes !== 'number' || !Number.isSafeInteger(episodes) || episodes < 1) throw new InvalidArgumentError(`${owner}: episodes must be an integer >= 1, got ${formatValue(episodes)}`);
  checkSeed(seed, owner);
  checkSeed(seed + (episodes - 1), `${owner}: the last episode's`);
}

/** The result of these episodes: one definition of the mean, so both evaluations agree to the bit. */
function evaluationResult(returns: number[], lengths: number[]): EvaluationResult {
  return { returns, lengths, meanReturn: returns.reduce((a, b) => a + b, 0) / Math.max(1, returns.length) };
}
