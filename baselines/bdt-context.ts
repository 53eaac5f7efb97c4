/**
 * The B-DT env behind an agent's `ActContext`: scripted agents read the system model, the slot's
 * exogenous state and the virtual queues from `env.unwrapped` (a {@link BdtEnv}).
 */
import type { ActContext } from './agent.ts';
import { BdtEnv } from '../env/bdt/bdt-env.ts';
import { registryCopies } from '../env/registration.ts';

/** `context.env.unwrapped` as a BdtEnv, or an error naming the agent and what is missing. */
export function bdtEnvOf(agent: string, context: ActContext | undefined): BdtEnv {
  const env = context?.env?.unwrapped;
  if (env === undefined) throw new TypeError(`agent ${agent}: act() needs the env in its context ({ env }): it reads the system model, slot state and queues from env.unwrapped`);
  if (!(env instanceof BdtEnv)) {
    // each copy has its own BdtEnv class: an env of one is no BdtEnv of another
    const copies = registryCopies();
    const hint = copies > 1 ? `; ${copies} copies of bdt-gym are loaded, and this agent's copy did not make the env: import the env and the agents from one install (in a browser, bundle env/ and baselines/ in one build)` : '';
    throw new TypeError(`agent ${agent}: needs a B-DT env (a registered B-DT id such as BDT-v0, or a scenario), got ${String(env)}${hint}`);
  }
  return env;
}
