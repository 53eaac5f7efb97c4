/**
 * The one interface every policy implements, scripted (baselines/) or learned (agents/), so the
 * CLI and the comparison harness treat them alike.
 */
import type { Env, Info } from '../env/core/env.ts';

/** What an agent may look at besides the observation. */
export interface ActContext<Obs = unknown, Act = unknown> {
  /** The info returned with `obs` by `reset` or `step`. */
  readonly info?: Info;
  /**
   * The env being acted in (scripted optimisers read the system model through
   * `env.unwrapped`; learned agents ignore it).
   */
  readonly env?: Env<Obs, Act>;
}

/**
 * A policy acting in an env, scripted (`dpra`, `random`, ...) or learned (`ppo`, `dqn`): the CLI
 * and the comparison harness call `reset` at each episode and `act` at each step (Gymnasium has
 * none; SB3's `model.predict` plays its role).
 */
export interface Agent<Obs = unknown, Act = unknown> {
  /** Registry name, e.g. `dpra`, `ppo`. */
  readonly name: string;
  /** Called at the start of each episode; `seed` seeds any randomness of the agent. */
  reset(seed?: number): void;
  /** The action for `obs`; must be an element of the env's action space. */
  act(obs: Obs, context?: ActContext<Obs, Act>): Act;
  /** Release resources (tensors); safe to call twice. */
  dispose?(): void;
}
