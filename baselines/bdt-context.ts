/**
 * The B-DT env behind an agent's `ActContext`: scripted agents read the system model, the slot's
 * exogenous state and the virtual queues from `env.unwrapped` (a {@link BdtEnv}).
 */
import type { ActContext } from './agent.ts';
import { BdtEnv } from '../env/bdt/bdt-env.ts';

/** `context.env.unwrapped` as a BdtEnv, or an error naming the agent and what is missing. */
export function bdtEnvOf(agent: string, context: ActContext | undefined): BdtEnv {
  const env = context?.env?.unwrapped;
  if (env === undefined) throw new TypeError(`agent ${agent}: act() needs the env in its context ({ env }): it reads the system model, slot state and queues from env.unwrapped`);
  if (!(env instanceof BdtEnv)) throw new TypeError(`agent ${agent}: needs a B-DT env (a registered B-DT id such as BDT-v0, or a scenario), got ${String(env)}`);
  return env;
}
